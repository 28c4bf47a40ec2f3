import Foundation

/// A thread that runs `body` every `interval` (the first time one interval after
/// `start`) until stopped (a channel's active probe). Stopping wakes it at once.
public final class ProbeLoop: @unchecked Sendable {
    private let interval: Duration
    private let body: @Sendable () -> Void
    private let cond = NSCondition()
    private var stopping = false

    public init(interval: Duration, body: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.body = body
    }

    public func start(name: String) {
        let t = Thread { [self] in run() }
        t.name = name
        t.start()
    }

    public func stop() {
        cond.lock()
        stopping = true
        cond.broadcast()
        cond.unlock()
    }

    private func run() {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while true {
            cond.lock()
            let until = Date(timeIntervalSinceNow: seconds)
            while !stopping && Date() < until { _ = cond.wait(until: until) }
            let done = stopping
            cond.unlock()
            if done { return }
            body()
        }
    }
}
