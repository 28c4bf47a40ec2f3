/// The answer of a rate limiter: send now, or not before an instant.
public enum RateDecision: Sendable, Equatable {
    case now
    case waitUntil(ContinuousClock.Instant)
}
