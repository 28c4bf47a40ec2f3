/// The outbox's rule for failed sends, in one place: retry what is retryable with
/// backoff and jitter until `retry.maxAttempts`, hold the channel on auth failures,
/// fail the rest. Pure: the random source is passed in.
///
///     switch policy.decide(kind: error.kind, attempt: message.attempts, floor: error.retryFloor,
///                          reason: error.description, random: &rng) {
///     case .retry(let delay): outbox.reschedule(message, notBefore: now + delay)
///     case .fail(let reason): outbox.markFailed(message, reason)
///     case .holdChannel(let reason): channel.stop(.authFailed, reason); outbox.release(message)
///     }
public struct DeliveryPolicy: Sendable, Equatable {
    public var retry: RetryPolicy

    public init(retry: RetryPolicy = RetryPolicy(base: .seconds(1), cap: .seconds(300), maxAttempts: 20)) {
        self.retry = retry
    }

    /// The decision after `attempt` failed attempts (1 for the first failure).
    /// `floor` is the provider's minimum wait (`Retry-After`, 6 s after a pair limit).
    public func decide(kind: SendFailureKind, attempt: Int, floor: Duration? = nil, reason: String,
                       random: inout some RandomNumberGenerator) -> DeliveryDecision {
        switch kind {
        case .retryable, .rateLimited, .pairRateLimited:
            guard retry.allowsRetry(afterAttempt: attempt) else {
                return .fail(reason: "gave up after \(attempt) attempts: \(reason)")
            }
            return .retry(after: retry.delay(attempt: attempt, floor: floor, random: &random))
        case .auth:
            return .holdChannel(reason: reason)
        case .reengagement, .permanent:
            return .fail(reason: reason)
        }
    }
}
