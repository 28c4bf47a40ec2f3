import Testing
@testable import SwitchboardCore

@Suite struct ChannelStateTests {
    @Test func successAndFailureMoveBetweenConnectedAndDegraded() {
        #expect(ChannelState.starting.applying(.callSucceeded) == .connected)
        #expect(ChannelState.connected.applying(.retryableFailure) == .degraded)
        #expect(ChannelState.degraded.applying(.callSucceeded) == .connected)
    }

    @Test func authFailureHoldsUntilCredentialsAreReplaced() {
        let s = ChannelState.connected.applying(.authFailure)
        #expect(s == .authFailed)
        #expect(!s.maySend)
        #expect(s.applying(.retryableFailure) == .authFailed)
        #expect(s.applying(.callSucceeded) == .authFailed)
        #expect(s.applying(.credentialsReplaced) == .starting)
        #expect(s.applying(.credentialsReplaced).maySend)
    }

    @Test func stoppedIsFinal() {
        for sig in ChannelSignal.allCases { #expect(ChannelState.stopped.applying(sig) == .stopped) }
        #expect(ChannelState.degraded.applying(.shutdown) == .stopped)
    }
}
