import SwitchboardHTTP

/// The HTTP server as a lifecycle service. The server logs `http server listening` with
/// the bound port (tests and operators read it when the config says port 0).
final class HTTPService: Service {
    let name: String
    let server: HTTPServer

    init(server: HTTPServer) {
        self.server = server
        self.name = server.configuration.name
    }

    func start() throws {
        try server.start()
    }

    func stop(deadline: ContinuousClock.Instant) {
        let left = deadline - ContinuousClock.now
        server.stop(deadline: left > .zero ? left : .milliseconds(1))
    }
}
