/// Spacing between messages from one business number to one recipient (WhatsApp's
/// "pair rate limit", error 131056).
///
/// The trade-off: Meta's pair limit is roughly one message every 6 seconds per
/// recipient, with short bursts tolerated. Spacing every reply 6 s apart would make a bot
/// answering a customer's three quick questions take 12 s for the third answer, which a
/// customer notices far more than an occasional 131056. So the default spacing is 1 s:
/// replies flow at human pace, and when Meta does answer 131056, `penalize` holds THAT
/// recipient for `penalty` (6 s by default, or the provider's `Retry-After` if longer)
/// while every other recipient keeps flowing. Set `spacing` to 6 s for bulk sends
/// (campaigns) where latency does not matter.
///
/// Clock-driven (`now` is passed in); remembers recipients only as long as they are held.
public struct PairRateLimiter: Sendable {
    public let spacing: Duration
    public let penalty: Duration
    private var nextAllowed: [String: ContinuousClock.Instant] = [:]
    private var pruneAt = 4096

    public init(spacing: Duration = .seconds(1), penalty: Duration = .seconds(6)) {
        self.spacing = spacing
        self.penalty = penalty
    }

    /// Whether a message to `recipient` may go now.
    public func check(recipient: String, now: ContinuousClock.Instant) -> RateDecision {
        if let next = nextAllowed[recipient], now < next { return .waitUntil(next) }
        return .now
    }

    /// A message to `recipient` went out at `now`.
    public mutating func record(recipient: String, now: ContinuousClock.Instant) {
        hold(recipient, until: now + spacing)
        pruneIfLarge(now: now)
    }

    /// The provider said 131056 for `recipient`: hold it for `penalty`, or longer if the
    /// provider asked for longer.
    public mutating func penalize(recipient: String, now: ContinuousClock.Instant, retryAfter: Duration? = nil) {
        let wait = max(penalty, retryAfter ?? .zero)
        hold(recipient, until: now + wait)
    }

    /// How many recipients are currently remembered.
    public var trackedRecipients: Int { nextAllowed.count }

    private mutating func hold(_ recipient: String, until: ContinuousClock.Instant) {
        if let existing = nextAllowed[recipient], existing >= until { return }
        nextAllowed[recipient] = until
    }

    private mutating func pruneIfLarge(now: ContinuousClock.Instant) {
        guard nextAllowed.count >= pruneAt else { return }
        nextAllowed = nextAllowed.filter { $0.value > now }
        pruneAt = max(4096, nextAllowed.count * 2)
    }
}
