import Foundation

/// What the login route asks of a limit on failed logins: check and count an attempt in
/// one step, take it back on success, or when it could not be checked.
/// `LoginRateLimiter` (in this process: one host on SQLite) and the host's
/// `SharedLoginLimiter` (the store's shared meters: several hosts on PostgreSQL, where an
/// attempt on any host counts on all) do this.
public protocol LoginLimiting: Sendable {
    var accountPolicy: LoginRateLimiter.Policy { get }
    var addressPolicy: LoginRateLimiter.Policy { get }
    /// Whether a login for `account` from `address` may be tried now; if so it is counted
    /// at once, as a failure until `recordSuccess` (or `release`) takes it back. An empty
    /// address is not limited by address.
    func attempt(account: String, address: String, now: Date) -> LoginRateLimiter.Decision
    /// The attempt allowed at `attemptedAt` succeeded: the account's failures are
    /// forgotten, and this attempt no longer counts against the address.
    func recordSuccess(account: String, address: String, attemptedAt: Date)
    /// The attempt allowed at `attemptedAt` could not be checked: it counts for neither.
    func release(account: String, address: String, attemptedAt: Date)
}

extension LoginRateLimiter: LoginLimiting {}
