import Foundation
import SwitchboardPluginKit

/// Hands a conversation to a human when the customer asks for one (in any of several
/// languages), writes a configured keyword, or has had `after_unanswered` messages in a
/// row that no responder answered. Put it last in the chain: when it is reached, every
/// earlier responder passed. Its message knows the business's hours: "An agent will
/// reply at 9:00 tomorrow".
///
/// `handle` only computes (text folding, the business hours) and calls quick host
/// functions (log, now), so it is exported for inline calls (SB_PLUGIN_FLAG_INLINE).
struct HandoffResponder: Responder {
    let context: PluginContext
    let config: HandoffConfig
    let phrases: [(folded: String, original: String)]
    let keywords: [(folded: String, original: String)]

    init(context: PluginContext, config: PluginConfig) throws {
        self.context = context
        self.config = try HandoffConfig(config, workspaceTimeZone: context.timezoneIdentifier)
        // Most workspaces keep the built-in phrases: folded once per process and shared
        // (folding them took a tenth of a host's start-up with thousands of workspaces).
        phrases = self.config.phrases == HandoffPhrases.defaults ? Self.defaultPhrases : Self.folded(self.config.phrases)
        keywords = Self.folded(self.config.keywords)
    }

    static let defaultPhrases = folded(HandoffPhrases.defaults)

    static func folded(_ list: [String]) -> [(folded: String, original: String)] {
        list.map { (TextFolding.fold($0), $0) }.filter { $0.0.count > 2 }
    }

    func handle(_ message: IncomingMessage) throws -> Verdict {
        // The host does not run the chain for a conversation agents have, but if asked
        // anyway the bot stays silent.
        if message.conversationState == "human" { return .pass }
        guard let reason = reason(for: message) else { return .pass }
        let text = customerMessage()
        context.info("handing off to a human", ["conversation": message.conversationID, "reason": reason])
        return .handoff(reason: reason, message: text)
    }

    func reason(for message: IncomingMessage) -> String? {
        let text = TextFolding.fold(message.text)
        if text.count > 2 {
            if let k = keywords.first(where: { text.contains($0.folded) }) { return "keyword: \(k.original)" }
            if let p = phrases.first(where: { text.contains($0.folded) }) { return "customer asked for a human (\"\(p.original)\")" }
        }
        // This message reached the last responder: it is unanswered too.
        if config.afterUnanswered > 0, message.unansweredTurns + 1 >= config.afterUnanswered {
            return "no answer for \(message.unansweredTurns + 1) messages in a row"
        }
        return nil
    }

    func customerMessage() -> String {
        let now = context.now()
        guard let hours = config.hours, !hours.isOpen(at: now) else { return config.message }
        guard let next = hours.nextOpening(after: now) else { return config.message }
        return config.messageClosed.replacingOccurrences(of: "{next_open}", with: hours.describe(next, from: now))
    }
}

@_cdecl("switchboard_plugin_entry")
public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
    exportResponder(HandoffResponder.self, id: "handoff", name: "Human handoff", version: "1.0.0",
                    description: "Hands the conversation to a person on request, on keywords, or after unanswered messages.",
                    inline: true)
}
