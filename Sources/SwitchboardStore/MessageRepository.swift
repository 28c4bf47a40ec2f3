import Foundation
import SwitchboardCore

/// The messages of one workspace.
public protocol MessageRepository: Sendable {
    /// Stores an inbound message, deduplicated on (channel, provider message id): a
    /// message already stored returns `.duplicate` with its id and changes nothing. The
    /// channel is the conversation's. Also sets the conversation's `lastInboundAt` and
    /// `updatedAt`. Fails with `notFound` for a conversation of another workspace, and
    /// with `conflict` if the provider id is stored in another workspace.
    func insertInbound(_ message: NewInboundMessage) throws -> InboundInsert
    /// Stores an outbound message in status `queued` (a `note` gets no status: it is
    /// never sent), on the conversation's channel, and bumps the conversation's `updatedAt`.
    func insertOutbound(_ message: NewOutboundMessage) throws -> Message
    func get(_ id: MessageID) throws -> Message?
    /// The message with this provider id on this channel, if it is this workspace's.
    func find(channel: ChannelID, providerMessageID: String) throws -> Message?
    /// Applies a delivery report by provider message id (a status webhook). The status
    /// moves only through `DeliveryStatus.advanced(to:)`, so it never goes backwards.
    /// An error code/title given with the report is stored when the status is `failed`.
    /// Returns nil when no message of this workspace has that provider id.
    func updateStatus(channel: ChannelID, providerMessageID: String, to status: DeliveryStatus, errorCode: String?, errorTitle: String?) throws -> StatusUpdate?
    /// Records an attempt's outcome by our id (the outbox sender): the new status
    /// (through `advanced(to:)`), the provider id once the provider accepted the message,
    /// and the error of a failure. Fails with `notFound` for an unknown id. A provider id
    /// that another message of the channel already holds is not stored (the message keeps
    /// its own id, and the status is recorded); the result's `collision` says so.
    func recordSend(_ id: MessageID, status: DeliveryStatus, providerMessageID: String?, errorCode: String?, errorTitle: String?) throws -> StatusUpdate
    /// Messages of a conversation, oldest first; `after` is a message id cursor
    /// (exclusive) to read further.
    func list(conversation: ConversationID, after: MessageID?, limit: Int) throws -> [Message]
    /// The newest `limit` messages of a conversation stored before the message `before`
    /// (exclusive; nil: the newest of all), oldest first: a conversation read backwards,
    /// a page at a time (the inbox's "older messages"). Fails with `notFound` when
    /// `before` is not a message of this workspace.
    func tail(conversation: ConversationID, before: MessageID?, limit: Int) throws -> [Message]
    /// Full-text search over message text, best match first. `query` is plain words
    /// (every word must occur, prefixes not expanded); no search syntax is interpreted.
    /// A search only reads: the index is brought up to date in the background (see
    /// `SQLiteStore.indexNewMessages`), so a message is found once that has run, at most
    /// `SQLiteStore.indexInterval` (200 ms) plus one commit after it was stored.
    func search(_ query: String, limit: Int) throws -> [Message]
    /// For each conversation, the number of inbound messages stored after its last
    /// outbound message that is not a note (a note is never sent, so it answers nobody):
    /// what the inbox shows as unread. Conversations with none, or not of this workspace,
    /// are absent from the result.
    func unreadCounts(_ conversations: [ConversationID]) throws -> [ConversationID: Int]
}

public struct NewInboundMessage: Sendable, Equatable {
    public var conversationID: ConversationID
    /// The provider's id (`wamid...`): the deduplication key, per channel.
    public var providerMessageID: String
    public var kind: MessageKind
    public var text: String?
    public var payloadJSON: String?

    public init(conversationID: ConversationID, providerMessageID: String, kind: MessageKind, text: String?, payloadJSON: String? = nil) {
        self.conversationID = conversationID
        self.providerMessageID = providerMessageID
        self.kind = kind
        self.text = text
        self.payloadJSON = payloadJSON
    }
}

public struct NewOutboundMessage: Sendable, Equatable {
    public var conversationID: ConversationID
    public var kind: MessageKind
    public var text: String?
    public var payloadJSON: String?

    public init(conversationID: ConversationID, kind: MessageKind, text: String?, payloadJSON: String? = nil) {
        self.conversationID = conversationID
        self.kind = kind
        self.text = text
        self.payloadJSON = payloadJSON
    }
}

public enum InboundInsert: Sendable, Equatable {
    case inserted(Message)
    /// Already stored: the id of the message stored the first time.
    case duplicate(MessageID)
}

public struct StatusUpdate: Sendable, Equatable {
    /// The message after the update.
    public let message: Message
    public let previous: DeliveryStatus?
    /// Set when the provider id given to `recordSend` was already another message's on
    /// the channel: it was not stored on this one (delivery reports for it keep going to
    /// the message that had it first).
    public var collision: ProviderIDCollision? = nil
    /// False when the report was stale (e.g. `delivered` after `read`) and nothing changed.
    public var changed: Bool { previous != message.status }
}

/// A provider id that `recordSend` could not store because another message of the
/// channel already holds it.
public struct ProviderIDCollision: Sendable, Equatable {
    public let providerMessageID: String
    /// The message holding it, when it is of the same workspace (nil: another workspace's,
    /// whose ids are not told).
    public let heldBy: MessageID?

    public init(providerMessageID: String, heldBy: MessageID?) {
        self.providerMessageID = providerMessageID
        self.heldBy = heldBy
    }
}
