import CSwitchboardPlugin
import Foundation

/// One inbound message, as the host passed it to `handle`. A view over host memory:
/// valid only during the `handle` call that received it (do not store it). Fields are
/// decoded when read.
public struct IncomingMessage {
    let raw: UnsafePointer<sb_message>
    let call: OpaquePointer?
    let host: UnsafePointer<sb_host>

    init(raw: UnsafePointer<sb_message>, call: OpaquePointer?, host: UnsafePointer<sb_host>) {
        self.raw = raw
        self.call = call
        self.host = host
    }

    public var workspaceID: String { String(raw.pointee.workspace_id) }
    public var channelID: String { String(raw.pointee.channel_id) }
    public var conversationID: String { String(raw.pointee.conversation_id) }
    public var messageID: String { String(raw.pointee.message_id) }
    /// The customer's number in E.164 ("+2348031234567"); empty on channels without one.
    public var senderE164: String { String(raw.pointee.sender_e164) }
    /// The profile name the customer set; may be empty.
    public var senderName: String { String(raw.pointee.sender_name) }
    /// The text, or the caption of media; may be empty.
    public var text: String { String(raw.pointee.text) }
    /// "text", "image", "audio", ... (the host's message kinds).
    public var kind: String { String(raw.pointee.kind) }
    /// "bot", "human" or "resolved".
    public var conversationState: String { String(raw.pointee.conversation_state) }
    /// When the customer sent it.
    public var timestamp: Date { Date(timeIntervalSince1970: Double(raw.pointee.timestamp_ms) / 1000) }
    /// Earlier inbound messages in a row of this conversation that no responder
    /// answered (0 after any reply).
    public var unansweredTurns: Int { Int(raw.pointee.unanswered_turns) }

    /// One earlier message of the conversation.
    public struct HistoryEntry: Sendable, Equatable {
        public var inbound: Bool
        public var kind: String
        public var text: String
        public var author: String
        public var timestamp: Date
    }

    /// Up to `limit` earlier messages of the conversation, oldest first (a store read:
    /// ask only when needed).
    public func history(limit: Int) throws -> [HistoryEntry] {
        final class Sink { var entries: [HistoryEntry] = [] }
        let sink = Sink()
        let visitor: sb_history_visitor = { user, entry in
            guard let user, let e = entry else { return 1 }
            let s = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            s.entries.append(HistoryEntry(
                inbound: String(e.pointee.direction) == "inbound",
                kind: String(e.pointee.kind),
                text: String(e.pointee.text),
                author: String(e.pointee.author),
                timestamp: Date(timeIntervalSince1970: Double(e.pointee.timestamp_ms) / 1000)))
            return 0
        }
        let status = withExtendedLifetime(sink) {
            host.pointee.history(call, UInt32(clamping: max(0, limit)), visitor, Unmanaged.passUnretained(sink).toOpaque())
        }
        if status != SB_OK { throw PluginError.host(status, "history") }
        return sink.entries
    }
}
