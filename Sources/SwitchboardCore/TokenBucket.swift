/// A token bucket: `ratePerSecond` tokens flow in, at most `burst` are held, and each
/// send takes one. Clock-driven (`now` is passed in), nothing sleeps.
public struct TokenBucket: Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    public private(set) var tokens: Double
    private var last: ContinuousClock.Instant?

    /// `burst` defaults to one second's worth of tokens (at least 1). The bucket starts full.
    public init(ratePerSecond: Double, burst: Double? = nil) {
        let rate = ratePerSecond > 0 ? ratePerSecond : 1
        self.ratePerSecond = rate
        self.burst = max(1, burst ?? rate)
        self.tokens = self.burst
    }

    /// Takes a token if one is there (`.now`), or says when the next one arrives without
    /// taking anything.
    public mutating func take(now: ContinuousClock.Instant) -> RateDecision {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return .now
        }
        return .waitUntil(now + .seconds((1 - tokens) / ratePerSecond))
    }

    /// When a token would be available, without taking it.
    public mutating func check(now: ContinuousClock.Instant) -> RateDecision {
        refill(now: now)
        if tokens >= 1 { return .now }
        return .waitUntil(now + .seconds((1 - tokens) / ratePerSecond))
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard let last else { self.last = now; return }
        guard now > last else { return }
        tokens = min(burst, tokens + last.duration(to: now).inSeconds * ratePerSecond)
        self.last = now
    }
}
