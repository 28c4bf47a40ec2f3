import Foundation

/// Runs `body` every `interval` (the first time one interval after `start`) until
/// stopped: a channel's active probe. No thread of its own: a timer on a queue of its
/// own (one probe of a channel at a time), which runs on a pool shared by every channel's
/// probe, so a host with a thousand numbers does not keep a thousand threads asleep for
/// them. A probe that outlasts the interval is not run twice at once; the ticks it
/// covered are merged.
public final class ProbeLoop: @unchecked Sendable {
    private let interval: Duration
    private let body: @Sendable () -> Void
    private let lock = NSLock()
    private var timer: (any DispatchSourceTimer)?
    private var stopped = false

    /// Where every loop's probes run.
    private static let probes = DispatchQueue(label: "channel-probes", attributes: .concurrent)

    public init(interval: Duration, body: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.body = body
    }

    /// `name` names the loop's queue (it shows in a debugger's thread list while a probe runs).
    public func start(name: String) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        lock.lock()
        defer { lock.unlock() }
        // (A dispatch source released without ever being resumed would abort the process:
        // it is made only once it will run.)
        guard !stopped, timer == nil else { return }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: name, target: Self.probes))
        t.schedule(deadline: .now() + seconds, repeating: seconds)
        t.setEventHandler { [weak self] in self?.fire() }
        timer = t
        t.resume()
    }

    /// No probe starts after this returns (one running goes on to its end).
    public func stop() {
        lock.lock()
        stopped = true
        let t = timer
        timer = nil
        lock.unlock()
        t?.cancel()
    }

    private func fire() {
        lock.lock()
        let go = !stopped
        lock.unlock()
        if go { body() }
    }
}
