import Foundation
import LLMEngine
import SwitchboardPluginKit

/// The AI tier: answers a message the earlier responders passed on from the workspace's
/// knowledge, through LLM APIs (OpenAI-compatible and Anthropic, over libcurl), cheapest
/// model first, inside the workspace's budget and the plugin's deadline. A provider that
/// is down, a budget that is spent, a model that does not know: a handoff (or the
/// workspace's fallback, `on_unknown: fallback`), never a guess. See LLMConfig for the
/// config and README.md ("The llm plugin") for costs and failure behaviour.
///
/// `handle` blocks on HTTP calls: NOT exported inline; it runs on the host's plugin pool.
struct LLMResponder: Responder {
    let context: PluginContext
    let config: LLMConfig
    let orchestrator: Orchestrator

    init(context: PluginContext, config: PluginConfig) throws {
        self.context = context
        let c: LLMConfig
        let knowledge: Knowledge
        do {
            c = try LLMConfig(json: config.json)
            knowledge = try Knowledge.load(paths: c.knowledge)
        } catch {
            throw PluginError.invalid(error.message)
        }
        self.config = c
        let storage = StateStorage(context: context)
        let ledger = BudgetLedger(dailyUSD: c.dailyUSD, monthlyUSD: c.monthlyUSD, storage: storage,
                                  timeZone: context.timezone ?? TimeZone(identifier: "UTC")!)
        let cache = c.cacheTTLSeconds > 0 ? AnswerCache(storage: storage, ttlSeconds: c.cacheTTLSeconds, knowledgeVersion: knowledge.version) : nil
        let semantic = c.embeddings.map { SemanticIndex(knowledge: knowledge, model: $0.model, storage: storage, lexical: $0.lexical) }
        // The providers' breakers in the state too, where adds are atomic for every host
        // (ABI 1.5): one host's open breaker stops the others' calls (SharedBreakers).
        orchestrator = Orchestrator(config: c, knowledge: knowledge, ledger: ledger, now: { [context] in context.now() },
                                    cache: cache, semantic: semantic,
                                    sharedBreakers: context.addsStateAtomically ? storage : nil)
        if c.debounceMs > 0 {
            context.warn("llm: debounce_ms is done by the host: set debounce_ms at the top of the workspace file; the plugin's own is ignored",
                         ["debounce_ms": String(c.debounceMs)])
        }
        context.info("llm loaded", [
            "models": c.models.map(\.id).joined(separator: ","),
            "providers": c.providers.map { "\($0.id)=\($0.api.rawValue)" }.joined(separator: ","),
            "knowledge_chunks": String(knowledge.chunks.count), "knowledge_version": knowledge.version,
        ])
    }

    func handle(_ message: IncomingMessage) throws -> Verdict {
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(config.deadlineMs)
        // Agents have the conversation: the bot says nothing.
        if message.conversationState == "human" {
            context.debug("llm silent: the conversation is with a human", ["conversation": message.conversationID])
            return .pass
        }
        let text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .pass }

        var history: [ChatMessage] = []
        if config.historyMessages > 0 {
            do {
                history = Self.earlier(try message.history(limit: config.historyMessages + 4), than: message, text: text)
                    .suffix(config.historyMessages)
                    .compactMap { h in h.text.isEmpty ? nil : ChatMessage(h.inbound ? .user : .assistant, h.text) }
            } catch {
                context.warn("llm: history unavailable, answering without it", ["conversation": message.conversationID, "error": "\(error)"])
            }
        }

