import Foundation
import Synchronization
import Testing
import SwitchboardAuth
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// What several hosts on one PostgreSQL must agree on (issue 15), with two stores on one
/// database as two hosts: a channel's rate and its circuit breaker (`ChannelLimits`, the
/// sender's), and failed logins (`SharedLoginLimiter`, the login route's). The meters
/// themselves: SwitchboardStoreTests' LimitStoreTests and PostgresSharedLimitsTests.
@Suite struct SharedLimitsTests {
    let hosts: [PostgresStore]
    let logger = Logger(sink: LogSink(level: .error))

    init() throws {
        let url = try TestPostgres.freshDatabase(prefix: "shlim")
        hosts = [try PostgresStore(url: url, poolSize: 6), try PostgresStore(url: url, poolSize: 6)]
    }

    func channelLimits(_ store: any Store, rate: Double? = 20, failures: Int = 3, coolDown: Duration = .milliseconds(400)) -> ChannelLimits {
        ChannelLimits(channel: "wa-main", limits: store.limits, logger: logger, messagesPerSecond: rate,
                      pairSpacing: .seconds(1), breakerFailures: failures, breakerCoolDown: coolDown)
    }

    /// The sender's acquire on two hosts, 4 lanes each, sending to many recipients for
    /// 2.5 s through a channel limited to 20/s: together at most 20 + 20 × elapsed
    /// (the burst, then the rate) plus 2 of margin, and at least 80 % of that.
    @Test func twoHostsSendingThroughOneChannelKeepItsRate() throws {
        let senders = hosts.map { channelLimits($0) }
        let sent = Atomic<Int>(0)
        let start = Date()
        let end = start.addingTimeInterval(2.5)
        DispatchQueue.concurrentPerform(iterations: 8) { lane in
            var n = 0
            while Date() < end {
                n += 1
                let wait = senders[lane % 2].acquire(recipient: "23480\(lane)\(n)")
                if wait <= 0 { sent.add(1, ordering: .relaxed) } else { Thread.sleep(forTimeInterval: min(wait, 0.01)) }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        let total = Double(sent.load(ordering: .relaxed))
        #expect(total <= 20 + 20 * elapsed + 2, "\(total) sends in \(elapsed) s")
        #expect(total >= 0.8 * (20 + 20 * 2.5), "only \(total) sends")
    }

    /// One recipient, two hosts: the second message waits for the spacing whichever host
    /// sends it, and a pair-rate error seen by one host holds the recipient on the other.
    @Test func aRecipientsSpacingAndHoldAreSeenByTheOtherHost() throws {
        let (a, b) = (channelLimits(hosts[0]), channelLimits(hosts[1]))
        let now = Date()
        #expect(a.acquire(recipient: "2348031234567", now: now) == 0)
        let wait = b.acquire(recipient: "2348031234567", now: now.addingTimeInterval(0.25))
        #expect(abs(wait - 0.75) < 0.001)
        #expect(b.acquire(recipient: "2348031234567", now: now.addingTimeInterval(1)) == 0)
        a.pairRateLimitHit(recipient: "2348031234567", retryAfter: nil, now: now.addingTimeInterval(1.5))
        #expect(abs(b.acquire(recipient: "2348031234567", now: now.addingTimeInterval(2)) - 5.5) < 0.001)
    }

    /// Three failures on host A open the breaker for host B too; after the cool-down one
    /// probe goes out across both hosts; its success on B closes it for A.
    @Test func aBreakerOpenedOnOneHostIsOpenOnTheOther() throws {
        let (a, b) = (channelLimits(hosts[0]), channelLimits(hosts[1]))
        #expect(b.decide() == .allow)
        #expect(a.recordFailure().opened == false)
        #expect(a.recordFailure().opened == false)
        let third = a.recordFailure()
        #expect(third.opened && third.failures == 3)
        guard case .reject = b.decide() else {
            Issue.record("host B still sends while the breaker is open")
            return
        }
        #expect(!b.isClosed)
        // After the cool-down: exactly one probe, whichever host asks first.
        let deadline = Date().addingTimeInterval(5)
        var probes: [String] = []
        while Date() < deadline && probes.isEmpty {
            if b.decide() == .probe { probes.append("b") }
            if a.decide() == .probe { probes.append("a") }
            if probes.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(probes.count == 1)
        // The probe succeeds on B: both hosts send again.
        #expect(b.recordSuccess())
        #expect(a.decide() == .allow)
        #expect(a.isClosed)
    }

    /// Failed logins made on either host count together: 5 per account, whichever host
    /// took them; a success on one host clears the account on both.
    @Test func failedLoginsOnEitherHostCountTogether() throws {
        let limiters = hosts.map { SharedLoginLimiter(limits: $0.limits, logger: logger) }
        let now = Date()
        for i in 0..<5 {
            #expect(limiters[i % 2].attempt(account: "demo\ntiti@x.ng", address: "10.0.0.\(i)", now: now) == .allowed)
        }
        guard case .refused(let retryAfter) = limiters[1].attempt(account: "demo\ntiti@x.ng", address: "10.0.0.9", now: now) else {
            Issue.record("a sixth attempt was allowed")
            return
        }
        // One attempt per 3 minutes after the first five (5 per 15 minutes).
        #expect(retryAfter == 180)
        #expect(limiters[0].attempt(account: "demo\ntiti@x.ng", address: "10.0.0.9", now: now) != .allowed)
        // An address guessing at many accounts, on both hosts.
        for i in 0..<20 {
            #expect(limiters[i % 2].attempt(account: "demo\nuser\(i)@x.ng", address: "203.0.113.7", now: now) == .allowed)
        }
        #expect(limiters[0].attempt(account: "demo\nfresh@x.ng", address: "203.0.113.7", now: now) != .allowed)
        // The refused address did not count against the fresh account.
        #expect(limiters[1].attempt(account: "demo\nfresh@x.ng", address: "203.0.113.8", now: now) == .allowed)
        // A success on host B: the account starts afresh on host A.
        limiters[1].recordSuccess(account: "demo\ntiti@x.ng", address: "10.0.0.9", attemptedAt: now)
        #expect(limiters[0].attempt(account: "demo\ntiti@x.ng", address: "10.0.0.1", now: now) == .allowed)
    }

    /// Sixteen guesses at once on two hosts: exactly the 5 the policy allows pass.
    @Test func parallelGuessesOnTwoHostsPassNoMoreThanTheLimit() throws {
        let limiters = hosts.map { SharedLoginLimiter(limits: $0.limits, logger: logger) }
        let allowed = Atomic<Int>(0)
        let now = Date()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            if limiters[i % 2].attempt(account: "demo\nboss@x.ng", address: "198.51.100.\(i)", now: now) == .allowed {
                allowed.add(1, ordering: .relaxed)
            }
        }
        #expect(allowed.load(ordering: .relaxed) == 5)
    }
}

/// The llm plugin's budget ledger on two hosts of one PostgreSQL (its totals in the
/// plugin's state through the host's atomic add, `host->state_add`): two hosts spending
/// at once cannot both take the last of the budget.
@Suite struct SharedBudgetTests {
    @Test func twoHostsSpendingAtOnceNeverOverspendTheBudget() throws {
        let url = try TestPostgres.freshDatabase(prefix: "budget")
        let hosts = [try PostgresStore(url: url, poolSize: 6), try PostgresStore(url: url, poolSize: 6)]
        _ = try hosts[0].syncWorkspaces([WorkspaceDefinition(id: "demo", name: "Demo", region: "NG",
                                                             timezone: "Africa/Lagos", configHash: "h")])
        let ledgers = hosts.map { store in
            LedgerOnHost.ledger(store)
        }
        let calls = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let ledger = ledgers[i % 2]
            for _ in 0..<10 {
                if let r = LedgerOnHost.reserve(ledger, 0.07) {
                    calls.add(1, ordering: .relaxed)
                    LedgerOnHost.settle(ledger, r, 0.07)
                }
            }
        }
        // 14 calls of $0.07 fit in $1.00; a 15th would overrun it.
        #expect(calls.load(ordering: .relaxed) == 14)
        #expect(abs(try LedgerOnHost.spentToday(ledgers[1]) - 0.98) < 1e-9)
    }
}
