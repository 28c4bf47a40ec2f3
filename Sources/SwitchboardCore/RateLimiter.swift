/// The outbound rate limit of one channel: a token bucket for the number's throughput
/// (WhatsApp: 80 messages/s by default) and the per-recipient pair spacing. A send may go
/// when both agree; a refusal consumes nothing.
///
///     var limiter = RateLimiter(messagesPerSecond: 80)
///     switch limiter.acquire(recipient: "5511987654321", now: clock.now) {
///     case .now: send()
///     case .waitUntil(let t): requeue(notBefore: t)
///     }
public struct RateLimiter: Sendable {
    public private(set) var bucket: TokenBucket
    public private(set) var pair: PairRateLimiter

    public init(messagesPerSecond: Double, burst: Double? = nil,
                pairSpacing: Duration = .seconds(1), pairPenalty: Duration = .seconds(6)) {
        bucket = TokenBucket(ratePerSecond: messagesPerSecond, burst: burst)
        pair = PairRateLimiter(spacing: pairSpacing, penalty: pairPenalty)
    }

    /// Asks to send one message to `recipient` at `now`. On `.now` the send is counted
    /// against both limits; on `.waitUntil` nothing is counted.
    public mutating func acquire(recipient: String, now: ContinuousClock.Instant) -> RateDecision {
        if case .waitUntil(let t) = pair.check(recipient: recipient, now: now) { return .waitUntil(t) }
        let d = bucket.take(now: now)
        if d == .now { pair.record(recipient: recipient, now: now) }
        return d
    }

    /// The provider answered 131056 (pair rate limit) for `recipient`.
    public mutating func pairRateLimitHit(recipient: String, now: ContinuousClock.Instant, retryAfter: Duration? = nil) {
        pair.penalize(recipient: recipient, now: now, retryAfter: retryAfter)
    }
}
