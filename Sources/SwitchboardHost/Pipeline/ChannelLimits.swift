import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The limits of one channel's sender, kept in the store's meters (`LimitRepository`) so
/// that every host sending through the channel agrees on them (issue 15): the channel's
/// rate (a token bucket: `rate_limit` per second, a second's worth at once), the spacing
/// per recipient (and the hold after the provider's pair-rate error), and the circuit
/// breaker (failures in a row, and the gate that lets one probe through after the
/// cool-down: `CircuitBreaker`'s rules, with one host's failures counted for all).
///
/// On SQLite the meters are in this process (`LocalLimits`, a lock and a table); on
/// PostgreSQL each take is one statement, so two hosts never double a number's rate.
/// When the shared meters cannot be reached (the database is away), the sender goes on
/// with meters of its own for the time being (its share of the limit is then the whole
/// limit; it says so in the log, at most every 30 s), since a send that cannot be
/// recorded fails on its own anyway.
final class ChannelLimits: Sendable {
    let channel: ChannelID
    /// The store's meters, or this sender's own while they cannot be reached.
    private let meters: FallbackMeters
    private let rate: Meter.Rule?
    private let pair: Meter.Rule
    /// How long a recipient is held after the provider's pair-rate error (at least).
    private let pairPenalty: TimeInterval
    let breakerFailures: Int
    let coolDown: TimeInterval
    private let gate: Meter.Rule
    private static let failures = Meter.Rule.counter()
    private let rateKey, failuresKey, gateKey: LimitKey
    private let pairPrefix: String
    /// The breaker's failures in a row at the last look (decide, or a failure recorded here).
    private let seenFailures = Atomic<Int>(0)

    init(channel: ChannelID, limits: any LimitRepository, logger: Logger, messagesPerSecond: Double?,
         pairSpacing: Duration, pairPenalty: Duration = .seconds(6), breakerFailures: Int, breakerCoolDown: Duration) {
        self.channel = channel
        meters = FallbackMeters(limits, unreachable: "shared limits unreachable; this host limits the channel on its own for now",
                                logger: logger)
        rate = messagesPerSecond.map { Meter.Rule.rate(perSecond: $0) }
        pair = .spacing(pairSpacing.inSeconds)
        self.pairPenalty = pairPenalty.inSeconds
        self.breakerFailures = max(1, breakerFailures)
        coolDown = breakerCoolDown.inSeconds
        gate = .spacing(max(0.001, coolDown))
        let base = "channel:\(channel.rawValue):"
        rateKey = LimitKey(base + "rate")
        failuresKey = LimitKey(base + "breaker:failures")
        gateKey = LimitKey(base + "breaker:gate")
        pairPrefix = base + "pair:"
    }

    /// Whether sends are rate limited at all (a channel without a rate has no pair spacing either).
    var limited: Bool { rate != nil }

    /// Asks to send one message to `recipient`: 0 when it may go now (counted against the
    /// rate and the recipient's spacing), else the seconds to wait (nothing counted).
    func acquire(recipient: String, now: Date = Date()) -> TimeInterval {
        guard let rate else { return 0 }
        let pairKey = LimitKey(pairPrefix + recipient)
        return meters.use { m in
            if case .wait(let w) = try m.take(pairKey, 1, pair, now: now) { return w ?? pairPenalty }
            if case .wait(let w) = try m.take(rateKey, 1, rate, now: now) {
                // The recipient's turn is given back: the message did not go.
                try m.add(pairKey, -1, pair, now: now)
                return w ?? 1
            }
            return 0
        }
    }

    /// The provider answered its pair-rate error (131056) for `recipient`: held for the
    /// penalty, or as long as the provider asked if longer.
    func pairRateLimitHit(recipient: String, retryAfter: Duration?, now: Date = Date()) {
        let wait = max(pairPenalty, retryAfter?.inSeconds ?? 0)
        meters.use { m in try m.hold(LimitKey(pairPrefix + recipient), until: now.addingTimeInterval(wait), pair, now: now) }
    }

    /// Whether a request may go out (`CircuitBreaker.Decision`): closed while fewer than
    /// `breakerFailures` failures in a row; open, one request of all hosts goes through as
    /// a probe once the cool-down is over (another after a further cool-down if its
    /// outcome never comes).
    func decide(now: Date = Date()) -> CircuitBreaker.Decision {
        meters.use { m in
            let failures = Int(try m.level(failuresKey, Self.failures, now: now).rounded())
            seenFailures.store(failures, ordering: .relaxed)
            guard failures >= breakerFailures else { return .allow }
            switch try m.take(gateKey, 1, gate, now: now) {
            case .taken: return .probe
            case .wait(let w): return .reject(until: .now + .seconds(w ?? coolDown))
            }
        }
    }

    /// Whether the breaker was closed at the last look (no store read).
    var isClosed: Bool { seenFailures.load(ordering: .relaxed) < breakerFailures }

    /// A request failed in a way that says the provider is unhealthy: counted for every
    /// host; at the threshold (and on every failure after it) the gate is held for the
    /// cool-down from now. Returns whether this failure opened the breaker, and the count.
    func recordFailure(now: Date = Date()) -> (opened: Bool, failures: Int) {
        meters.use { m in
            let failures = Int(try m.add(failuresKey, 1, Self.failures, now: now).rounded())
            seenFailures.store(failures, ordering: .relaxed)
            guard failures >= breakerFailures else { return (false, failures) }
            try m.hold(gateKey, until: now.addingTimeInterval(coolDown), gate, now: now)
            return (failures == breakerFailures, failures)
        }
    }

    /// The provider answered: the failures in a row end (for every host). Returns whether
    /// the breaker was open. Writes only when failures were seen (no write per send).
    func recordSuccess() -> Bool {
        let seen = seenFailures.exchange(0, ordering: .relaxed)
        guard seen > 0 else { return false }
        meters.use { m in
            try m.reset(failuresKey)
            try m.reset(gateKey)
        }
        return seen >= breakerFailures
    }
}
