import Foundation
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Starts services in order, waits for SIGTERM or SIGINT, and stops them in reverse order
/// (swift-service-lifecycle's shape). Each stop gets what is left of the graceful window;
/// if the whole shutdown overruns the window plus a grace period, a watchdog ends the
/// process so a hung component cannot keep it alive forever.
public final class ServiceGroup: @unchecked Sendable {
    private let services: [any Service]
    private let logger: Logger
    private let gracefulWindow: Duration

    public init(services: [any Service], logger: Logger, gracefulWindow: Duration = .seconds(10)) {
        self.services = services
        self.logger = logger
        self.gracefulWindow = gracefulWindow
    }

    /// Blocks the two shutdown signals in the calling thread (and so in every thread it
    /// creates later). Call before any service starts a thread.
    public static func blockShutdownSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts every service; if one fails to start, stops those already started and
    /// rethrows.
    public func start() throws {
        var started: [any Service] = []
        for s in services {
            do {
                try s.start()
                started.append(s)
                logger.debug("service started", ["service": s.name])
            } catch {
                let deadline = ContinuousClock.now + gracefulWindow
                for t in started.reversed() { t.stop(deadline: deadline) }
                throw error
            }
        }
    }

    /// Waits for SIGTERM or SIGINT and returns the signal's name; calls `reload` for each
    /// SIGHUP meanwhile.
    public func waitForShutdownSignal(reload: () -> Void = {}) -> String {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        while true {
            var sig: Int32 = 0
            guard sigwait(&set, &sig) == 0 else { continue }
            if sig == SIGHUP {
                reload()
                continue
            }
            return sig == SIGTERM ? "SIGTERM" : "SIGINT"
        }
    }

    /// Stops services in reverse order within the graceful window.
    public func stop() {
        let deadline = ContinuousClock.now + gracefulWindow
        let window = gracefulWindow
        let log = logger
        let watchdog = Thread {
            Thread.sleep(forTimeInterval: Double(window.components.seconds) + 5)
            log.error("shutdown took longer than allowed; exiting now")
            _exit(1)
        }
        watchdog.start()
        for s in services.reversed() {
            s.stop(deadline: deadline)
            logger.debug("service stopped", ["service": s.name])
        }
    }
}
