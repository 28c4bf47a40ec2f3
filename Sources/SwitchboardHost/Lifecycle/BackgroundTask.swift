import Foundation

/// A service that runs `work` on a thread of its own once at start, and then every
/// `every` if given, until stopped (template sync, media retention). The wait between
/// runs ends at once on stop.
final class BackgroundTask: Service, @unchecked Sendable {
    let name: String
    private let every: Duration?
    private let work: @Sendable (Date) -> Void
    private let cond = NSCondition()
    private var stopping = false
    private var running = false

    init(name: String, every: Duration? = nil, _ work: @escaping @Sendable (Date) -> Void) {
        self.name = name
        self.every = every
        self.work = work
    }

    func start() throws {
        cond.withLock { running = true }
        let t = Thread { [self] in
            while true {
                work(Date())
                cond.lock()
                if let every, !stopping {
                    _ = cond.wait(until: Date(timeIntervalSinceNow: Double(every.components.seconds)))
                }
                let done = stopping || every == nil
                cond.unlock()
                if done { break }
            }
            cond.withLock { running = false; cond.broadcast() }
        }
        t.name = name
        t.start()
    }

    func stop(deadline: ContinuousClock.Instant) {
        cond.lock()
        stopping = true
        cond.broadcast()
        while running && ContinuousClock.now < deadline {
            _ = cond.wait(until: Date(timeIntervalSinceNow: 0.05))
        }
        cond.unlock()
    }
}
