import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct DeliveryPolicyTests {
    let policy = DeliveryPolicy(retry: RetryPolicy(base: .seconds(1), cap: .seconds(60), maxAttempts: 3))

    @Test func retryableKindsRetryUntilMaxAttempts() {
        var rng = SeededRandom(seed: 3)
        for kind in [SendFailureKind.retryable, .rateLimited, .pairRateLimited] {
            guard case .retry(let d) = policy.decide(kind: kind, attempt: 1, reason: "x", random: &rng) else {
                Issue.record("\(kind) should retry"); continue
            }
            #expect(d >= .zero && d <= .seconds(1))
            #expect(policy.decide(kind: kind, attempt: 3, reason: "boom", random: &rng) == .fail(reason: "gave up after 3 attempts: boom"))
        }
    }

    @Test func pairRateLimitWaitsAtLeastTheFloorFromTheError() throws {
        var rng = SeededRandom(seed: 4)
        let error = GraphError(kind: .pairRateLimited, httpStatus: 400, code: 131056, title: "pair rate limit hit")
        let d = policy.decide(kind: error.kind, attempt: 1, floor: error.retryFloor, reason: error.description, random: &rng)
        #expect(d == .retry(after: .seconds(6)))
    }

    @Test func authHoldsTheChannelAndTheRestFail() {
        var rng = SeededRandom(seed: 5)
        #expect(policy.decide(kind: .auth, attempt: 1, reason: "token expired", random: &rng) == .holdChannel(reason: "token expired"))
        #expect(policy.decide(kind: .reengagement, attempt: 1, reason: "131047", random: &rng) == .fail(reason: "131047"))
        #expect(policy.decide(kind: .permanent, attempt: 1, reason: "bad", random: &rng) == .fail(reason: "bad"))
    }

    @Test func onlyProviderFailuresCountTowardsTheBreaker() {
        #expect(SendFailureKind.allCases.filter(\.countsAsChannelFailure) == [.retryable])
    }
}
