/// Paces the sends of one personal WhatsApp number so that it looks like a person typing,
/// not a bulk sender (bans come from bursts): at most `perMinute` sends in any minute, a
/// random gap between two sends, and never a burst after a reconnect (the backlog that
/// waited drains at the same pace).
///
/// The gap after a send is drawn uniformly from `interval ... interval * (1 + spread)`,
/// where `interval = 60 s / perMinute`: never shorter than the rate allows, and never
/// the same twice in a row. Clock-driven and pure: `now` and the randomness are passed in.
public struct SendPacer: Sendable {
    public let perMinute: Int
    /// The least gap between two sends.
    public let interval: Duration
    /// How much longer than `interval` a gap may be, as a fraction of it.
    public let spread: Double
    /// No send before this instant.
    public private(set) var notBefore: ContinuousClock.Instant?

    public init(perMinute: Int, spread: Double = 0.5) {
        self.perMinute = max(1, perMinute)
        self.interval = .seconds(60.0 / Double(self.perMinute))
        self.spread = max(0, spread)
    }

    /// Asks to send now: `.now` counts the send and draws the gap before the next one;
    /// `.waitUntil` counts nothing.
    public mutating func acquire(now: ContinuousClock.Instant, random: inout some RandomNumberGenerator) -> RateDecision {
        if let notBefore, now < notBefore { return .waitUntil(notBefore) }
        notBefore = now + gap(&random)
        return .now
    }

    /// The session (re)opened: the first send waits one gap as well, so what was held
    /// while it was down goes out at the same pace as always.
    public mutating func reconnected(now: ContinuousClock.Instant, random: inout some RandomNumberGenerator) {
        let next = now + gap(&random)
        if let notBefore, notBefore > next { return }
        notBefore = next
    }

    private func gap(_ random: inout some RandomNumberGenerator) -> Duration {
        let base = interval.inSeconds
        let extra = spread > 0 ? Double.random(in: 0...(base * spread), using: &random) : 0
        return .seconds(base + extra)
    }
}
