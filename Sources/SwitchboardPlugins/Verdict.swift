/// What a workspace's responder chain decided about a message.
public enum Verdict: Sendable, Equatable {
    /// No responder answered: the workspace's fallback applies.
    case pass
    /// Send `text` to the customer, with up to 3 quick-reply buttons.
    case reply(text: String, buttons: [String])
    /// Move the conversation to `human`. `message`, when present, is sent to the
    /// customer first ("An agent will reply at 9:00 tomorrow").
    case handoff(reason: String, message: String?)
    /// Send an approved WhatsApp message template (`host->send_template`, ABI 1.4).
    case template(PluginTemplate)
}
