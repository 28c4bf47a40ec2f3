/// What a responder decided about a message.
public enum Verdict: Sendable, Equatable {
    /// No answer from this responder: the chain asks the next one.
    case pass
    /// Answer the customer with `text`, and up to 3 quick-reply buttons (titles of at
    /// most 20 bytes).
    case reply(String, buttons: [String] = [])
    /// Hand the conversation to a human. `reason` is for the agents and the journal;
    /// `message`, when given, is sent to the customer as the bot's last word.
    case handoff(reason: String, message: String? = nil)
    /// Answer with an approved WhatsApp message template of the conversation's channel
    /// (`host->send_template`, ABI 1.4): its name, language ("en_US") and body parameters
    /// {{1}}, {{2}}, ... in order. The host checks it against the channel's templates;
    /// one that does not fit is not sent and the workspace's fallback applies.
    case template(name: String, language: String, parameters: [String] = [])
}
