import Testing
@testable import SwitchboardCore

/// SplitMix64, so jittered delays repeat.
struct TestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct SessionSupervisorTests {
    let t0 = ContinuousClock.now
    let policy = SessionSupervisor.Policy(backoff: RetryPolicy(base: .seconds(2), cap: .seconds(60)),
                                          zombieAfter: .seconds(120))

    @Test func startProbesAtOnceAndOpenLetsTheOutboxDrain() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        #expect(s.handle(.started, now: t0, random: &random) == nil) // connecting already
        #expect(!s.state.maySend)
        #expect(s.due(now: t0) == .probe)
        #expect(s.due(now: t0) == nil) // handed out once
        let change = s.handle(.gateway(.open), now: t0 + .seconds(1), random: &random)
        #expect(change == .init(from: .connecting, to: .open, reason: nil))
        #expect(s.state.maySend)
        #expect(s.failures == 0)
    }

    @Test func transientCloseReconnectsWithGrowingJitteredBackoff() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        var now = t0
        var delays: [Duration] = []
        for attempt in 1...8 {
            let change = s.handle(.gateway(.close(reason: 428)), now: now, random: &random)
            if attempt == 1 { #expect(change == .init(from: .open, to: .connecting, reason: 428)) }
            #expect(s.failures == attempt)
            let at = try! #require(s.scheduled).at
            #expect(s.scheduled?.action == .reconnect)
            let delay = now.duration(to: at)
            #expect(delay >= .zero && delay <= policy.backoff.ceiling(attempt: attempt))
            delays.append(delay)
            #expect(s.due(now: at - .milliseconds(1)) == nil)
            #expect(s.due(now: at) == .reconnect)
            now = at
        }
        // Full jitter: not a fixed sequence, and the ceiling grows to the cap.
        #expect(Set(delays).count == delays.count)
        #expect(policy.backoff.ceiling(attempt: 8) == .seconds(60))
        s.handle(.gateway(.open), now: now, random: &random)
        #expect(s.failures == 0)
        #expect(s.scheduled == nil)
    }

    @Test func loggedOutIsNeverRetried() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        let change = s.handle(.gateway(.close(reason: 401)), now: t0, random: &random)
        #expect(change == .init(from: .open, to: .loggedOut, reason: 401))
        // Whatever follows from the gateway, over a day, no action is handed out.
        var actions = 0
        var now = t0
        for i in 0..<1440 {
            now = now + .seconds(60)
            if i % 3 == 0 { s.handle(.gateway(.close(reason: 428)), now: now, random: &random) }
            if i % 5 == 0 { s.handle(.unreachable, now: now, random: &random) }
            if i % 7 == 0 { s.handle(.gateway(.connecting), now: now, random: &random) }
            if s.due(now: now) != nil { actions += 1 }
        }
        #expect(actions == 0)
        #expect(s.state == .loggedOut)
        #expect(s.nextWake == nil)
        // A new pairing: a QR code shown, then scanned.
        s.handle(.pairingRequested, now: now, random: &random)
        #expect(s.due(now: now) == .reconnect)
        s.handle(.qrCode(PairingCode(code: "2@abc")), now: now, random: &random)
        #expect(s.state == .needsPairing)
        #expect(s.pairing?.code == "2@abc")
        s.handle(.gateway(.open), now: now, random: &random)
        #expect(s.state == .open)
        #expect(s.pairing == nil)
    }

    @Test func forbiddenCodesAreStopsLikeLoggedOut() {
        for code in [401, 402, 403, 406] { #expect(SessionCloseKind(code: code) == .loggedOut) }
        #expect(SessionCloseKind(code: 440) == .replaced)
        for code in [408, 411, 428, 500, 503, 515, nil] { #expect(SessionCloseKind(code: code) == .transient) }
    }

    @Test func replacedStopsAndIsNeverFought() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        #expect(s.handle(.gateway(.close(reason: 440)), now: t0, random: &random)?.to == .replaced)
        s.handle(.gateway(.close(reason: 428)), now: t0, random: &random)
        s.handle(.unreachable, now: t0, random: &random)
        #expect(s.state == .replaced)
        #expect(s.due(now: t0 + .seconds(86_400)) == nil)
    }

    @Test func silentOpenSessionIsProbedAndAZombieReconnects() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        s.handle(.activity, now: t0 + .seconds(100), random: &random)
        #expect(s.due(now: t0 + .seconds(200)) == nil) // heard 100 s ago
        #expect(s.nextWake == t0 + .seconds(220))
        #expect(s.due(now: t0 + .seconds(220)) == .probe)
        #expect(s.due(now: t0 + .seconds(400)) == nil) // one probe at a time
        // The probe finds the session closed: a zombie.
        let change = s.handle(.gateway(.close(reason: nil)), now: t0 + .seconds(221), random: &random)
        #expect(change?.to == .connecting)
        #expect(s.scheduled?.action == .reconnect)
        // A healthy answer instead just resets the silence.
        var h = SessionSupervisor(policy: policy, now: t0)
        h.handle(.gateway(.open), now: t0, random: &random)
        #expect(h.due(now: t0 + .seconds(120)) == .probe)
        #expect(h.handle(.gateway(.open), now: t0 + .seconds(121), random: &random) == nil)
        #expect(h.nextWake == t0 + .seconds(241))
    }

    @Test func gatewayGoneHoldsAndProbesWithBackoffUntilBack() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        var now = t0
        for attempt in 1...5 {
            s.handle(.unreachable, now: now, random: &random)
            #expect(s.state == .connecting)
            #expect(!s.state.maySend)
            #expect(s.failures == attempt)
            let next = try! #require(s.scheduled)
            #expect(next.action == .probe)
            now = next.at
            #expect(s.due(now: now) == .probe)
        }
        #expect(s.handle(.gateway(.open), now: now, random: &random)?.to == .open)
    }

    @Test func qrLimitNeedsPairingAndConnectingKeepsTheQR() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.started, now: t0, random: &random)
        s.handle(.qrCode(PairingCode(code: "q1")), now: t0, random: &random)
        s.handle(.qrCode(PairingCode(code: "q2", pairingCode: "WZYEH1YY")), now: t0, random: &random)
        #expect(s.pairing == PairingCode(code: "q2", pairingCode: "WZYEH1YY"))
        s.handle(.gateway(.connecting), now: t0, random: &random)
        #expect(s.state == .needsPairing)
        #expect(s.scheduled == nil)
        s.handle(.gateway(.refused), now: t0, random: &random)
        #expect(s.state == .needsPairing)
        #expect(s.pairing == nil)
        #expect(s.due(now: t0 + .seconds(3600)) == nil)
    }

    @Test func closedIsFinal() {
        var random = TestRandom(seed: 7)
        var s = SessionSupervisor(policy: policy, now: t0)
        s.handle(.gateway(.open), now: t0, random: &random)
        #expect(s.handle(.shutdown, now: t0, random: &random)?.to == .closed)
        s.handle(.gateway(.open), now: t0, random: &random)
        s.handle(.pairingRequested, now: t0, random: &random)
        #expect(s.state == .closed)
        #expect(s.due(now: t0 + .seconds(3600)) == nil)
    }

    @Test func gatewayStateWords() {
        #expect(GatewayConnection(state: "open", reason: nil) == .open)
        #expect(GatewayConnection(state: "close", reason: 401) == .close(reason: 401))
        #expect(GatewayConnection(state: "refused", reason: nil) == .refused)
        #expect(GatewayConnection(state: "", reason: nil) == nil)
    }
}

