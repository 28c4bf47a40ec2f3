/// What happened on a channel, driving its state.
public enum ChannelSignal: String, Sendable, CaseIterable {
    case callSucceeded, retryableFailure, authFailure, credentialsReplaced, shutdown
    /// A live session's supervisor moved (`SessionState`): the channel takes its state.
    case sessionConnecting, sessionOpen, sessionNeedsPairing, sessionLoggedOut, sessionReplaced
    /// A live session's gateway or credentials were replaced (a config reload): the
    /// session starts over, connecting, whatever it was (even `authFailed`: the refused
    /// credentials are gone). Nothing is sent until the new session is open.
    case sessionRestarted
}

extension ChannelState {
    /// The one table of channel transitions. Once stopped, a channel stays stopped; once
    /// its credentials were refused it stays `authFailed` until they are replaced, whatever
    /// else happens (a success with the old token is impossible, a retryable error does
    /// not hide the auth problem).
    public func applying(_ signal: ChannelSignal) -> ChannelState {
        switch (self, signal) {
        case (.stopped, _): return .stopped
        case (_, .shutdown): return .stopped
        case (_, .sessionRestarted): return .connecting
        case (.authFailed, .credentialsReplaced): return .starting
        case (.authFailed, _): return .authFailed
        case (_, .authFailure): return .authFailed
        // A session's own state is set by its supervisor only: a send that succeeds or
        // fails while it is not open (one in flight when it dropped) changes nothing.
        case (_, .sessionConnecting): return .connecting
        case (_, .sessionOpen): return .connected
        case (_, .sessionNeedsPairing): return .needsPairing
        case (_, .sessionLoggedOut): return .loggedOut
        case (_, .sessionReplaced): return .replaced
        case (.connecting, _), (.needsPairing, _), (.loggedOut, _), (.replaced, _): return self
        case (_, .callSucceeded): return .connected
        case (_, .retryableFailure): return .degraded
        case (_, .credentialsReplaced): return self
        }
    }

    /// Whether the channel's sender may call the provider.
    public var maySend: Bool { self == .starting || self == .connected || self == .degraded }
}
