import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct CircuitBreakerTests {
    let clock = ManualClock()

    @Test func opensAfterConsecutiveFailuresOnly() {
        var b = CircuitBreaker(failureThreshold: 3, coolDown: .seconds(30))
        b.recordFailure(now: clock.now)
        b.recordFailure(now: clock.now)
        b.recordSuccess() // the run is broken
        b.recordFailure(now: clock.now)
        b.recordFailure(now: clock.now)
        #expect(b.state == .closed)
        #expect(b.decide(now: clock.now) == .allow)
        b.recordFailure(now: clock.now)
        #expect(b.state == .open)
        #expect(b.decide(now: clock.now) == .reject(until: clock.now + .seconds(30)))
    }

    @Test func halfOpenLetsOneProbeThroughThenCloses() {
        var b = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(10))
        b.recordFailure(now: clock.now)
        clock.advance(by: .seconds(9))
        #expect(b.decide(now: clock.now) != .allow)
        clock.advance(by: .seconds(1))
        #expect(b.decide(now: clock.now) == .probe)
        #expect(b.state == .halfOpen)
        // While the probe is out, nobody else goes.
        let probeAt = clock.now
        clock.advance(by: .seconds(1))
        #expect(b.decide(now: clock.now) == .reject(until: probeAt + .seconds(10)))
        b.recordSuccess()
        #expect(b.state == .closed)
        #expect(b.consecutiveFailures == 0)
        #expect(b.decide(now: clock.now) == .allow)
    }

    @Test func failedProbeReopensForAnotherCoolDown() {
        var b = CircuitBreaker(failureThreshold: 2, coolDown: .seconds(10))
        b.recordFailure(now: clock.now)
        b.recordFailure(now: clock.now)
        clock.advance(by: .seconds(10))
        #expect(b.decide(now: clock.now) == .probe)
        clock.advance(by: .seconds(2))
        b.recordFailure(now: clock.now)
        #expect(b.state == .open)
        #expect(b.decide(now: clock.now) == .reject(until: clock.now + .seconds(10)))
        clock.advance(by: .seconds(10))
        #expect(b.decide(now: clock.now) == .probe)
    }

    @Test func aLostProbeIsReplacedAfterACoolDown() {
        var b = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(5))
        b.recordFailure(now: clock.now)
        clock.advance(by: .seconds(5))
        #expect(b.decide(now: clock.now) == .probe)
        clock.advance(by: .seconds(5)) // its outcome never came back
        #expect(b.decide(now: clock.now) == .probe)
    }

    @Test func lateFailureWhileOpenExtendsTheCoolDown() {
        var b = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(10))
        b.recordFailure(now: clock.now)
        clock.advance(by: .seconds(4))
        b.recordFailure(now: clock.now)
        #expect(b.decide(now: clock.now) == .reject(until: clock.now + .seconds(10)))
    }
}
