import Foundation
import Synchronization

/// Limits failed logins, per account and per remote address, over a sliding window:
/// after `maxFailures` failures within `window`, further attempts are refused until the
/// oldest counted failure leaves the window. The default is 5 failures per 15 minutes
/// per account (workspace + e-mail) and 20 per address (an office behind one address has
/// several agents mistyping).
///
/// In memory, per process: enough for one host. Several hosts behind a load balancer
/// each count on their own (an attacker gets N times the attempts); a shared table in
/// the database is the change to make then. A restart forgets the failures.
///
/// Clock-driven: every call takes `now`, so tests move time without sleeping. Memory is
/// bounded: keys whose failures all left the window are dropped, and at most
/// `maxTrackedKeys` keys are kept (the stalest are dropped first).
public final class LoginRateLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        public var maxFailures: Int
        public var window: TimeInterval
        public init(maxFailures: Int, window: TimeInterval) {
            self.maxFailures = max(1, maxFailures)
            self.window = window
        }
        public static let perAccount = Policy(maxFailures: 5, window: 15 * 60)
        public static let perAddress = Policy(maxFailures: 20, window: 15 * 60)
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused; try again after this many seconds (at least 1, rounded up).
        case refused(retryAfter: Int)
    }

    public let accountPolicy: Policy
    public let addressPolicy: Policy
    public let maxTrackedKeys: Int

    private struct State {
        var accounts: [String: [Date]] = [:]
        var addresses: [String: [Date]] = [:]
    }
    private let state = Mutex(State())

    public init(perAccount: Policy = .perAccount, perAddress: Policy = .perAddress, maxTrackedKeys: Int = 100_000) {
        accountPolicy = perAccount
        addressPolicy = perAddress
        self.maxTrackedKeys = max(1, maxTrackedKeys)
    }

    /// Whether a login for `account` from `address` may be tried now. An empty address
    /// (unknown) is not limited by address.
    public func check(account: String, address: String, now: Date) -> Decision {
        state.withLock { s in
            let a = Self.wait(&s.accounts, account, accountPolicy, now)
            let b = address.isEmpty ? 0 : Self.wait(&s.addresses, address, addressPolicy, now)
            let wait = max(a, b)
            return wait > 0 ? .refused(retryAfter: wait) : .allowed
        }
    }

    /// Counts a failed login.
    public func recordFailure(account: String, address: String, now: Date) {
        state.withLock { s in
            Self.append(&s.accounts, account, accountPolicy, now, maxTrackedKeys)
            if !address.isEmpty { Self.append(&s.addresses, address, addressPolicy, now, maxTrackedKeys) }
        }
    }

    /// A successful login forgets the account's failures (not the address's: one good
    /// password from an address does not excuse its guessing at other accounts).
    public func recordSuccess(account: String, now: Date) {
        _ = state.withLock { s in s.accounts.removeValue(forKey: account) }
    }

    /// Keys currently tracked (accounts, addresses): for tests of the memory bound.
    public var trackedKeys: (accounts: Int, addresses: Int) {
        state.withLock { s in (s.accounts.count, s.addresses.count) }
    }

    /// Seconds until `key` may try again (0: now), dropping failures that left the window.
    private static func wait(_ table: inout [String: [Date]], _ key: String, _ policy: Policy, _ now: Date) -> Int {
        guard var times = table[key] else { return 0 }
        times.removeAll { now.timeIntervalSince($0) >= policy.window }
        if times.isEmpty {
            table.removeValue(forKey: key)
            return 0
        }
        table[key] = times
        guard times.count >= policy.maxFailures else { return 0 }
        // The attempt is allowed again once enough failures have aged out of the window.
        let freeing = times[times.count - policy.maxFailures]
        let seconds = freeing.addingTimeInterval(policy.window).timeIntervalSince(now)
        return max(1, Int(seconds.rounded(.up)))
    }

    private static func append(_ table: inout [String: [Date]], _ key: String, _ policy: Policy, _ now: Date, _ limit: Int) {
        var times = table[key] ?? []
        times.removeAll { now.timeIntervalSince($0) >= policy.window }
        times.append(now)
        // Only the last maxFailures matter for the decision.
        if times.count > policy.maxFailures { times.removeFirst(times.count - policy.maxFailures) }
        table[key] = times
        if table.count > limit { prune(&table, policy, now, limit) }
    }

    private static func prune(_ table: inout [String: [Date]], _ policy: Policy, _ now: Date, _ limit: Int) {
        table = table.filter { _, times in times.contains { now.timeIntervalSince($0) < policy.window } }
        guard table.count > limit else { return }
        let stalest = table.sorted { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
        for (key, _) in stalest.prefix(table.count - limit) { table.removeValue(forKey: key) }
    }
}
