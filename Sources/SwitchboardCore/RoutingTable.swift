/// Finds the workspace of an inbound message (DESIGN.md, "The path of a message", step 4).
///
/// A channel either belongs to one workspace (recipient routing), or is shared: then the
/// workspace whose `senders` list holds the sender's E.164 number gets the message, else
/// the channel's fallback workspace, else the message is held as unrouted for an admin,
/// never dropped.
public struct RoutingTable: Sendable {
    public struct ChannelRoute: Sendable {
        public let channel: ChannelID
        /// The one workspace of this channel; nil on a shared channel.
        public let workspace: WorkspaceID?
        /// Shared channel: where senders nobody claims go.
        public let fallback: WorkspaceID?
        public init(channel: ChannelID, workspace: WorkspaceID?, fallback: WorkspaceID?) {
            self.channel = channel; self.workspace = workspace; self.fallback = fallback
        }
    }

    /// Why a message went where it went; journalled with the `routed` event.
    public enum Reason: String, Sendable {
        case recipient, sender, fallback
    }

    public enum Decision: Sendable, Equatable {
        case workspace(WorkspaceID, Reason)
        case unrouted(String)
    }

    private let channels: [ChannelID: ChannelRoute]
    private let senders: [String: WorkspaceID]

    /// `senders` maps each workspace to its senders' E.164 numbers. A number claimed by
    /// two workspaces is a config error reported before this table is built; here the
    /// first claim (in workspace id order) is kept so the result does not depend on
    /// dictionary order.
    public init(channels: [ChannelRoute], senders: [WorkspaceID: [String]]) {
        var byChannel: [ChannelID: ChannelRoute] = [:]
        for c in channels { byChannel[c.channel] = c }
        var bySender: [String: WorkspaceID] = [:]
        for ws in senders.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            for e164 in senders[ws]! where bySender[e164] == nil { bySender[e164] = ws }
        }
        self.channels = byChannel
        self.senders = bySender
    }

    public func route(channel: ChannelID, senderE164: String?) -> Decision {
        guard let c = channels[channel] else { return .unrouted("unknown channel \(channel)") }
        if let ws = c.workspace { return .workspace(ws, .recipient) }
        if let e164 = senderE164, let ws = senders[e164] { return .workspace(ws, .sender) }
        if let fb = c.fallback { return .workspace(fb, .fallback) }
        if senderE164 == nil { return .unrouted("sender has no phone number and the shared channel has no fallback_workspace") }
        return .unrouted("sender is in no workspace's senders list and the shared channel has no fallback_workspace")
    }
}
