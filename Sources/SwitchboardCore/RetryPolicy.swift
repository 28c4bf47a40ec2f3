/// When to try a failed send again: exponential backoff with full jitter and a cap.
///
/// The ceiling for failed attempt `n` (1 for the first failure) is
/// `min(cap, base * 2^(n-1))`, and the delay is drawn uniformly from `0...ceiling`
/// ("full jitter", which spreads the retries of many senders after a shared outage
/// better than a fixed or "equal" jitter does). A provider's hint (`Retry-After`, or the
/// ≥ 6 s WhatsApp asks after a pair-rate-limit error) is a floor, never shortened.
///
/// Pure: the random source is passed in, so a seeded generator gives the same delays.
public struct RetryPolicy: Sendable, Equatable {
    /// The ceiling of the first retry's delay.
    public var base: Duration
    /// No delay is ever longer than this (before a floor is applied).
    public var cap: Duration
    /// How many attempts in all (the first one included) before giving up; nil retries
    /// for as long as the failure is retryable.
    public var maxAttempts: Int?

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int? = nil) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The upper bound of the delay after `attempt` failed attempts (`attempt >= 1`).
    public func ceiling(attempt: Int) -> Duration {
        let n = max(1, attempt)
        let capSeconds = cap.inSeconds
        // 2^62 overflows nothing in Double; beyond ~60 doublings every ceiling is the cap.
        let grown = base.inSeconds * Double(sign: .plus, exponent: min(n - 1, 62), significand: 1)
        return .seconds(min(capSeconds, grown))
    }

    /// The delay before the next attempt, after `attempt` failed attempts (`attempt >= 1`):
    /// uniform in `0...ceiling(attempt)`, then raised to `floor` when one is given.
    public func delay(attempt: Int, floor: Duration? = nil, random: inout some RandomNumberGenerator) -> Duration {
        let top = ceiling(attempt: attempt).inSeconds
        let drawn = top > 0 ? Double.random(in: 0...top, using: &random) : 0
        let floorSeconds = floor.map(\.inSeconds) ?? 0
        return .seconds(max(drawn, floorSeconds))
    }

    /// Whether another attempt is allowed after `attempt` attempts have failed.
    public func allowsRetry(afterAttempt attempt: Int) -> Bool {
        guard let maxAttempts else { return true }
        return attempt < maxAttempts
    }

}
