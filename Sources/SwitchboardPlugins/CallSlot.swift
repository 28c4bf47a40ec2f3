import Dispatch
import Synchronization

/// Where one plugin call's outcome meets the chain waiting for it. Exactly one of
/// `finish` (the call returned) and `expire` (its deadline passed) wins; the loser's
/// outcome is discarded.
final class CallSlot: @unchecked Sendable {
    private enum State {
        case running
        case finished(PluginCallOutcome)
        case expired
    }

    private struct Inner {
        var state: State = .running
        var waiter: CheckedContinuation<PluginCallOutcome?, Never>?
    }

    private let inner = Mutex(Inner())
    private let done = DispatchSemaphore(value: 0)
    private let onExpire: @Sendable () -> Void

    /// `onExpire` runs once if the deadline wins, before `finish` can see it lost.
    init(onExpire: @escaping @Sendable () -> Void) {
        self.onExpire = onExpire
    }

    /// The call returned. False when its deadline had already passed.
    func finish(_ outcome: PluginCallOutcome) -> Bool {
        let (won, waiter) = inner.withLock { i -> (Bool, CheckedContinuation<PluginCallOutcome?, Never>?) in
            guard case .running = i.state else { return (false, nil) }
            i.state = .finished(outcome)
            defer { i.waiter = nil }
            return (true, i.waiter)
        }
        if won {
            waiter?.resume(returning: outcome)
            done.signal()
        }
        return won
    }

    /// The deadline passed. False when the call had already returned.
    @discardableResult
    func expire() -> Bool {
        let (won, waiter) = inner.withLock { i -> (Bool, CheckedContinuation<PluginCallOutcome?, Never>?) in
            guard case .running = i.state else { return (false, nil) }
            i.state = .expired
            onExpire()
            defer { i.waiter = nil }
            return (true, i.waiter)
        }
        if won {
            waiter?.resume(returning: nil)
            done.signal()
        }
        return won
    }

    private var result: PluginCallOutcome? {
        inner.withLock { i in
            if case let .finished(o) = i.state { return o }
            return nil
        }
    }

    /// Blocks until the call returns (its outcome) or `deadline` passes (nil).
    func wait(until deadline: DispatchTime) -> PluginCallOutcome? {
        if done.wait(timeout: deadline) == .timedOut {
            expire()
        }
        return result
    }

    /// Suspends until the call returns (its outcome) or `deadline` passes (nil).
    func wait(until deadline: DispatchTime) async -> PluginCallOutcome? {
        DeadlineTimer.shared.schedule(self, at: deadline)
        return await withCheckedContinuation { (c: CheckedContinuation<PluginCallOutcome?, Never>) in
            let ready = inner.withLock { i -> PluginCallOutcome?? in
                switch i.state {
                case let .finished(o): return .some(o)
                case .expired: return .some(nil)
                case .running:
                    i.waiter = c
                    return nil
                }
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}
