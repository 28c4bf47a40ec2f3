/// What a failed send means for the outbox, whatever the channel. A channel's client
/// classifies its provider's errors into these (WhatsApp: `GraphError.kind`).
public enum SendFailureKind: String, Sendable, Equatable, Codable, CaseIterable {
    /// The provider or the network failed (5xx, timeout, connection refused or reset):
    /// retry with backoff.
    case retryable
    /// The provider throttles the whole number or app: retry with backoff, slow down.
    case rateLimited = "rate_limited"
    /// Too many messages to this one recipient: retry later for that recipient only.
    case pairRateLimited = "pair_rate_limited"
    /// Outside the customer-service window (WhatsApp 131047): free-form text is refused;
    /// only an approved template would go. Not retryable as is.
    case reengagement
    /// The channel's credentials are refused: stop the channel's sender, hold its
    /// messages, alert.
    case auth
    /// This message will never be accepted as is: record it as failed.
    case permanent

    /// Whether the same send may succeed later.
    public var isRetryable: Bool {
        self == .retryable || self == .rateLimited || self == .pairRateLimited
    }

    /// Whether the failure says the provider or the path to it is unhealthy, and should
    /// count towards opening the channel's circuit breaker. Throttling and errors about
    /// one message are answers from a healthy provider.
    public var countsAsChannelFailure: Bool { self == .retryable }
}