        let decision = orchestrator.respond(question: text, history: history, deadline: deadline)
        let conversation = message.conversationID
        for e in decision.events {
            var f = e.fields
            f["conversation"] = conversation
            context.info("llm decision", f)
            record(e, on: message)
        }
        for failure in decision.fatal {
            context.error("llm provider refused: an admin must fix the key, permissions or billing",
                          ["conversation": conversation, "detail": failure.description])
        }
        for a in decision.alerts {
            context.log(a.percent >= 100 ? .error : .warn,
                        a.percent >= 100 ? "llm budget reached: no more model calls this \(a.period)" : "llm budget at 80 %",
                        ["period": a.period, "key": a.key, "percent": String(a.percent),
                         "spent_usd": String(format: "%.4f", a.spentUSD), "limit_usd": String(format: "%.2f", a.limitUSD)])
            message.journal("budget", ["period": a.period, "key": a.key, "percent": String(a.percent),
                                       "spent_usd": String(format: "%.4f", a.spentUSD), "limit_usd": String(format: "%.2f", a.limitUSD)])
        }
        let total = Orchestrator.ms(started.duration(to: .now))
        switch decision.outcome {
        case .answer(let reply):
            context.info("llm outcome", ["conversation": conversation, "outcome": "answer", "latency_ms": String(total)])
            return .reply(reply)
        case .handoff(let reason):
            context.info("llm outcome", ["conversation": conversation, "outcome": "handoff", "reason": reason, "latency_ms": String(total)])
            return .handoff(reason: reason, message: config.handoffMessage)
        case .pass(let reason):
            context.info("llm outcome", ["conversation": conversation, "outcome": "pass", "reason": reason, "latency_ms": String(total)])
            return .pass
        }
    }
}

extension LLMResponder {
    /// One decision step in the workspace's journal (`plugin_event` "decision": tier,
    /// model, provider, tokens, cost, latency, outcome; never the customer's words or a
    /// key) and in the host's counters: `calls_<tier>_<outcome>`, `spend_usd`,
    /// `spend_usd_<tier>_<model>` (generation per model, embeddings), `cache_hits`.
    /// Nothing on a host older than ABI 1.3.
    func record(_ e: DecisionEvent, on message: IncomingMessage) {
        var f = e.fields
        // The host refuses values over 1024 bytes: a long provider message is cut.
        if let d = f["detail"], d.utf8.count > 1000 { f["detail"] = String(decoding: Array(d.utf8.prefix(1000)), as: UTF8.self) }
        message.journal("decision", f)
        context.count("calls_" + Self.counterPart(e.tier) + "_" + Self.counterPart(e.outcome))
        if e.costUSD > 0 {
            context.count("spend_usd", e.costUSD)
            context.count("spend_usd_" + Self.counterPart(e.tier) + "_" + Self.counterPart(e.model.isEmpty ? "none" : e.model), e.costUSD)
        }
        if e.tier == "cache", e.outcome == "answer" { context.count("cache_hits") }
    }

    /// A tier or outcome as part of a counter name ([a-z0-9_]).
    static func counterPart(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.map { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") ? Character($0) : "_" }.prefix(24))
    }

    /// The history as the host gives it may hold the message being handled (and messages
    /// stored after it); the prompt wants only what came before.
    static func earlier(_ entries: [IncomingMessage.HistoryEntry], than message: IncomingMessage, text: String) -> [IncomingMessage.HistoryEntry] {
        // Milliseconds on both sides, possibly rounded differently: a 2 ms tolerance.
        let at = message.timestamp
        var list = entries.filter { $0.timestamp.timeIntervalSince(at) < 0.002 }
        // With the workspace's debounce_ms, `text` is a burst of messages joined by lines:
        // those messages are in the question already.
        let lines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        while let last = list.last, last.inbound, lines.contains(last.text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            list.removeLast()
        }
        return list
    }
}

/// The ledger's totals in the plugin's per-workspace state (the host's store).
struct StateStorage: LedgerStorage {
    let context: PluginContext
    func get(_ key: String) throws -> String? { try context.stateString(key) }
    func set(_ key: String, _ value: String) throws { try context.setState(key, value) }
    /// Atomic for every host on the store when the host offers it (ABI 1.5); else read
    /// and written under the ledger's lock (one host).
    func add(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64? {
        guard context.addsStateAtomically else { return try addByReadAndWrite(key, delta, ceiling: ceiling) }
        return try context.addState(key, delta, ceiling: ceiling)
    }
}

@_cdecl("switchboard_plugin_entry")
public func switchboardPluginEntry(_ hostABI: UInt32) -> UnsafeRawPointer? {
    exportResponder(LLMResponder.self, id: "llm", name: "LLM", version: "0.1.0",
                    description: "Answers from the workspace's knowledge with LLMs (OpenAI-compatible, Anthropic), cheapest model first, within budget.")
}
