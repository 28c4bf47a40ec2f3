import Foundation
import SwitchboardCore

/// One inbound message handed to a workspace's responder chain.
public struct PluginMessage: Sendable {
    public var workspace: WorkspaceID
    public var channel: ChannelID
    public var conversation: ConversationID
    public var message: MessageID
    /// The customer's number, E.164; empty on channels without numbers.
    public var senderE164: String
    /// The profile name the customer set; may be empty.
    public var senderName: String
    /// The text, or the caption of media; may be empty.
    public var text: String
    public var kind: MessageKind
    /// When the customer sent it.
    public var timestamp: Date
    public var conversationState: ConversationState
    /// Earlier messages of the conversation (not this one), oldest first, at most the
    /// given number; called on a plugin-pool thread, only if a plugin asks. Nil: no
    /// history to give.
    public var history: (@Sendable (Int) throws -> [PluginHistoryEntry])?
    /// Downloads the message's media (image, audio, video, document, sticker) for
    /// `host->media`; called on a plugin-pool thread, only if a plugin asks, at most once
    /// per chain run while it succeeds. Nil: the message has no media.
    public var media: PluginMediaSource?

    public init(
        workspace: WorkspaceID, channel: ChannelID, conversation: ConversationID, message: MessageID,
        senderE164: String = "", senderName: String = "", text: String, kind: MessageKind = .text,
        timestamp: Date, conversationState: ConversationState = .bot,
        history: (@Sendable (Int) throws -> [PluginHistoryEntry])? = nil,
        media: PluginMediaSource? = nil
    ) {
        self.workspace = workspace
        self.channel = channel
        self.conversation = conversation
        self.message = message
        self.senderE164 = senderE164
        self.senderName = senderName
        self.text = text
        self.kind = kind
        self.timestamp = timestamp
        self.conversationState = conversationState
        self.history = history
        self.media = media
    }
}

/// One earlier message of a conversation, as plugins see it.
public struct PluginHistoryEntry: Sendable, Equatable {
    public var direction: MessageDirection
    public var kind: MessageKind
    public var text: String
    /// Outbound: "bot" or "agent:<id>"; inbound: empty.
    public var author: String
    public var timestamp: Date

    public init(direction: MessageDirection, kind: MessageKind = .text, text: String, author: String = "", timestamp: Date) {
        self.direction = direction
        self.kind = kind
        self.text = text
        self.author = author
        self.timestamp = timestamp
    }
}
