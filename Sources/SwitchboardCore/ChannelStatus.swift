import Foundation

/// A channel's last known state, as the host that runs it recorded it (for
/// `switchboard channels` and anything else outside that process).
public struct ChannelStatus: Sendable, Equatable {
    public var channel: ChannelID
    public var state: ChannelState
    /// Why the channel entered the state (the provider's error), when it says.
    public var reason: String?
    /// When it entered the state.
    public var since: Date

    public init(channel: ChannelID, state: ChannelState, reason: String?, since: Date) {
        self.channel = channel
        self.state = state
        self.reason = reason
        self.since = since
    }

    /// Whether admins must act or wait: sending is paused or failing.
    public var isDown: Bool {
        switch state {
        case .authFailed, .degraded, .stopped, .needsPairing, .loggedOut, .replaced: true
        // A live session reconnecting holds its outbox too, but heals by itself in
        // seconds; it shows as down only once it keeps failing (`degraded` is not set for
        // sessions, so `connecting` is listed, not bannered).
        case .starting, .connected, .connecting: false
        }
    }
}
