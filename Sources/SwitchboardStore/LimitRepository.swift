import Foundation
import SwitchboardCore

/// Which meter: a scope (a workspace id, or "" for what belongs to the host: a channel,
/// which several workspaces may share, or a client address) and a name within it
/// (`channel:wa-main:rate`, `login:account:…`). Scope and name together are the key.
public struct LimitKey: Hashable, Sendable, CustomStringConvertible {
    public var scope: String
    public var name: String

    public init(scope: String = "", _ name: String) {
        self.scope = scope
        self.name = name
    }

    /// A workspace's meter.
    public init(workspace: WorkspaceID, _ name: String) {
        self.init(scope: workspace.rawValue, name)
    }

    public var description: String { scope.isEmpty ? name : "\(scope)/\(name)" }
}

/// The limits several hosts must agree on (issue 15): a channel's send rate and pair
/// spacing, its circuit breaker, failed logins, budgets. Each is a `Meter` (Core: a leaky
/// bucket, with the rule passed on each call) kept under a `LimitKey`.
///
/// - On SQLite (one host) the meters live in the process (`LocalLimits`): a lock and a
///   table, no store round trip.
/// - On PostgreSQL (several hosts) they live in the `shared_limits` table
///   (`PostgresLimits`); each call is one atomic statement on a connection of its own,
///   never part of the caller's transaction, so two hosts taking at once never both get
///   the last room, and a host that dies leaves nothing held beyond the meter's drain.
///
/// Every call takes `now` (the caller's wall clock): hosts' clocks must agree to well
/// under the tightest limit's interval (NTP does). A clock that lags drains nothing (a
/// meter never refills from a time earlier than its last use), so skew never lets a
/// limit be exceeded; it can only make a lagging host wait a little longer.
public protocol LimitRepository: Sendable {
    /// Whether the meters are seen by other hosts (PostgreSQL) or only by this process.
    var isShared: Bool { get }
    /// Pours `amount` into the meter if it holds it; else pours nothing and says how long
    /// to wait.
    func take(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) throws -> Meter.Outcome
    /// Pours `amount` whatever the capacity (negative: gives back); returns the level after.
    @discardableResult
    func add(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) throws -> Double
    /// No take of 1 before `until` (unless the meter is fuller already).
    func hold(_ key: LimitKey, until: Date, _ rule: Meter.Rule, now: Date) throws
    /// The meter's level at `now` (0 for a meter never used or forgotten).
    func level(_ key: LimitKey, _ rule: Meter.Rule, now: Date) throws -> Double
    /// Forgets the meter (empty).
    func reset(_ key: LimitKey) throws
}
