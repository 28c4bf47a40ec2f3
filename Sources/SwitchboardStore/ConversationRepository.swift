import SwitchboardCore

/// The conversations of one workspace.
public protocol ConversationRepository: Sendable {
    /// The conversation of this contact on this channel, created in state `bot` if there
    /// is none. Fails with `notFound` if the contact is not one of this workspace's.
    func findOrCreate(channel: ChannelID, contact: ContactID) throws -> ConversationLookup
    func get(_ id: ConversationID) throws -> Conversation?
    /// The conversation of this contact on this channel, if there is one (creates nothing).
    func find(channel: ChannelID, contact: ContactID) throws -> Conversation?
    /// Most recently active first (`updatedAt`), optionally only those in `state`.
    func list(state: ConversationState?, limit: Int) throws -> [Conversation]
    /// One page of the conversations matching `filter`, most recently active first
    /// (`updatedAt` descending, then id descending), starting after `cursor` (nil: from the
    /// newest). The last conversation of a page, as `ListCursor(at: updatedAt, id:)`, is the
    /// cursor of the next one.
    func list(_ filter: ConversationFilter, after cursor: ListCursor?, limit: Int) throws -> [Conversation]
    /// Applies `trigger` through `ConversationState.applying`, stores the new state and,
    /// when the state changed, appends a `state_changed` event (detail: `from`, `to`,
    /// `trigger`, plus `extraDetail`) in the same transaction. A trigger the state machine
    /// refuses throws `invalidTransition` and changes nothing; an unknown id, `notFound`.
    func transition(_ id: ConversationID, _ trigger: ConversationTrigger, extraDetail: [String: String]) throws -> ConversationTransition
    /// Assigns the conversation to an agent (nil: unassigns) and journals `assigned`.
    func assign(_ id: ConversationID, to agent: String?) throws -> Conversation
}

extension ConversationRepository {
    public func transition(_ id: ConversationID, _ trigger: ConversationTrigger) throws -> ConversationTransition {
        try transition(id, trigger, extraDetail: [:])
    }
}

public struct ConversationLookup: Sendable, Equatable {
    public let conversation: Conversation
    /// True when this call created the conversation.
    public let created: Bool
}

public struct ConversationTransition: Sendable, Equatable {
    /// The conversation after the transition.
    public let conversation: Conversation
    public let previous: ConversationState
    public let trigger: ConversationTrigger
    /// The `state_changed` event, nil when the state stayed the same.
    public let event: Event?
    public var changed: Bool { previous != conversation.state }
}
