import SwitchboardCore

/// The journal of one workspace.
public protocol EventRepository: Sendable {
    func append(_ event: NewEvent) throws -> Event
    /// Events in journal order (ascending id), after the cursor `after` (exclusive; nil
    /// from the start), optionally of one conversation only. To follow the journal, call
    /// again with the last id seen.
    func list(conversation: ConversationID?, after: Int64?, limit: Int) throws -> [Event]
    /// The last `limit` events, in journal order: where `events --follow` starts.
    func tail(conversation: ConversationID?, limit: Int) throws -> [Event]
    /// The last `limit` events before the id `before` (exclusive; nil: the newest), in
    /// journal order: the journal read backwards, a page at a time.
    func tail(conversation: ConversationID?, before: Int64?, limit: Int) throws -> [Event]
}

extension EventRepository {
    public func tail(conversation: ConversationID?, limit: Int) throws -> [Event] {
        try tail(conversation: conversation, before: nil, limit: limit)
    }
}

public struct NewEvent: Sendable, Equatable {
    public var kind: EventKind
    public var conversationID: ConversationID?
    public var messageID: MessageID?
    public var channelID: ChannelID?
    /// A JSON object; `{}` when there is nothing to add.
    public var detailJSON: String

    public init(
        _ kind: EventKind, conversation: ConversationID? = nil, message: MessageID? = nil,
        channel: ChannelID? = nil, detail: [String: String] = [:]
    ) {
        self.kind = kind
        self.conversationID = conversation
        self.messageID = message
        self.channelID = channel
        self.detailJSON = EventDetail.json(detail)
    }

    public init(
        _ kind: EventKind, conversation: ConversationID? = nil, message: MessageID? = nil,
        channel: ChannelID? = nil, detailJSON: String
    ) {
        self.kind = kind
        self.conversationID = conversation
        self.messageID = message
        self.channelID = channel
        self.detailJSON = detailJSON
    }
}
