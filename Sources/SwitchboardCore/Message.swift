import Foundation

/// A stored message of a conversation, inbound or outbound. `providerMessageID` is the
/// provider's id (`wamid...`): set on arrival for inbound messages, once the provider
/// accepted it for outbound ones. `status` is the delivery status of outbound messages;
/// inbound messages and notes have none.
public struct Message: Sendable, Codable, Equatable {
    public var id: MessageID
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var channelID: ChannelID
    public var direction: MessageDirection
    public var kind: MessageKind
    public var text: String?
    public var providerMessageID: String?
    public var status: DeliveryStatus?
    /// The provider's error code and title when the message failed.
    public var errorCode: String?
    public var errorTitle: String?
    /// The provider's raw JSON for anything that is not plain text (media, location, ...).
    public var payloadJSON: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: MessageID, workspaceID: WorkspaceID, conversationID: ConversationID, channelID: ChannelID,
        direction: MessageDirection, kind: MessageKind, text: String?, providerMessageID: String?,
        status: DeliveryStatus?, errorCode: String?, errorTitle: String?, payloadJSON: String?,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.conversationID = conversationID
        self.channelID = channelID
        self.direction = direction
        self.kind = kind
        self.text = text
        self.providerMessageID = providerMessageID
        self.status = status
        self.errorCode = errorCode
        self.errorTitle = errorTitle
        self.payloadJSON = payloadJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
