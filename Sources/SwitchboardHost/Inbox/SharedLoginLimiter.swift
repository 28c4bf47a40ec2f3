import Foundation
import Synchronization
import SwitchboardAuth
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Failed logins counted in the store's shared meters (`LimitRepository`), so that with
/// several hosts behind a load balancer an attempt on any host counts on all of them
/// (issue 15): per account (workspace + e-mail) and per client address, with the same
/// policies as `LoginRateLimiter` (5 and 20 per 15 minutes). The host uses it when the
/// store's limits are shared (PostgreSQL); on SQLite `LoginRateLimiter` counts in the
/// process, as before.
///
/// A meter is a token bucket, not a list of times: `maxFailures` attempts at once, then
/// one more each `window / maxFailures` (5 per 15 minutes: one every 3 minutes after the
/// first five). The long-run rate is the same as the sliding window's; a guesser never
/// gets a fresh burst of five after 15 minutes, only one attempt per 3 minutes.
///
/// When the meters cannot be reached (the database is away) the attempt is counted by a
/// `LoginRateLimiter` of this host instead (said in the log, at most every 30 s): a login
/// then needs the database anyway for the user, and answers 503 if it is away.
final class SharedLoginLimiter: LoginLimiting {
    let accountPolicy: LoginRateLimiter.Policy
    let addressPolicy: LoginRateLimiter.Policy
    private let limits: any LimitRepository
    private let fallback: LoginRateLimiter
    private let account, address: Meter.Rule
    private let unreachable: MetersUnreachable

    init(limits: any LimitRepository, logger: Logger, perAccount: LoginRateLimiter.Policy = .perAccount,
         perAddress: LoginRateLimiter.Policy = .perAddress) {
        self.limits = limits
        unreachable = MetersUnreachable("shared login limits unreachable; this host counts failed logins on its own for now", logger: logger)
        accountPolicy = perAccount
        addressPolicy = perAddress
        account = .window(count: perAccount.maxFailures, seconds: perAccount.window)
        address = .window(count: perAddress.maxFailures, seconds: perAddress.window)
        fallback = LoginRateLimiter(perAccount: perAccount, perAddress: perAddress)
    }

    static func accountKey(_ account: String) -> LimitKey { LimitKey("login:account:" + account) }
    static func addressKey(_ address: String) -> LimitKey { LimitKey("login:address:" + address) }

    private static func refused(_ wait: TimeInterval?, _ policy: LoginRateLimiter.Policy) -> LoginRateLimiter.Decision {
        .refused(retryAfter: max(1, Int((wait ?? policy.window).rounded(.up))))
    }

    func attempt(account name: String, address from: String, now: Date) -> LoginRateLimiter.Decision {
        do {
            let accountKey = Self.accountKey(name)
            if case .wait(let w) = try limits.take(accountKey, 1, account, now: now) { return Self.refused(w, accountPolicy) }
            guard !from.isEmpty else { return .allowed }
            if case .wait(let w) = try limits.take(Self.addressKey(from), 1, address, now: now) {
                // Refused: the account's count of this attempt is given back.
                try limits.add(accountKey, -1, account, now: now)
                return Self.refused(w, addressPolicy)
            }
            return .allowed
        } catch {
            unreachable.note(error)
            return fallback.attempt(account: name, address: from, now: now)
        }
    }

    func recordSuccess(account name: String, address from: String, attemptedAt: Date) {
        do {
            try limits.reset(Self.accountKey(name))
            if !from.isEmpty { try limits.add(Self.addressKey(from), -1, address, now: attemptedAt) }
        } catch {
            unreachable.note(error)
        }
        fallback.recordSuccess(account: name, address: from, attemptedAt: attemptedAt)
    }

    func release(account name: String, address from: String, attemptedAt: Date) {
        do {
            try limits.add(Self.accountKey(name), -1, account, now: attemptedAt)
            if !from.isEmpty { try limits.add(Self.addressKey(from), -1, address, now: attemptedAt) }
        } catch {
            unreachable.note(error)
        }
        fallback.release(account: name, address: from, attemptedAt: attemptedAt)
    }
}
