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

    /// A reload that replaces a live session's gateway or credentials starts the session
    /// over from any state but stopped, and holds the outbox until the new one is open.
    @Test func aRestartedSessionConnectsAgainFromAnyState() {
        for s in ChannelState.allCases where s != .stopped {
            #expect(s.applying(.sessionRestarted) == .connecting, "\(s)")
        }
        #expect(!ChannelState.connecting.maySend)
        #expect(ChannelState.authFailed.applying(.sessionRestarted).applying(.sessionOpen) == .connected)
    }

    @Test func stoppedIsFinal() {
        for sig in ChannelSignal.allCases { #expect(ChannelState.stopped.applying(sig) == .stopped) }
        #expect(ChannelState.degraded.applying(.shutdown) == .stopped)
    }
}

@Suite struct ChannelSessionStateTests {
    @Test func sessionStatesHoldTheOutboxAndOnlyTheSupervisorMovesThem() {
        for held in [ChannelState.connecting, .needsPairing, .loggedOut, .replaced] {
            #expect(!held.maySend)
            // A send finishing after the session dropped does not reopen it.
            #expect(held.applying(.callSucceeded) == held)
            #expect(held.applying(.retryableFailure) == held)
            #expect(held.applying(.sessionOpen) == .connected)
            #expect(held.applying(.shutdown) == .stopped)
        }
        #expect(ChannelState.connected.applying(.sessionLoggedOut) == .loggedOut)
        #expect(ChannelState.starting.applying(.sessionConnecting) == .connecting)
        #expect(ChannelState.authFailed.applying(.sessionOpen) == .authFailed)
        for s in SessionState.allCases where s != .closed {
            #expect(ChannelState.connected.applying(s.channelSignal).rawValue == (s == .open ? "connected" : s.rawValue))
        }
    }
}
