import SwitchboardHTTP
import SwitchboardLog

/// The HTTP server as a lifecycle service. The server logs `http server listening` with
/// the bound port (tests and operators read it when the config says port 0).
///
/// An auxiliary server (the metrics listener) that cannot start is logged as an error
/// and the host starts without it: webhooks must not wait for a port Prometheus wants.
final class HTTPService: Service {
    let name: String
    let server: HTTPServer
    private let auxiliary: Logger?

    /// `auxiliaryLogger`: set for a server the host can run without; its start failure
    /// is logged there instead of stopping the host.
    init(server: HTTPServer, auxiliaryLogger: Logger? = nil) {
        self.server = server
        self.name = server.configuration.name
        self.auxiliary = auxiliaryLogger
    }

    func start() throws {
        do {
            try server.start()
        } catch {
            guard let auxiliary else { throw error }
            auxiliary.error("\(name) server not started; the host runs without it", [LogKey.error: "\(error)"])
        }
    }

    func stop(deadline: ContinuousClock.Instant) {
        let left = deadline - ContinuousClock.now
        server.stop(deadline: left > .zero ? left : .milliseconds(1))
    }
}
