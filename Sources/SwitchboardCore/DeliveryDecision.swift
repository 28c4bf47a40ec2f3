/// What the outbox does with a message after a failed attempt.
public enum DeliveryDecision: Sendable, Equatable {
    /// Try again after this delay (backoff with jitter, never shorter than the
    /// provider's hint).
    case retry(after: Duration)
    /// Give up: mark the message `failed` with the provider's reason and journal it.
    case fail(reason: String)
    /// The channel cannot send at all (credentials refused): put the message back
    /// without counting the attempt, stop the channel's sender until an admin acts.
    case holdChannel(reason: String)
}
