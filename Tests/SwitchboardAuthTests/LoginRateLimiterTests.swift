import Foundation
import Testing
import SwitchboardAuth

/// The limiter with time passed in: 15 minutes go by without sleeping.
@Suite struct LoginRateLimiterTests {
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func fiveFailuresOfAnAccountRefuseTheSixthUntilTheWindowMoves() {
        let limiter = LoginRateLimiter()
        for i in 0..<5 {
            #expect(limiter.check(account: "demo/titi@x.ng", address: "10.0.0.1", now: t0 + Double(i)) == .allowed)
            limiter.recordFailure(account: "demo/titi@x.ng", address: "10.0.0.1", now: t0 + Double(i))
        }
        // The first failure (t0) leaves the window at t0 + 900 s.
        #expect(limiter.check(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 10) == .refused(retryAfter: 890))
        #expect(limiter.check(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 899.5) == .refused(retryAfter: 1))
        #expect(limiter.check(account: "demo/titi@x.ng", address: "10.0.0.9", now: t0 + 900) == .allowed)
        // Another account from the same address is not held by this account's failures.
        #expect(limiter.check(account: "demo/ade@x.ng", address: "10.0.0.1", now: t0 + 10) == .allowed)
    }

    @Test func anAddressGuessingAtManyAccountsIsRefused() {
        let limiter = LoginRateLimiter()
        for i in 0..<20 {
            let account = "demo/user\(i)@x.ng"
            #expect(limiter.check(account: account, address: "203.0.113.7", now: t0 + Double(i)) == .allowed)
            limiter.recordFailure(account: account, address: "203.0.113.7", now: t0 + Double(i))
        }
        #expect(limiter.check(account: "demo/fresh@x.ng", address: "203.0.113.7", now: t0 + 30) == .refused(retryAfter: 870))
        #expect(limiter.check(account: "demo/fresh@x.ng", address: "203.0.113.8", now: t0 + 30) == .allowed)
        #expect(limiter.check(account: "demo/fresh@x.ng", address: "203.0.113.7", now: t0 + 15 * 60) == .allowed)
    }

    @Test func successForgetsTheAccountsFailuresButNotTheAddresss() {
        let limiter = LoginRateLimiter(perAccount: .init(maxFailures: 3, window: 60), perAddress: .init(maxFailures: 4, window: 60))
        for i in 0..<3 { limiter.recordFailure(account: "a", address: "ip", now: t0 + Double(i)) }
        #expect(limiter.check(account: "a", address: "other", now: t0 + 5) != .allowed)
        limiter.recordSuccess(account: "a", now: t0 + 5)
        #expect(limiter.check(account: "a", address: "other", now: t0 + 6) == .allowed)
        limiter.recordFailure(account: "b", address: "ip", now: t0 + 7)
        #expect(limiter.check(account: "c", address: "ip", now: t0 + 8) == .refused(retryAfter: 52))  // the oldest (t0) leaves at t0 + 60
    }

    @Test func failuresSpreadOverTimeNeverAccumulate() {
        let limiter = LoginRateLimiter()
        // One failure every 4 minutes: never 5 within 15 minutes.
        for i in 0..<50 {
            let now = t0 + Double(i) * 240
            #expect(limiter.check(account: "a", address: "ip", now: now) == .allowed)
            limiter.recordFailure(account: "a", address: "ip", now: now)
        }
    }

    @Test func memoryIsBounded() {
        let limiter = LoginRateLimiter(maxTrackedKeys: 100)
        for i in 0..<1000 { limiter.recordFailure(account: "acct\(i)", address: "ip\(i)", now: t0 + Double(i)) }
        #expect(limiter.trackedKeys.accounts <= 100)
        #expect(limiter.trackedKeys.addresses <= 100)
        // The most recent offenders are the ones kept.
        for _ in 0..<4 { limiter.recordFailure(account: "acct999", address: "x", now: t0 + 1000) }
        #expect(limiter.check(account: "acct999", address: "y", now: t0 + 1001) != .allowed)
    }
}
