import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// Two stores on one PostgreSQL database, as two hosts: their takes from one meter are
/// counted together, in real time and concurrently. (The host's uses of the meters, for
/// a channel's sender and for logins, are tested in SwitchboardHostTests'
/// `SharedLimitsTests`.)
@Suite struct PostgresSharedLimitsTests {
    let hosts: [any Store]

    init() throws {
        let url = try TestPostgres.freshDatabase(prefix: "limits")
        hosts = [try PostgresStore(url: url, poolSize: 6, options: testOptions()),
                 try PostgresStore(url: url, poolSize: 6, options: testOptions())]
    }

    /// Takes from `key` on `limits` (one per thread, alternating) as fast as they can for
    /// `seconds`; returns the times of the takes that were granted, in order.
    static func hammer(_ limits: [any LimitRepository], _ key: LimitKey, _ rule: Meter.Rule,
                       threads: Int, seconds: Double) -> [Double] {
        let granted = Mutex<[Double]>([])
        let errors = Mutex<[String]>([])
        let end = Date().addingTimeInterval(seconds)
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            let m = limits[i % limits.count]
            while Date() < end {
                do {
                    let now = Date()
                    switch try m.take(key, 1, rule, now: now) {
                    case .taken: granted.withLock { $0.append(now.timeIntervalSince1970) }
                    case .wait(let w): Thread.sleep(forTimeInterval: min(w ?? 0.01, 0.005))
                    }
                } catch {
                    errors.withLock { $0.append("\(error)") }
                    return
                }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        return granted.withLock { $0 }.sorted()
    }

    /// The most takes in any window of `width` seconds (each window starting at a take).
    static func busiest(_ times: [Double], width: Double) -> Int {
        var best = 0, j = 0
        for i in times.indices {
            while j < times.count && times[j] < times[i] + width { j += 1 }
            best = max(best, j - i)
        }
        return best
    }

    /// A channel limited to 40 messages/s (burst 40), taken by 8 threads on two hosts for
    /// 3 s: in any second the hosts together take at most 40 + 40 (the burst, then the
    /// rate), and over the whole run at most 40 + 40 × 3, with 3 takes of margin for the
    /// clocks of the threads; and they did take close to that (the limit, not the
    /// threads, was what held them). Two hosts each with meters of their own (as before
    /// this change) take about twice as many, which the same measure sees.
    @Test func twoHostsTakingFromOneChannelNeverExceedItsRateTogether() throws {
        let rule = Meter.Rule.rate(perSecond: 40)
        let key = LimitKey("channel:wa-main:rate")
        let start = Date()
        let shared = Self.hammer(hosts.map(\.limits), key, rule, threads: 8, seconds: 3)
        let elapsed = Date().timeIntervalSince(start)
        let allowed = 40 + 40 * elapsed
        #expect(Double(shared.count) <= allowed + 3, "\(shared.count) takes in \(elapsed) s")
        #expect(Double(shared.count) >= 0.8 * (40 + 40 * 3), "only \(shared.count) takes: the rate was not what limited")
        #expect(Self.busiest(shared, width: 1) <= 40 + 40 + 3, "busiest second: \(Self.busiest(shared, width: 1))")
        // Each host limiting on its own doubles the channel's rate.
        let separate = Self.hammer([LocalLimits(), LocalLimits()], key, rule, threads: 8, seconds: 3)
        #expect(Double(separate.count) > allowed + 40, "\(separate.count) takes with separate meters")
    }

    /// A budget of 100 units, spent 7 at a time by 8 threads on two hosts: exactly 14
    /// takes are granted (98 units), never a 15th.
    @Test func aCounterCannotBeOverspentByTwoHostsAtOnce() throws {
        let rule = Meter.Rule.counter(capacity: 100)
        let key = LimitKey(workspace: "a", "budget:day:2026-12-06")
        let granted = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let m = hosts[i % 2].limits
            for _ in 0..<10 {
                if case .taken = try! m.take(key, 7, rule, now: Date()) { granted.add(1, ordering: .relaxed) }
            }
        }
        #expect(granted.load(ordering: .relaxed) == 14)
        #expect(try hosts[1].limits.level(key, rule, now: Date()) == 98)
    }

    /// Plugin state's atomic add (`host->state_add`, the LLM budget's totals): 8 threads on
    /// two hosts add 7 at a time under a ceiling of 100: exactly 14 adds land (98), and a
    /// value that is not an integer is refused and left as it is.
    @Test func pluginStateAddsOfTwoHostsNeverPassTheCeiling() throws {
        _ = try hosts[0].syncWorkspaces([definition("a")])
        let landed = Atomic<Int>(0)
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let state = hosts[i % 2].workspace("a").pluginState
            for _ in 0..<10 {
                do {
                    if try state.add(plugin: "llm", key: "budget:day:2026-12-06", delta: 7, ceiling: 100) != nil {
                        landed.add(1, ordering: .relaxed)
                    }
                } catch { errors.withLock { $0.append("\(error)") } }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        #expect(landed.load(ordering: .relaxed) == 14)
        let stored = try hosts[1].workspace("a").pluginState.get(plugin: "llm", key: "budget:day:2026-12-06")
        #expect(stored.map { String(decoding: $0, as: UTF8.self) } == "98")
        // A negative add without a ceiling always lands.
        #expect(try hosts[1].workspace("a").pluginState.add(plugin: "llm", key: "budget:day:2026-12-06", delta: -8, ceiling: nil) == 90)
        try hosts[0].workspace("a").pluginState.set(plugin: "llm", key: "note", value: Array("hello".utf8))
        #expect(throws: StoreError.self) {
            try hosts[0].workspace("a").pluginState.add(plugin: "llm", key: "note", delta: 1, ceiling: nil)
        }
        #expect(try hosts[0].workspace("a").pluginState.get(plugin: "llm", key: "note") == Array("hello".utf8))
    }

    /// Meters past their expiry are deleted by a later call (about once a minute).
    @Test func expiredMetersAreDeleted() throws {
        let limits = hosts[0].limits
        let t0 = Date(timeIntervalSince1970: 1_780_000_000)
        try limits.add(LimitKey("old"), 1, .counter(keep: 10), now: t0)
        try limits.add(LimitKey("new"), 1, .counter(keep: 10), now: t0 + 100)
        _ = try limits.level(LimitKey("new"), .counter(keep: 10), now: t0 + 105)
        let names = try (hosts[0] as! PostgresStore).pool.read { db in
            try db.query("SELECT name FROM shared_limits ORDER BY name") { $0.string(0) }
        }
        #expect(names == ["new"])
    }
}
