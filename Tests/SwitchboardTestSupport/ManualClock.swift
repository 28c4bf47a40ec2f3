import Synchronization

/// A clock that moves only when a test says so (after Hummingbird's `MockClock`): for
/// backoff, rate limits and circuit breakers, tested without sleeping.
public final class ManualClock: Sendable {
    private let instant: Mutex<ContinuousClock.Instant>

    public init(start: ContinuousClock.Instant = .now) {
        instant = Mutex(start)
    }

    public var now: ContinuousClock.Instant { instant.withLock { $0 } }

    public func advance(by d: Duration) {
        instant.withLock { $0 = $0 + d }
    }
}
