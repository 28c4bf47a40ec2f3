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

    /// The media of a message (image, audio, video, document, sticker).
    public struct Media: Sendable, Equatable {
        /// As the provider reported it ("image/jpeg", "audio/ogg; codecs=opus").
        public var mimeType: String
        public var bytes: [UInt8]
    }

    /// Downloads the message's media (at most 16 MiB), or nil when the message has none
    /// (a text, a location). Blocks while it downloads, and the time counts against the
    /// plugin's deadline: give a plugin that reads media a `deadline_ms` of several
    /// seconds. A second call in the same `handle` gets the bytes the host kept.
    /// Throws a retryable `PluginError` when the provider fails for now, a permanent one
    /// when it refuses (expired, too large) or the host is older than ABI 1.1; the host
    /// adds its reason when it journals the failure.
    public func media() throws -> Media? {
        guard host.pointee.abi_minor >= 1, let fetch = host.pointee.media else {
            throw PluginError.permanent("media: this host (ABI \(host.pointee.abi_major).\(host.pointee.abi_minor)) cannot give media; it needs ABI 1.1")
        }
        final class Sink { var media: Media? }
        let sink = Sink()
        let visitor: sb_media_visitor = { user, media in
            guard let user, let m = media else { return }
            let bytes = m.pointee.bytes.map { Array(UnsafeBufferPointer(start: $0, count: m.pointee.len)) } ?? []
            Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue().media = Media(mimeType: String(m.pointee.mime_type), bytes: bytes)
        }
        let status = withExtendedLifetime(sink) {
            fetch(call, visitor, Unmanaged.passUnretained(sink).toOpaque())
        }
        switch status {
        case SB_OK: return sink.media
        case SB_ERR_NOT_FOUND: return nil
        case SB_ERR_RETRYABLE: throw PluginError.retryable("media: the provider could not give it for now")
        case SB_ERR_PERMANENT: throw PluginError.permanent("media: the provider refused it, or it is over 16 MiB")
        default: throw PluginError.host(status, "media")
        }
    }

    /// Adds an event to the workspace's journal for this message (ABI 1.3), committed
    /// with the chain's verdict (also when this plugin passes): `event` is 1-64 bytes of
    /// [a-z0-9_.]; at most 16 fields (keys 1-64 bytes, values at most 1024 bytes) and 16
    /// events per message. Never put secrets or the customer's words in it. False when
    /// the host refused it or is older than ABI 1.3 (then nothing happens).
    @discardableResult
    public func journal(_ event: String, _ fields: [String: String] = [:]) -> Bool {
        guard host.pointee.abi_minor >= 3, let journal = host.pointee.journal else { return false }
        return withSBStr(event) { e in
            withSBFields(fields) { journal(call, e, $0.baseAddress, $0.count) }
        } == SB_OK
    }
}
