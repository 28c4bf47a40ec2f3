import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct RateLimiterTests {
    let clock = ManualClock()

    @Test func tokenBucketAllowsTheBurstThenTheRate() {
        var bucket = TokenBucket(ratePerSecond: 10, burst: 3)
        for _ in 0..<3 { #expect(bucket.take(now: clock.now) == .now) }
        #expect(bucket.take(now: clock.now) == .waitUntil(clock.now + .milliseconds(100)))
        clock.advance(by: .milliseconds(50))
        #expect(bucket.take(now: clock.now) == .waitUntil(clock.now + .milliseconds(50)))
        clock.advance(by: .milliseconds(50))
        #expect(bucket.take(now: clock.now) == .now)
        // A long pause refills only up to the burst.
        clock.advance(by: .seconds(60))
        for _ in 0..<3 { #expect(bucket.take(now: clock.now) == .now) }
        #expect(bucket.take(now: clock.now) != .now)
    }

    @Test func sustainedRateOverTime() {
        var bucket = TokenBucket(ratePerSecond: 80)
        var sent = 0
        // 10 simulated seconds in 1 ms steps, sending whenever allowed.
        for _ in 0..<10_000 {
            while bucket.take(now: clock.now) == .now { sent += 1 }
            clock.advance(by: .milliseconds(1))
        }
        // The initial burst (80) plus 80 per second.
        #expect(sent >= 80 + 790 && sent <= 80 + 801)
    }

    @Test func pairSpacingHoldsOnlyThatRecipient() {
        var limiter = RateLimiter(messagesPerSecond: 80, pairSpacing: .seconds(1))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .now)
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .waitUntil(clock.now + .seconds(1)))
        #expect(limiter.acquire(recipient: "B", now: clock.now) == .now)
        clock.advance(by: .milliseconds(999))
        #expect(limiter.acquire(recipient: "A", now: clock.now) != .now)
        clock.advance(by: .milliseconds(1))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .now)
    }

    /// A bot answering three quick questions: with the 1 s default the third answer goes
    /// 2 s after the first, not 12 s as a 6 s spacing would make it.
    @Test func consecutiveRepliesToOneCustomerAreNotDelayedSixSeconds() {
        var limiter = RateLimiter(messagesPerSecond: 80)
        var sentAt: [ContinuousClock.Instant] = []
        let start = clock.now
        while sentAt.count < 3 {
            switch limiter.acquire(recipient: "5511987654321", now: clock.now) {
            case .now: sentAt.append(clock.now)
            case .waitUntil(let t): clock.advance(by: clock.now.duration(to: t))
            }
        }
        #expect(sentAt.map { start.duration(to: $0) } == [.zero, .seconds(1), .seconds(2)])
    }

    @Test func pairRateLimitErrorHoldsThatRecipientSixSeconds() {
        var limiter = RateLimiter(messagesPerSecond: 80)
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .now)
        limiter.pairRateLimitHit(recipient: "A", now: clock.now)
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .waitUntil(clock.now + .seconds(6)))
        #expect(limiter.acquire(recipient: "B", now: clock.now) == .now)
        // A longer Retry-After wins; a shorter one does not shorten the hold.
        limiter.pairRateLimitHit(recipient: "A", now: clock.now, retryAfter: .seconds(20))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .waitUntil(clock.now + .seconds(20)))
        limiter.pairRateLimitHit(recipient: "A", now: clock.now, retryAfter: .seconds(1))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .waitUntil(clock.now + .seconds(20)))
    }

    @Test func aRefusalConsumesNothing() {
        var limiter = RateLimiter(messagesPerSecond: 1, burst: 1, pairSpacing: .seconds(1))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .now)
        // The bucket is empty: B waits, and B's pair spacing was not started.
        #expect(limiter.acquire(recipient: "B", now: clock.now) == .waitUntil(clock.now + .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(limiter.acquire(recipient: "B", now: clock.now) == .now)
        // A is held by its spacing; that refusal did not take B's token budget either.
        clock.advance(by: .seconds(1))
        #expect(limiter.acquire(recipient: "A", now: clock.now) == .now)
    }

    @Test func forgetsRecipientsNoLongerHeld() {
        var pair = PairRateLimiter(spacing: .seconds(1))
        for i in 0..<5000 { pair.record(recipient: "r\(i)", now: clock.now) }
        clock.advance(by: .seconds(2))
        pair.record(recipient: "last", now: clock.now)
        for i in 0..<5000 { pair.record(recipient: "s\(i)", now: clock.now) }
        #expect(pair.trackedRecipients < 10_001)
    }
}
