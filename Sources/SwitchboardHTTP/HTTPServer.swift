import CMicroHTTPD
import Dispatch
import SwitchboardLog
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The inbound HTTP server: libmicrohttpd with internal epoll polling on a pool of
/// threads, a router, body limits and request metrics.
///
///     var router = HTTPRouter()
///     router.post("/webhooks/whatsapp/{app}") { req in ... }
///     let server = HTTPServer(configuration: .init(listen: "127.0.0.1:8080"), router: router,
///                             metrics: registry, logger: log)
///     try server.start()        // binds; errors are `HTTPServerError`
///     ...
///     server.stop()             // graceful: stop accepting, drain, close
///
/// Handlers run on the pool's threads (see `HTTPHandler`). Every answered request counts
/// in `switchboard_http_requests_total{route,method,status}` and
/// `switchboard_http_request_duration_seconds{route}`, labelled with the route PATTERN
/// (`unmatched` for 404s), never the raw path.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let core: ServerCore

    private struct Running: @unchecked Sendable {
        let daemon: OpaquePointer
        let logTarget: UnsafeMutablePointer<CMicroHTTPD_LogTarget>
        /// Heartbeats and lifetimes of event streams (`EventStreamPolicy`).
        let ticker: DispatchSourceTimer
    }
    private enum State: Sendable {
        case idle
        case running(Running, port: UInt16)
        case stopped
    }
    private let state = Mutex<State>(.idle)

    /// A server answering every request with `handler` (no routing: every path and
    /// method reaches it; the metrics route label is `/{path...}`).
    public convenience init(configuration: HTTPServerConfiguration, metrics: MetricsRegistry = MetricsRegistry(),
                            logger: Logger? = nil, handler: @escaping HTTPHandler) {
        var router = HTTPRouter()
        router.add("*", "/{path...}", handler)
        self.init(configuration: configuration, router: router, metrics: metrics, logger: logger)
    }

    /// A server dispatching through `router`. Metrics go to `metrics` (pass the host's
    /// registry so `/metrics` shows them).
    public init(configuration: HTTPServerConfiguration, router: HTTPRouter,
                metrics: MetricsRegistry = MetricsRegistry(), logger: Logger? = nil) {
        self.configuration = configuration
        self.core = ServerCore(router: router, maxBodySize: max(0, configuration.maxBodySize),
                               eventStreams: configuration.eventStreams, metrics: metrics, logger: logger)
    }

    deinit {
        // A server dropped while running stops at once, without draining.
        if case .running(let r, _) = state.withLock({ $0 }) {
            r.ticker.cancel()
            core.stopping.store(true, ordering: .relaxed)
            core.finishStreams(final: true)
            MHD_stop_daemon(r.daemon)
            r.logTarget.deallocate()
        }
    }

    /// Binds the listening socket and starts serving. Throws `HTTPServerError`:
    /// `invalidAddress`, `addressInUse` (`cannot listen on 127.0.0.1:8080: address
    /// already in use`), `listenFailed`, `startFailed`, `invalidState`.
    public func start() throws(HTTPServerError) {
        let result: Result<UInt16, HTTPServerError> = state.withLock { state in
            guard case .idle = state else {
                return .failure(HTTPServerError(.invalidState, "HTTP server on \(configuration.listen) cannot start: it was started before (a server starts once)"))
            }
            do {
                let address = try ListenAddress(configuration.listen)
                let (fd, port) = try address.bindAndListen()
                let target = UnsafeMutablePointer<CMicroHTTPD_LogTarget>.allocate(capacity: 1)
                let me = Unmanaged.passUnretained(core).toOpaque()
                target.initialize(to: CMicroHTTPD_LogTarget(function: mhdLogCallback, context: me))
                let daemon = CMicroHTTPD_start(
                    fd, acceptPolicyCallback, me, accessHandlerCallback, me, requestCompletedCallback, me, uriLogCallback, me, target,
                    UInt32(clamping: max(1, configuration.connectionLimit)),
                    UInt32(clamping: max(0, configuration.perAddressConnectionLimit)),
                    UInt32(clamping: max(0, configuration.connectionTimeoutSeconds)),
                    UInt32(clamping: max(1, configuration.threadPoolSize)),
                    max(4096, configuration.connectionMemoryLimit))
                guard let daemon else {
                    close(fd)
                    target.deallocate()
                    return .failure(HTTPServerError(.startFailed,
                        "cannot listen on \(configuration.listen): libmicrohttpd refused to start (see its log line above)"))
                }
                let ticker = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "\(configuration.name)-streams"))
                let interval = configuration.eventStreams.tickInterval
                let core = self.core
                ticker.schedule(deadline: .now(), repeating: .nanoseconds(Int(interval.components.seconds) * 1_000_000_000
                                                                          + Int(interval.components.attoseconds / 1_000_000_000)))
                ticker.setEventHandler { core.tickStreams() }
                ticker.resume()
                state = .running(Running(daemon: daemon, logTarget: target, ticker: ticker), port: port)
                return .success(port)
            } catch let error as HTTPServerError {
                return .failure(error)
            } catch {
                return .failure(HTTPServerError(.startFailed, "cannot listen on \(configuration.listen): \(error)"))
            }
        }
        let port = try result.get()
        core.logger?.info("\(configuration.name) server listening", [
            "listen": configuration.listen, "port": String(port), "threads": String(configuration.threadPoolSize),
            "max_connections": String(configuration.connectionLimit),
            "max_connections_per_address": String(configuration.perAddressConnectionLimit),
        ])
    }

    /// The port bound by `start()` (the real one when the configuration says port 0),
    /// or nil before start and after stop.
    public var boundPort: Int? {
        if case .running(_, let port) = state.withLock({ $0 }) { return Int(port) }
        return nil
    }

    /// Requests begun and not yet completed.
    public var requestsInFlight: Int { core.inFlight.load(ordering: .acquiring) }

    /// Stops gracefully: closes new connections unread, answers further requests on open
    /// connections with `Connection: close`, ends open event streams, waits for requests
    /// in flight up to `deadline` (the configuration's `shutdownDeadline` by default),
    /// answers deferred responses still open with 503 (and any a handler gives from then
    /// on: no connection is suspended once the daemon is about to stop), gives those
    /// answers up to a second to go out, then closes every connection. Blocks until done;
    /// safe to call more than once.
    public func stop(deadline: Duration? = nil) {
        let running: Running? = state.withLock { state in
            guard case .running(let r, _) = state else {
                state = .stopped
                return nil
            }
            state = .stopped
            return r
        }
        guard let running else { return }
        running.ticker.cancel()
        let limit = deadline ?? configuration.shutdownDeadline
        core.stopping.store(true, ordering: .sequentiallyConsistent)
        // From here new connections are closed unread (`acceptPolicyCallback`); the
        // listening socket itself closes with MHD_stop_daemon below.
        core.finishStreams()
        let clock = ContinuousClock()
        let end = clock.now + limit
        while core.inFlight.load(ordering: .acquiring) > 0 && clock.now < end {
            usleep(5_000)
            core.finishStreams()
        }
        let left = core.inFlight.load(ordering: .acquiring)
        if left > 0 {
            core.logger?.warn("http server stopping with requests still in flight",
                              ["in_flight": String(left), "listen": configuration.listen])
        }
        // Past the deadline: downloads still going are cut off, not ended as complete.
        core.finishStreams(final: true)
        let answered = core.finishDeferred()
        if answered > 0 || core.inFlight.load(ordering: .acquiring) > 0 {
            // Let the server threads send those 503s (and handlers still running theirs:
            // a deferred answer is refused from here) before the connections close.
            let grace = clock.now + .seconds(1)
            while core.inFlight.load(ordering: .acquiring) > 0 && clock.now < grace { usleep(5_000) }
        }
        MHD_stop_daemon(running.daemon)
        running.logTarget.deallocate()
        core.logger?.info("\(configuration.name) server stopped", ["listen": configuration.listen])
    }
}