@Suite struct SendPacerTests {
    let t0 = ContinuousClock.now

    @Test func neverMoreThanTheRateInAnyMinuteAndGapsVary() {
        var random = TestRandom(seed: 3)
        var p = SendPacer(perMinute: 20)
        var sends: [ContinuousClock.Instant] = []
        var now = t0
        // A backlog that always wants out, asking again the moment it is told to.
        while now < t0 + .seconds(600) {
            switch p.acquire(now: now, random: &random) {
            case .now: sends.append(now)
            case .waitUntil(let t): now = t
            }
        }
        for (i, s) in sends.enumerated() {
            let inMinute = sends[i...].prefix { $0 < s + .seconds(60) }.count
            #expect(inMinute <= 20)
        }
        let gaps = zip(sends, sends.dropFirst()).map { $0.duration(to: $1) }
        #expect(gaps.allSatisfy { $0 >= .seconds(3) && $0 <= .milliseconds(4501) })
        #expect(Set(gaps).count > gaps.count / 2)
        #expect(sends.count >= 150) // the pace is kept (a mean gap of 3.75 s), not starved
    }

    @Test func noBurstAfterAReconnect() {
        var random = TestRandom(seed: 5)
        var p = SendPacer(perMinute: 60)
        #expect(p.acquire(now: t0, random: &random) == .now)
        // Down for ten minutes with a backlog; then the session opens again.
        let back = t0 + .seconds(600)
        p.reconnected(now: back, random: &random)
        guard case .waitUntil(let first) = p.acquire(now: back, random: &random) else {
            Issue.record("sent at once after a reconnect"); return
        }
        #expect(first >= back + .seconds(1))
        #expect(p.acquire(now: first, random: &random) == .now)
        guard case .waitUntil(let second) = p.acquire(now: first, random: &random) else {
            Issue.record("two sends at once"); return
        }
        #expect(second >= first + .seconds(1))
    }
}
