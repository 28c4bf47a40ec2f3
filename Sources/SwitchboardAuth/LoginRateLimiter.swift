import Foundation
import Synchronization
import SwitchboardCore

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
/// `maxTrackedKeys` keys are kept per table; a full table forgets its least recently
/// used key, one at a time (never the whole table).
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
        var accounts: LRUTable<String, [Date]>
        var addresses: LRUTable<String, [Date]>
    }
    private let state: Mutex<State>

    public init(perAccount: Policy = .perAccount, perAddress: Policy = .perAddress, maxTrackedKeys: Int = 100_000) {
        accountPolicy = perAccount
        addressPolicy = perAddress
        self.maxTrackedKeys = max(1, maxTrackedKeys)
        state = Mutex(State(accounts: LRUTable(capacity: self.maxTrackedKeys),
                            addresses: LRUTable(capacity: self.maxTrackedKeys)))
    }

    /// One step, under one lock: whether a login for `account` from `address` may be
    /// tried now, and if so the attempt is counted at once, as a failure until
    /// `recordSuccess` (or `release`) takes it back. Checking and counting apart would let
    /// parallel guesses all pass the check before any of them is counted. An empty
    /// address (unknown) is not limited by address.
    public func attempt(account: String, address: String, now: Date) -> Decision {
        state.withLock { s in
            let a = Self.wait(&s.accounts, account, accountPolicy, now)
            let b = address.isEmpty ? 0 : Self.wait(&s.addresses, address, addressPolicy, now)
            let wait = max(a, b)
            if wait > 0 { return .refused(retryAfter: wait) }
            Self.append(&s.accounts, account, accountPolicy, now)
            if !address.isEmpty { Self.append(&s.addresses, address, addressPolicy, now) }
            return .allowed
        }
    }

    /// The login `attempt` allowed at `attemptedAt` succeeded: the account's failures are
    /// forgotten, and this attempt no longer counts against the address (its earlier
    /// failures do: one good password from an address does not excuse its guessing at
    /// other accounts).
    public func recordSuccess(account: String, address: String, attemptedAt: Date) {
        state.withLock { s in
            s.accounts.removeValue(forKey: account)
            if !address.isEmpty { Self.takeBack(&s.addresses, address, attemptedAt) }
        }
    }

    /// The login `attempt` allowed at `attemptedAt` could not be checked (a storage
    /// error): it counts neither for the account nor for the address.
    public func release(account: String, address: String, attemptedAt: Date) {
        state.withLock { s in
            Self.takeBack(&s.accounts, account, attemptedAt)
            if !address.isEmpty { Self.takeBack(&s.addresses, address, attemptedAt) }
        }
    }

    /// Keys currently tracked (accounts, addresses): for tests of the memory bound.
    public var trackedKeys: (accounts: Int, addresses: Int) {
        state.withLock { s in (s.accounts.count, s.addresses.count) }
    }

    /// Seconds until `key` may try again (0: now), dropping failures that left the window.
    private static func wait(_ table: inout LRUTable<String, [Date]>, _ key: String, _ policy: Policy, _ now: Date) -> Int {
        guard var times = table.peek(key) else { return 0 }
        times.removeAll { now.timeIntervalSince($0) >= policy.window }
        if times.isEmpty {
            table.removeValue(forKey: key)
            return 0
        }
        table.set(key, times)
        guard times.count >= policy.maxFailures else { return 0 }
        // The attempt is allowed again once enough failures have aged out of the window.
        let freeing = times[times.count - policy.maxFailures]
        let seconds = freeing.addingTimeInterval(policy.window).timeIntervalSince(now)
        return max(1, Int(seconds.rounded(.up)))
    }

    /// Counts a failure at `now`; a full table forgets its least recently used key.
    private static func append(_ table: inout LRUTable<String, [Date]>, _ key: String, _ policy: Policy, _ now: Date) {
        table.update(key, default: []) { times in
            times.removeAll { now.timeIntervalSince($0) >= policy.window }
            times.append(now)
            // Only the last maxFailures matter for the decision.
            if times.count > policy.maxFailures { times.removeFirst(times.count - policy.maxFailures) }
        }
    }

    /// Removes one failure counted at `time` (the attempt's own).
    private static func takeBack(_ table: inout LRUTable<String, [Date]>, _ key: String, _ time: Date) {
        guard var times = table.peek(key), let i = times.lastIndex(of: time) else { return }
        times.remove(at: i)
        if times.isEmpty { table.removeValue(forKey: key) } else { table.set(key, times) }
    }
}
