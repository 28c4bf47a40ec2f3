import Foundation

/// A committed inbound message waiting for the responder chain. Created in the same
/// transaction as the message (so acknowledging a webhook means the work is durable) and
/// deleted in the same transaction as the chain's outcome.
public struct InboundJob: Sendable, Equatable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var messageID: MessageID
    /// When the webhook carrying the message arrived: the start of webhook-to-reply latency.
    public var receivedAt: Date
    /// The message, its sender and its conversation as the ingress stored them, handed to
    /// the worker in memory so that it need not read them back (an inbound message never
    /// changes; the conversation is read again unless the job was handed on before its
    /// commit, when the store could not show it yet). Nil for jobs reloaded from the
    /// store after a restart: the worker reads them.
    public var stored: (message: Message, contact: Contact, conversation: Conversation)?

    public init(id: Int64, workspaceID: WorkspaceID, conversationID: ConversationID, messageID: MessageID, receivedAt: Date,
                stored: (message: Message, contact: Contact, conversation: Conversation)? = nil) {
        self.id = id; self.workspaceID = workspaceID; self.conversationID = conversationID
        self.messageID = messageID; self.receivedAt = receivedAt; self.stored = stored
    }

    public static func == (a: InboundJob, b: InboundJob) -> Bool {
        a.id == b.id && a.workspaceID == b.workspaceID && a.conversationID == b.conversationID
            && a.messageID == b.messageID && a.receivedAt == b.receivedAt
            && a.stored?.message == b.stored?.message && a.stored?.contact == b.stored?.contact
            && a.stored?.conversation == b.stored?.conversation
    }
}

/// What an outbox entry asks the provider to do.
public enum OutboxKind: String, Sendable, Codable {
    /// Send the message `messageID` (its text and buttons are in `bodyJSON`).
    case send
    /// Mark the inbound message `messageID` as read.
    case markRead = "mark_read"
}

/// An entry of the durable outbox: one call to the provider, retried until it is sent or
/// fails for good. Entries of one conversation go out in id order.
public struct OutboxItem: Sendable, Equatable {
    public enum State: String, Sendable, Codable { case queued, sending }

    public var id: Int64
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var messageID: MessageID
    public var channelID: ChannelID
    /// The provider's address of the customer (WhatsApp: `wa_id` digits).
    public var recipient: String
    public var kind: OutboxKind
    /// What the sender needs to build the provider call (channel-specific JSON).
    public var bodyJSON: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    /// When the inbound message this answers arrived, if it answers one.
    public var receivedAt: Date?
    public var createdAt: Date
    /// The customer's last message in the conversation, read with the entry when it is
    /// claimed (the 24-hour window is checked before the provider is called); nil when
    /// the customer never wrote, or the entry was not read by a claim.
    public var conversationLastInboundAt: Date?
    /// Which claim of the entry this is (1 for the first; 0 before any). A claim holds
    /// the entry until `leaseUntil`; past that, another claim may take it again, and the
    /// older claim's retries and releases no longer apply (`QueueRepository.retryOutbox`).
    public var claim: Int64
    /// When the current claim's lease runs out (nil while `queued`).
    public var leaseUntil: Date?

    public init(id: Int64, workspaceID: WorkspaceID, conversationID: ConversationID, messageID: MessageID,
                channelID: ChannelID, recipient: String, kind: OutboxKind, bodyJSON: String, state: State,
                attempts: Int, nextAttemptAt: Date, lastError: String?, receivedAt: Date?, createdAt: Date,
                conversationLastInboundAt: Date? = nil, claim: Int64 = 0, leaseUntil: Date? = nil) {
        self.id = id; self.workspaceID = workspaceID; self.conversationID = conversationID
        self.messageID = messageID; self.channelID = channelID; self.recipient = recipient; self.kind = kind
        self.bodyJSON = bodyJSON; self.state = state; self.attempts = attempts; self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError; self.receivedAt = receivedAt; self.createdAt = createdAt
        self.conversationLastInboundAt = conversationLastInboundAt
        self.claim = claim; self.leaseUntil = leaseUntil
    }
}

/// A message no workspace could take: its channel is unknown (a `phone_number_id` no
/// channel has) or, on a shared channel, its sender is nobody's and there is no fallback.
/// Held for an admin, never dropped.
public struct UnroutedMessage: Sendable, Equatable {
    public var id: Int64
    /// The channel, when it is known.
    public var channelID: ChannelID?
    /// The provider's address of our side (WhatsApp: `phone_number_id`).
    public var providerAddress: String
    public var providerMessageID: String
    public var sender: String?
    public var reason: String
    public var payloadJSON: String
    public var createdAt: Date

    public init(id: Int64, channelID: ChannelID?, providerAddress: String, providerMessageID: String,
                sender: String?, reason: String, payloadJSON: String, createdAt: Date) {
        self.id = id; self.channelID = channelID; self.providerAddress = providerAddress
        self.providerMessageID = providerMessageID; self.sender = sender; self.reason = reason
        self.payloadJSON = payloadJSON; self.createdAt = createdAt
    }
}
