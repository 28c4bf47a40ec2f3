import SwitchboardCore

/// Which conversations a listing returns; nil fields do not filter.
public struct ConversationFilter: Sendable, Equatable {
    public enum Assignment: Sendable, Equatable {
        /// Assigned to this agent.
        case to(String)
        /// Assigned to nobody.
        case nobody
    }

    public var state: ConversationState?
    public var assignment: Assignment?
    public var channel: ChannelID?
    /// Only conversations carrying this label (its id).
    public var label: String?

    public init(state: ConversationState? = nil, assignment: Assignment? = nil, channel: ChannelID? = nil, label: String? = nil) {
        self.state = state
        self.assignment = assignment
        self.channel = channel
        self.label = label
    }
}
