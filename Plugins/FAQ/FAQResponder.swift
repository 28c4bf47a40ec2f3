import FAQMatcher
import SwitchboardPluginKit

/// Answers questions from the workspace's FAQ: the best matching entry's answer, or
/// pass when nothing matches clearly enough (the matcher abstains; the reason and the
/// scores are in the debug log). `handle` only matches in memory, so it is
/// exported for inline calls (SB_PLUGIN_FLAG_INLINE).
struct FAQResponder: Responder {
    let index: FAQIndex
    let context: PluginContext

    init(context: PluginContext, config: PluginConfig) throws {
        let c = try FAQConfig(config)
        index = FAQIndex(entries: c.entries, threshold: c.threshold, margin: c.margin)
        self.context = context
        context.debug("faq loaded", ["entries": String(c.entries.count)])
    }

    func handle(_ message: IncomingMessage) throws -> Verdict {
        let text = message.text
        guard !text.isEmpty, let verdict = index.assess(text) else { return .pass }
        guard verdict.isAnswer else {
            context.debug("faq abstained", [
                "conversation": message.conversationID, "entry": verdict.entryID, "score": String(verdict.score),
                "runner_up_score": String(verdict.runnerUpScore), "reason": verdict.abstention?.rawValue ?? "",
            ])
            return .pass
        }
        context.debug("faq matched", ["conversation": message.conversationID, "entry": verdict.entryID, "score": String(verdict.score)])
        return .reply(verdict.answer)
    }
}

@_cdecl("switchboard_plugin_entry")
public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
    exportResponder(FAQResponder.self, id: "faq", name: "FAQ", version: "1.0.0",
                    description: "Answers the questions of the workspace's FAQ.", inline: true)
}
