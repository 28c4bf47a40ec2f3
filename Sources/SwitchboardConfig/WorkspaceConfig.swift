import Foundation
import SwitchboardCore

/// One workspace file, `config/workspaces/ID.yaml`: one business.
public struct WorkspaceConfig: Sendable {
    public var id: WorkspaceID
    public var name: String
    /// ISO 3166 alpha-2 default region for phone numbers.
    public var region: String
    public var timeZone: TimeZone
    /// Senders as written in the file.
    public var rawSenders: [String]
    /// Senders normalised to E.164 by the loader's sender normaliser, in file order.
    public var senders: [String]
    /// Sent when no responder answers; nil for no reply.
    public var fallback: String?
    public var markRead: Bool
    /// Bursts: messages of one customer each within this many milliseconds of the next
    /// are answered once, together (0: off).
    public var debounceMilliseconds: Int = 0
    /// Data care: message content (text, payload) older than this many days is deleted by
    /// a background sweep; nil keeps it forever.
    public var retentionDays: Double? = nil
    /// The web chat page's language (`chat_language`); nil: the visitor's browser's.
    public var chatLanguage: String? = nil
    /// Days the media store keeps this workspace's files; nil keeps them for ever.
    public var mediaRetentionDays: Int? = nil
    /// The channels this workspace's own file defines (`channels:`), each routed to it;
    /// `LoadedConfig.host.channels` holds them too, after the host's own.
    public var channels: [ChannelConfig] = []
    /// The responder chain, in order.
    public var plugins: [PluginConfig]
    /// The file this was read from.
    public var file: String
}
