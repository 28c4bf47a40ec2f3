import SwitchboardCore

/// Each channel's last recorded state (host-wide: a channel may serve several
/// workspaces). Written by the host that runs the channel on every change; read by
/// `switchboard channels`.
public protocol ChannelStatusRepository: Sendable {
    /// Records `status` as the channel's current state (replacing the last one).
    func record(_ status: ChannelStatus) throws
    /// Every recorded channel, by id.
    func all() throws -> [ChannelStatus]
}
