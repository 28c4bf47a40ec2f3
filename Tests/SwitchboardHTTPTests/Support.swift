import Synchronization
import SwitchboardHTTP
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Starts a server on 127.0.0.1 port 0, runs `body` with its port, stops it.
func withServer<T>(_ router: HTTPRouter, configuration: HTTPServerConfiguration = HTTPServerConfiguration(listen: "127.0.0.1:0"),
                   metrics: MetricsRegistry = MetricsRegistry(), logger: Logger? = nil,
                   _ body: (HTTPServer, Int) throws -> T) throws -> T {
    let server = HTTPServer(configuration: configuration, router: router, metrics: metrics, logger: logger)
    try server.start()
    defer { server.stop(deadline: .seconds(2)) }
    guard let port = server.boundPort else { throw TestClientError("server has no bound port after start") }
    return try body(server, port)
}

/// What handlers saw, readable from the test thread.
final class Recorder: Sendable {
    private let state = Mutex<[HTTPRequest]>([])
    func record(_ r: HTTPRequest) { state.withLock { $0.append(r) } }
    var requests: [HTTPRequest] { state.withLock { $0 } }
    var count: Int { state.withLock { $0.count } }
}

/// A one-shot gate a handler can wait on, with a timeout so a failing test cannot hang.
final class Gate: Sendable {
    private let open = Atomic<Bool>(false)
    func release() { open.store(true, ordering: .releasing) }
    var isOpen: Bool { open.load(ordering: .acquiring) }
    /// Waits until released; false on timeout.
    @discardableResult
    func wait(seconds: Double = 10) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(Int(seconds * 1000))
        while !isOpen {
            if clock.now > end { return false }
            usleep(1_000)
        }
        return true
    }
}

/// Runs `work` on a new thread; `join()` returns its result.
final class Background<T: Sendable>: @unchecked Sendable {
    private var result: T?
    private let done = Gate()
    private let lock = Mutex<Void>(())
    init(_ work: @escaping @Sendable () -> T) {
        let t = Thread { [self] in
            let r = work()
            lock.withLock { _ in result = r }
            done.release()
        }
        t.start()
    }
    func join(seconds: Double = 15) -> T? {
        guard done.wait(seconds: seconds) else { return nil }
        return lock.withLock { _ in result }
    }
}

import Foundation

/// FNV-1a, to compare large bodies by digest.
func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf29ce484222325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    return h
}

/// Polls `condition` every few milliseconds until true or `seconds` pass.
func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}
