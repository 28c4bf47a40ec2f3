import CSwitchboardPlugin
import Foundation
import SwitchboardCore

/// A `PluginMessage` laid out once as the `sb_message` view plugins receive (one
/// allocation for all its strings), shared by every plugin of a chain run. Immutable;
/// it lives as long as any call using it, including a call past its deadline.
public final class PreparedPluginMessage: @unchecked Sendable {
    public let message: PluginMessage
    private let arena: StringArena
    let view: UnsafeMutablePointer<sb_message>
    /// The message's media, downloaded once for all the calls of the run; nil: none.
    let media: MessageMedia?

    public init(_ message: PluginMessage, unansweredTurns: Int = 0) {
        self.message = message
        media = message.media.map(MessageMedia.init)
        arena = StringArena([
            message.workspace.rawValue, message.channel.rawValue, message.conversation.rawValue,
            message.message.rawValue, message.senderE164, message.senderName, message.text,
            message.kind.rawValue, message.conversationState.rawValue,
        ])
        let v = arena.views
        view = .allocate(capacity: 1)
        view.initialize(to: sb_message(
            struct_size: UInt32(MemoryLayout<sb_message>.size),
            unanswered_turns: UInt32(clamping: unansweredTurns),
            workspace_id: v[0], channel_id: v[1], conversation_id: v[2], message_id: v[3],
            sender_e164: v[4], sender_name: v[5], text: v[6], kind: v[7], conversation_state: v[8],
            timestamp_ms: Int64((message.timestamp.timeIntervalSince1970 * 1000).rounded(.down))))
    }

    deinit {
        view.deinitialize(count: 1)
        view.deallocate()
    }
}
