import Foundation
import Testing
import SwitchboardCore

/// Core's `Meter` (the sums of every shared limit): the same decisions as the token
/// bucket and the pair spacing it replaces on the send path, so a host on SQLite limits
/// exactly as before.
@Suite struct MeterTests {
    let t0 = 1_780_000_000.0

    /// A seeded sequence of sends at random gaps: the meter with `Rule.rate` and
    /// `TokenBucket` allow the same ones, and name the same waits.
    @Test func aRateMeterDecidesAsTheTokenBucket() {
        var random = LCG(state: 7)
        var bucket = TokenBucket(ratePerSecond: 80)
        var meter = Meter(at: t0)
        let rule = Meter.Rule.rate(perSecond: 80)
        let start = ContinuousClock.now
        var elapsed = 0.0
        var allowed = 0, waited = 0
        for _ in 0..<5_000 {
            elapsed += Double.random(in: 0...0.02, using: &random)  // 100/s on average: some wait
            let b = bucket.take(now: start + .seconds(elapsed))
            let m = meter.take(1, now: t0 + elapsed, rule)
            switch (b, m) {
            case (.now, .taken): allowed += 1
            case (.waitUntil(let until), .wait(let w?)):
                waited += 1
                #expect(abs((until - (start + .seconds(elapsed))).inSeconds - w) < 1e-6)
            default:
                Issue.record("bucket \(b), meter \(m) at \(elapsed) s")
                return
            }
        }
        #expect(allowed > 1_000 && waited > 100, "\(allowed) allowed, \(waited) waited")
    }

    @Test func aSpacingMeterHoldsLikeThePairLimiter() {
        var pair = PairRateLimiter(spacing: .seconds(1), penalty: .seconds(6))
        var meter = Meter(at: t0)
        let rule = Meter.Rule.spacing(1)
        let start = ContinuousClock.now
        for (at, penalize) in [(0.0, false), (0.5, false), (1.0, false), (1.2, true), (3.0, false), (7.2, false), (7.5, false)] {
            if penalize {
                pair.penalize(recipient: "r", now: start + .seconds(at))
                meter.hold(until: t0 + at + 6, now: t0 + at, rule)
                continue
            }
            let p = pair.check(recipient: "r", now: start + .seconds(at))
            let m = meter.take(1, now: t0 + at, rule)
            switch (p, m) {
            case (.now, .taken): pair.record(recipient: "r", now: start + .seconds(at))
            case (.waitUntil(let until), .wait(let w?)):
                #expect(abs((until - (start + .seconds(at))).inSeconds - w) < 1e-6, "at \(at) s")
            default: Issue.record("pair \(p), meter \(m) at \(at) s")
            }
        }
    }

    @Test func aCounterNeverDrainsAndGivesBack() {
        var meter = Meter(at: t0)
        let rule = Meter.Rule.counter(capacity: 10)
        #expect(meter.take(6, now: t0, rule) == .taken(level: 6))
        #expect(meter.take(6, now: t0 + 3_600, rule) == .wait(nil))
        #expect(meter.add(-2, now: t0 + 3_600, rule) == 4)
        #expect(meter.take(6, now: t0 + 3_600, rule) == .taken(level: 10))
        #expect(meter.add(-20, now: t0 + 3_600, rule) == 0)
        // More than the capacity can never be taken.
        #expect(meter.take(11, now: t0, rule) == .wait(nil))
    }
}

/// A small seeded generator (the sequence is the same every run).
struct LCG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state ^ (state >> 29)
    }
}
