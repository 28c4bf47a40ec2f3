/// Who answers a conversation. `bot`: the workspace's responder chain; `human`: the
/// agents, the bot stays silent; `resolved`: closed, and a new inbound message reopens it
/// as `bot`. Allowed transitions live in `ConversationState+Transitions.swift`.
public enum ConversationState: String, Sendable, Codable, CaseIterable {
    case bot, human, resolved
}
