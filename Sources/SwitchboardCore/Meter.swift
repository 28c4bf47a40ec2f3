import Foundation

/// The arithmetic of a shared limit: a leaky bucket kept as "how full it is". Each use
/// pours `amount` in; it drains at `rule.drainPerSecond`; a take that would fill it past
/// `rule.capacity` is refused (and pours nothing). One shape serves every limit that
/// several hosts must agree on (the store keeps meters: `LimitRepository`):
///
/// | limit | capacity | drain per second | take |
/// |---|---|---|---|
/// | a channel's send rate (80/s) | burst (80) | rate (80) | 1 per message |
/// | pair spacing (1 s) | 1 | 1 / spacing | 1 per message to that recipient |
/// | failed logins (5 per 15 min) | 5 | 5 / 900 s | 1 per attempt, given back on success |
/// | a circuit breaker's failures | unbounded | 0 | `add` 1 per failure, reset on success |
/// | an LLM budget (micro-dollars) | the limit | 0 | the call's worst case, settled after |
///
/// A token bucket of `burst` tokens refilled at `rate` is this meter with capacity
/// `burst` and drain `rate` (tokens = capacity - level); a meter of capacity 1 draining
/// 1/spacing is "no two uses closer than spacing". Pure: the time is passed in as
/// seconds since 1970 (`Date.timeIntervalSince1970`), since several hosts must read the
/// same instant the same way; `PostgresLimits` does the same sums in SQL.
public struct Meter: Sendable, Equatable {
    /// The shape of one limit.
    public struct Rule: Sendable, Equatable {
        public var capacity: Double
        public var drainPerSecond: Double
        /// How long an untouched meter that does not drain is kept (a meter that drains is
        /// forgotten once empty).
        public var keep: TimeInterval

        public init(capacity: Double, drainPerSecond: Double, keep: TimeInterval = 86_400) {
            self.capacity = max(0, capacity)
            self.drainPerSecond = max(0, drainPerSecond)
            self.keep = max(1, keep)
        }

        /// A token bucket: `burst` uses at once, `perSecond` after that.
        public static func rate(perSecond: Double, burst: Double? = nil) -> Rule {
            let rate = perSecond > 0 ? perSecond : 1
            return Rule(capacity: max(1, burst ?? rate), drainPerSecond: rate)
        }

        /// No two uses closer than `spacing` seconds.
        public static func spacing(_ spacing: TimeInterval) -> Rule {
            Rule(capacity: 1, drainPerSecond: spacing > 0 ? 1 / spacing : 1e9)
        }

        /// At most `count` uses in `window` seconds on average, `count` at once.
        public static func window(count: Int, seconds window: TimeInterval) -> Rule {
            Rule(capacity: Double(max(1, count)), drainPerSecond: Double(max(1, count)) / max(1, window))
        }

        /// A counter that never drains (failures in a row, money spent in a period).
        public static func counter(capacity: Double = .greatestFiniteMagnitude, keep: TimeInterval = 86_400) -> Rule {
            Rule(capacity: capacity, drainPerSecond: 0, keep: keep)
        }
    }

    /// What a take did.
    public enum Outcome: Sendable, Equatable {
        /// Taken: the level after it.
        case taken(level: Double)
        /// Refused, nothing poured: the earliest a take of the same amount could succeed,
        /// in seconds from now (nil: never, a meter that does not drain).
        case wait(TimeInterval?)
    }

    /// Slack for the sums (in SQL too): a level that is full within it counts as full.
    public static let epsilon = 1e-9

    public private(set) var level: Double
    /// When `level` was last computed, in seconds since 1970.
    public private(set) var at: Double

    public init(level: Double = 0, at: Double) {
        self.level = max(0, level)
        self.at = at
    }

    /// The level at `now` (never rises by itself; a `now` older than `at` drains nothing,
    /// so hosts whose clocks differ a little never refill more than time allows).
    public func level(at now: Double, _ rule: Rule) -> Double {
        max(0, level - max(0, now - at) * rule.drainPerSecond)
    }

    /// Pours `amount` if the meter holds it; else pours nothing and says how long to wait.
    public mutating func take(_ amount: Double, now: Double, _ rule: Rule) -> Outcome {
        let current = level(at: now, rule)
        level = current
        at = max(at, now)
        if current + amount <= rule.capacity + Self.epsilon {
            level = current + amount
            return .taken(level: level)
        }
        guard rule.drainPerSecond > 0, amount <= rule.capacity + Self.epsilon else { return .wait(nil) }
        return .wait((current + amount - rule.capacity) / rule.drainPerSecond)
    }

    /// Pours `amount` whatever the capacity (a negative amount gives back; the level never
    /// goes below 0). Returns the level after.
    @discardableResult
    public mutating func add(_ amount: Double, now: Double, _ rule: Rule) -> Double {
        level = max(0, level(at: now, rule) + amount)
        at = max(at, now)
        return level
    }

    /// No take of 1 before `until` (a provider asked us to hold a recipient): fills the
    /// meter so that it drains to room for one at `until`, unless it is fuller already.
    public mutating func hold(until: Double, now: Double, _ rule: Rule) {
        let current = level(at: now, rule)
        let needed = rule.drainPerSecond > 0
            ? rule.capacity - 1 + max(0, until - max(at, now)) * rule.drainPerSecond
            : rule.capacity
        level = max(current, needed)
        at = max(at, now)
    }

    /// When the meter may be forgotten: once it drained empty, or `rule.keep` after its
    /// last use when it does not drain. Seconds since 1970.
    public func expiry(_ rule: Rule) -> Double {
        rule.drainPerSecond > 0 ? at + level / rule.drainPerSecond + 1 : at + rule.keep
    }
}
