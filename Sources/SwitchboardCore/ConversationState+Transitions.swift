/// Why a conversation changes state; each is journalled with the transition.
public enum ConversationTrigger: String, Sendable, Codable, CaseIterable {
    /// A responder (or the chain's rules) asked for a human.
    case handoff
    /// An agent gave the conversation back to the bot.
    case handBack = "hand_back"
    /// An agent (or the bot) closed it.
    case resolve
    /// A new inbound message arrived on a resolved conversation.
    case inbound
    /// An agent reopened it for themselves.
    case agentReopen = "agent_reopen"
    /// An agent took a bot conversation over (the button, or a reply of theirs while the
    /// bot had it), so the bot never talks over a person.
    case takeOver = "take_over"
}

public struct InvalidTransition: Error, CustomStringConvertible, Equatable {
    public let from: ConversationState
    public let trigger: ConversationTrigger
    public var description: String { "conversation in state \(from.rawValue) cannot take \(trigger.rawValue)" }
}

extension ConversationState {
    /// The one table of allowed transitions. Anything not listed is an error.
    public func applying(_ trigger: ConversationTrigger) throws(InvalidTransition) -> ConversationState {
        switch (self, trigger) {
        case (.bot, .handoff): return .human
        case (.human, .handoff): return .human
        case (.human, .handBack): return .bot
        case (.bot, .resolve), (.human, .resolve): return .resolved
        case (.resolved, .inbound): return .bot
        case (.bot, .inbound), (.human, .inbound): return self
        case (.resolved, .agentReopen): return .human
        case (.resolved, .handBack): return .bot
        case (.bot, .takeOver): return .human
        default: throw InvalidTransition(from: self, trigger: trigger)
        }
    }
}
