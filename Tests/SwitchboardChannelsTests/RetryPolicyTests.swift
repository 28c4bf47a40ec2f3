import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(base: .seconds(1), cap: .seconds(60), maxAttempts: 6)

    @Test func ceilingDoublesUpToTheCap() {
        #expect((1...8).map { policy.ceiling(attempt: $0) } == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        #expect(policy.ceiling(attempt: 10_000) == .seconds(60))
        #expect(policy.ceiling(attempt: 0) == .seconds(1))
    }

    @Test func fullJitterStaysWithinZeroAndTheCeiling() {
        var rng = SeededRandom(seed: 42)
        for attempt in 1...12 {
            let top = policy.ceiling(attempt: attempt)
            var seenLow = false, seenHigh = false
            for _ in 0..<500 {
                let d = policy.delay(attempt: attempt, random: &rng)
                #expect(d >= .zero && d <= top)
                if d < top * 0.25 { seenLow = true }
                if d > top * 0.75 { seenHigh = true }
            }
            // Full jitter spreads over the whole range, not just its top half.
            #expect(seenLow && seenHigh, "attempt \(attempt)")
        }
    }

    @Test func sameSeedSameDelays() {
        var a = SeededRandom(seed: 7), b = SeededRandom(seed: 7), c = SeededRandom(seed: 8)
        let x = (1...10).map { policy.delay(attempt: $0, random: &a) }
        let y = (1...10).map { policy.delay(attempt: $0, random: &b) }
        let z = (1...10).map { policy.delay(attempt: $0, random: &c) }
        #expect(x == y)
        #expect(x != z)
    }

    @Test func floorIsNeverShortened() {
        var rng = SeededRandom(seed: 1)
        for _ in 0..<200 {
            // A pair-rate-limit retry waits at least 6 s even on the first attempt.
            #expect(policy.delay(attempt: 1, floor: .seconds(6), random: &rng) == .seconds(6))
            #expect(policy.delay(attempt: 9, floor: .seconds(6), random: &rng) >= .seconds(6))
        }
    }

    @Test func maxAttempts() {
        #expect(policy.allowsRetry(afterAttempt: 5))
        #expect(!policy.allowsRetry(afterAttempt: 6))
        #expect(RetryPolicy(maxAttempts: nil).allowsRetry(afterAttempt: 1_000_000))
    }
}
