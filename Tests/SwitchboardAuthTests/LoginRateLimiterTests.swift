import Foundation
import Synchronization
import Testing
import SwitchboardAuth

/// The limiter with time passed in: 15 minutes go by without sleeping. `attempt` checks
/// and counts in one step; a failed login needs nothing more.
@Suite struct LoginRateLimiterTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func fiveFailuresOfAnAccountRefuseTheSixthUntilTheWindowMoves() {
        let limiter = LoginRateLimiter()
        for i in 0..<5 {
            #expect(limiter.attempt(account: "demo/titi@x.ng", address: "10.0.0.1", now: t0 + Double(i)) == .allowed)
        }
        // The first failure (t0) leaves the window at t0 + 900 s.
        #expect(limiter.attempt(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 10) == .refused(retryAfter: 890))
        #expect(limiter.attempt(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 899.5) == .refused(retryAfter: 1))
        #expect(limiter.attempt(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 900) == .allowed)
        // Another account from the same address is not held by this account's failures.
        #expect(limiter.attempt(account: "demo/ade@x.ng", address: "10.0.0.1", now: t0 + 10) == .allowed)
    }

    @Test func anAddressGuessingAtManyAccountsIsRefused() {
        let limiter = LoginRateLimiter()
        for i in 0..<20 {
            #expect(limiter.attempt(account: "demo/user\(i)@x.ng", address: "203.0.113.7", now: t0 + Double(i)) == .allowed)
        }
        #expect(limiter.attempt(account: "demo/fresh@x.ng", address: "203.0.113.7", now: t0 + 30) == .refused(retryAfter: 870))
        #expect(limiter.attempt(account: "demo/fresh@x.ng", address: "203.0.113.8", now: t0 + 30) == .allowed)
        #expect(limiter.attempt(account: "demo/other@x.ng", address: "203.0.113.7", now: t0 + 15 * 60) == .allowed)
    }

    @Test func successForgetsTheAccountsFailuresButNotTheAddresss() {
        let limiter = LoginRateLimiter(perAccount: .init(maxFailures: 3, window: 60), perAddress: .init(maxFailures: 4, window: 60))
        #expect(limiter.attempt(account: "a", address: "ip", now: t0) == .allowed)
        #expect(limiter.attempt(account: "a", address: "ip", now: t0 + 1) == .allowed)
        // The third try, from another address, is the right password: the account starts
        // afresh, and that address's count of the attempt is taken back.
        #expect(limiter.attempt(account: "a", address: "other", now: t0 + 2) == .allowed)
        limiter.recordSuccess(account: "a", address: "other", attemptedAt: t0 + 2)
        #expect(limiter.trackedKeys.accounts == 0)
        #expect(limiter.trackedKeys.addresses == 1)   // "ip" only: "other" owes nothing
        for i in 3..<6 { #expect(limiter.attempt(account: "a", address: "other", now: t0 + Double(i)) == .allowed) }
        #expect(limiter.attempt(account: "a", address: "other", now: t0 + 6) != .allowed)
        // "ip" keeps its 2 failures: two more accounts, then the next is refused.
        #expect(limiter.attempt(account: "b", address: "ip", now: t0 + 7) == .allowed)
        #expect(limiter.attempt(account: "c", address: "ip", now: t0 + 8) == .allowed)
        #expect(limiter.attempt(account: "d", address: "ip", now: t0 + 9) == .refused(retryAfter: 51))  // the oldest (t0) leaves at t0 + 60
    }

    @Test func anAttemptThatCouldNotBeCheckedIsReleased() {
        let limiter = LoginRateLimiter(perAccount: .init(maxFailures: 1, window: 60), perAddress: .init(maxFailures: 1, window: 60))
        #expect(limiter.attempt(account: "a", address: "ip", now: t0) == .allowed)
        limiter.release(account: "a", address: "ip", attemptedAt: t0)
        #expect(limiter.attempt(account: "a", address: "ip", now: t0 + 1) == .allowed)
        #expect(limiter.attempt(account: "a", address: "ip", now: t0 + 2) != .allowed)
    }

    @Test func failuresSpreadOverTimeNeverAccumulate() {
        let limiter = LoginRateLimiter()
        // One failure every 4 minutes: never 5 within 15 minutes.
        for i in 0..<50 {
            #expect(limiter.attempt(account: "a", address: "ip", now: t0 + Double(i) * 240) == .allowed)
        }
    }

    /// Checking and counting are one step: 16 threads guessing at once get exactly the
    /// 5 attempts the policy allows (separate steps let all 16 pass the check first).
    @Test func sixteenParallelGuessesPassNoMoreThanTheLimit() {
        for round in 0..<20 {
            let limiter = LoginRateLimiter()
            let allowed = Atomic<Int>(0)
            let now = t0 + Double(round)
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                if limiter.attempt(account: "demo/titi@x.ng", address: "198.51.100.1", now: now) == .allowed {
                    allowed.add(1, ordering: .relaxed)
                }
            }
            #expect(allowed.load(ordering: .relaxed) == 5, "round \(round)")
        }
    }

    @Test func memoryIsBoundedByForgettingTheLeastRecentlyUsed() {
        let limiter = LoginRateLimiter(maxTrackedKeys: 100)
        for i in 0..<1000 { _ = limiter.attempt(account: "acct\(i)", address: "ip\(i)", now: t0 + Double(i)) }
        #expect(limiter.trackedKeys.accounts == 100)
        #expect(limiter.trackedKeys.addresses == 100)
        // The most recent offenders are the ones kept.
        for _ in 0..<4 { _ = limiter.attempt(account: "acct999", address: "x", now: t0 + 1000) }
        #expect(limiter.attempt(account: "acct999", address: "y", now: t0 + 1001) != .allowed)
    }

    /// A flood of new addresses pushes out the stalest entries, not everyone: an address
    /// that keeps guessing stays limited (emptying the table would give it a fresh start).
    @Test func aFloodOfNewAddressesDoesNotForgiveAnActiveGuesser() {
        let limiter = LoginRateLimiter(perAccount: .init(maxFailures: 1000, window: 900), maxTrackedKeys: 50)
        for i in 0..<20 { #expect(limiter.attempt(account: "acct\(i)", address: "203.0.113.9", now: t0) == .allowed) }
        #expect(limiter.attempt(account: "next", address: "203.0.113.9", now: t0) != .allowed)
        for i in 0..<500 {
            _ = limiter.attempt(account: "flood\(i)", address: "10.0.\(i / 250).\(i % 250)", now: t0 + 1)
            // The guesser keeps trying (and is kept as recently used).
            if i % 10 == 0 { #expect(limiter.attempt(account: "next", address: "203.0.113.9", now: t0 + 1) != .allowed) }
        }
        #expect(limiter.trackedKeys.addresses == 50)
        #expect(limiter.attempt(account: "next", address: "203.0.113.9", now: t0 + 2) != .allowed)
    }
}
