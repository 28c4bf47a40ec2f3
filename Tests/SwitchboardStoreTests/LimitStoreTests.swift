import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// The store's meters (`LimitRepository`) with time passed in: the same bodies on SQLite
/// (in the process, `LocalLimits`) and on PostgreSQL (`shared_limits`), so both backends
/// limit alike. Several hosts on one PostgreSQL: `PostgresSharedLimitsTests`.
@Suite struct LimitStoreTests {
    let dir = TempDir()
    let store: any Store
    let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
    }

    func expectWait(_ outcome: Meter.Outcome, _ seconds: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .wait(let w?) = outcome else {
            Issue.record("expected a wait of \(seconds) s, got \(outcome)", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(w - seconds) < 1e-4, "waited \(w) s, not \(seconds) s", sourceLocation: sourceLocation)
    }

    @Test func aRateGivesItsBurstThenOneTakePerInterval() throws {
        let limits = store.limits
        // 8 per second: an interval of 0.125 s, exact in binary (the times are too).
        let rule = Meter.Rule.rate(perSecond: 8)
        let key = LimitKey("channel:wa-main:rate")
        for i in 0..<8 { #expect(try limits.take(key, 1, rule, now: t0) == .taken(level: Double(i + 1))) }
        expectWait(try limits.take(key, 1, rule, now: t0), 0.125)
        expectWait(try limits.take(key, 1, rule, now: t0 + 0.0625), 0.0625)
        #expect(try limits.take(key, 1, rule, now: t0 + 0.125) == .taken(level: 8))
        expectWait(try limits.take(key, 1, rule, now: t0 + 0.125), 0.125)
        // A second later the burst is back.
        #expect(try limits.level(key, rule, now: t0 + 1.125) == 0)
        // Another channel, or the same name in a workspace's scope, is another meter.
        #expect(try limits.take(LimitKey("channel:wa-other:rate"), 1, rule, now: t0) == .taken(level: 1))
        #expect(try limits.take(LimitKey(workspace: "a", "channel:wa-main:rate"), 1, rule, now: t0) == .taken(level: 1))
    }

    @Test func spacingHoldsARecipientAndAHoldLastsUntilItsEnd() throws {
        let limits = store.limits
        let rule = Meter.Rule.spacing(1)
        let key = LimitKey("channel:wa-main:pair:2348031234567")
        #expect(try limits.take(key, 1, rule, now: t0) == .taken(level: 1))
        expectWait(try limits.take(key, 1, rule, now: t0 + 0.25), 0.75)
        #expect(try limits.take(key, 1, rule, now: t0 + 1) == .taken(level: 1))
        // The provider's pair error: held for 6 s from t0 + 1.5.
        try limits.hold(key, until: t0 + 7.5, rule, now: t0 + 1.5)
        expectWait(try limits.take(key, 1, rule, now: t0 + 2), 5.5)
        // A shorter hold does not shorten it.
        try limits.hold(key, until: t0 + 3, rule, now: t0 + 2)
        expectWait(try limits.take(key, 1, rule, now: t0 + 2.5), 5)
        #expect(try limits.take(key, 1, rule, now: t0 + 7.5) == .taken(level: 1))
        // A take refused and given back leaves room for the next.
        try limits.add(key, -1, rule, now: t0 + 7.5)
        #expect(try limits.take(key, 1, rule, now: t0 + 7.5) == .taken(level: 1))
    }

    @Test func aCounterHoldsUpToItsCapacityAndGivesBack() throws {
        let limits = store.limits
        let rule = Meter.Rule.counter(capacity: 5, keep: 60)
        let key = LimitKey(workspace: "a", "budget:day:2026-12-06")
        #expect(try limits.take(key, 3, rule, now: t0) == .taken(level: 3))
        #expect(try limits.take(key, 3, rule, now: t0 + 1) == .wait(nil))
        #expect(try limits.add(key, -1, rule, now: t0 + 2) == 2)
        #expect(try limits.take(key, 3, rule, now: t0 + 3) == .taken(level: 5))
        // `add` pours past the capacity (a cost that came out higher than reserved).
        #expect(try limits.add(key, 2, rule, now: t0 + 4) == 7)
        #expect(try limits.level(key, rule, now: t0 + 5) == 7)
        // Kept `keep` seconds after its last use, then forgotten.
        #expect(try limits.level(key, rule, now: t0 + 63) == 7)
        #expect(try limits.level(key, rule, now: t0 + 64.5) == 0)
        #expect(try limits.take(key, 5, rule, now: t0 + 65) == .taken(level: 5))
        try limits.reset(key)
        #expect(try limits.level(key, rule, now: t0 + 65) == 0)
    }

    @Test func aClockBehindTheLastUseDrainsNothing() throws {
        let limits = store.limits
        let rule = Meter.Rule.rate(perSecond: 2, burst: 2)
        let key = LimitKey("channel:wa-main:rate")
        #expect(try limits.take(key, 1, rule, now: t0 + 10) == .taken(level: 1))
        #expect(try limits.take(key, 1, rule, now: t0 + 10) == .taken(level: 2))
        // A host whose clock is a second behind: nothing has drained for it.
        expectWait(try limits.take(key, 1, rule, now: t0 + 9), 0.5)
    }
}

@Suite struct PostgresLimitStoreTests {
    @Test func aRateGivesItsBurstThenOneTakePerInterval() throws { try LimitStoreTests(backend: .postgres).aRateGivesItsBurstThenOneTakePerInterval() }
    @Test func spacingHoldsARecipientAndAHoldLastsUntilItsEnd() throws { try LimitStoreTests(backend: .postgres).spacingHoldsARecipientAndAHoldLastsUntilItsEnd() }
    @Test func aCounterHoldsUpToItsCapacityAndGivesBack() throws { try LimitStoreTests(backend: .postgres).aCounterHoldsUpToItsCapacityAndGivesBack() }
    @Test func aClockBehindTheLastUseDrainsNothing() throws { try LimitStoreTests(backend: .postgres).aClockBehindTheLastUseDrainsNothing() }
}
