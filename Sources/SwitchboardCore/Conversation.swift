import Foundation

/// One contact talking to a workspace on one channel. There is at most one conversation
/// per (workspace, channel, contact); `state` says who answers it (see `ConversationState`).
public struct Conversation: Sendable, Codable, Equatable {
    public var id: ConversationID
    public var workspaceID: WorkspaceID
    public var channelID: ChannelID
    public var contactID: ContactID
    public var state: ConversationState
    /// The agent it is assigned to, if any.
    public var assignedTo: String?
    /// When the contact last wrote: WhatsApp's 24-hour customer-service window starts here.
    public var lastInboundAt: Date?
    public var createdAt: Date
    /// Last activity (a message in either direction, a state change, an assignment).
    public var updatedAt: Date

    public init(
        id: ConversationID, workspaceID: WorkspaceID, channelID: ChannelID, contactID: ContactID,
        state: ConversationState, assignedTo: String?, lastInboundAt: Date?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.channelID = channelID
        self.contactID = contactID
        self.state = state
        self.assignedTo = assignedTo
        self.lastInboundAt = lastInboundAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
