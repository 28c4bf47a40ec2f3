import FAQMatcher
import Foundation

/// One step of a decision, journalled by the plugin as one log line: which tier and
/// model, which provider, tokens, cost, latency and how it ended.
public struct DecisionEvent: Sendable, Equatable {
    public var tier: String
    public var model: String = ""
    public var provider: String = ""
    public var usage: TokenUsage = .zero
    public var costUSD: Double = 0
    public var latencyMs: Int = 0
    /// `answer`, `handoff`, `unknown`, `low_confidence`, `failed`, `budget`, `circuit_open`, `deadline`...
    public var outcome: String
    /// The failure's classification and message, the confidence; never customer text.
    public var detail: String = ""

    public var fields: [String: String] {
        var f = ["tier": tier, "outcome": outcome]
        if !model.isEmpty { f["model"] = model }
        if !provider.isEmpty { f["provider"] = provider }
        if usage != .zero || !model.isEmpty {
            f["tokens_in"] = String(usage.input + usage.cacheWrite)
            f["tokens_cached"] = String(usage.cachedInput)
            f["tokens_out"] = String(usage.output)
            if usage.estimated { f["tokens_estimated"] = "true" }
            f["cost_usd"] = String(format: "%.6f", costUSD)
        }
        f["latency_ms"] = String(latencyMs)
        if !detail.isEmpty { f["detail"] = detail }
        return f
    }
}

/// What the plugin does with the message.
public enum LLMOutcome: Sendable, Equatable {
    case answer(String)
    case handoff(reason: String)
    /// No answer: the chain goes on (the workspace's fallback, if nothing else answers).
    case pass(reason: String)
}

public struct LLMDecision: Sendable {
    public var outcome: LLMOutcome
    public var events: [DecisionEvent]
    public var alerts: [BudgetLedger.Alert]
    /// Providers that refused for good (401/403/quota): the admin must act.
    public var fatal: [ProviderFailure]
}

/// The model's answer under the JSON contract.
public struct Contract: Sendable, Equatable {
    public enum Action: String, Sendable { case answer, handoff, unknown }
    public var action: Action
    public var text: String
    public var confidence: Double

    /// Anything but one JSON object with a known `action`, a string `text` (non-empty
    /// for an answer) and a `confidence` from 0 to 1 is `unknown`.
    public static func parse(_ raw: String) -> Contract {
        let unknown = Contract(action: .unknown, text: "", confidence: 0)
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // Models like to wrap it in a Markdown fence.
        if s.hasPrefix("```") {
            s = String(s.drop { $0 != "\n" }.dropFirst())
            if let end = s.range(of: "```", options: .backwards) { s = String(s[..<end.lowerBound]) }
            s = s.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard s.hasPrefix("{"), s.hasSuffix("}"),
              let any = try? JSONSerialization.jsonObject(with: Data(s.utf8)), let o = any as? [String: Any],
              let name = o["action"] as? String, let action = Action(rawValue: name.lowercased()) else { return unknown }
        let text = (o["text"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let n = o["confidence"] as? NSNumber, String(cString: n.objCType) != "c" else { return unknown }
        let confidence = n.doubleValue
        guard confidence.isFinite, (0...1).contains(confidence) else { return unknown }
        if action == .answer, text.isEmpty { return unknown }
        return Contract(action: action, text: text, confidence: confidence)
    }
}

/// The grounded-generation cascade of one workspace: models cheapest first, each tried
/// on its providers in order (retries, failover, prompt trimming, a circuit breaker per
/// provider), every call inside the budget and the deadline. Thread-safe: calls for
/// different conversations run at once.
public final class Orchestrator: @unchecked Sendable {
    public let config: LLMConfig
    public let knowledge: Knowledge
    public let ledger: BudgetLedger
    /// Tier 1: answers given before (nil: no cache).
    public let cache: AnswerCache?
    /// Tier 2: the FAQ's questions by embedding (nil: no `embeddings` config).
    public let semantic: SemanticIndex?
    let clients: [String: ProviderClient]
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) -> Void
    private let lock = NSLock()
    private let slots: DispatchSemaphore
    private var breakers: [String: CircuitBreaker] = [:]
    /// The breakers every host on the store agrees on (the plugin's state); nil: this
    /// host's alone.
    public let sharedBreakers: SharedBreakers?
    /// Providers that answered 401/403/quota, skipped until then.
    private var refusedUntil: [String: ContinuousClock.Instant] = [:]

    /// How long a provider that refused for good (401/403/quota) is left alone.
    public var refusalCoolDown: Duration = .seconds(300)
    /// The first retry's wait when the provider gave no retry-after; doubles each time.
    public var initialBackoff: Duration = .milliseconds(250)

    public init(config: LLMConfig, knowledge: Knowledge, ledger: BudgetLedger, transport: any HTTPTransport = CurlTransport(),
                now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (Duration) -> Void = { d in
                    Thread.sleep(forTimeInterval: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
                },
                breakerThreshold: Int = 3, breakerCoolDown: Duration = .seconds(30),
                cache: AnswerCache? = nil, semantic: SemanticIndex? = nil, sharedBreakers: (any LedgerStorage)? = nil) {
        self.sharedBreakers = sharedBreakers.map { SharedBreakers(storage: $0, threshold: breakerThreshold, coolDown: breakerCoolDown) }
        self.cache = cache
        self.semantic = semantic
        slots = DispatchSemaphore(value: config.maxConcurrentCalls)
        self.config = config
        self.knowledge = knowledge
        self.ledger = ledger
        self.now = now
        self.sleep = sleep
        var clients: [String: ProviderClient] = [:]
        for p in config.providers {
            clients[p.id] = ProviderClient(provider: p, transport: transport)
            breakers[p.id] = CircuitBreaker(failureThreshold: breakerThreshold, coolDown: breakerCoolDown)
        }
        self.clients = clients
    }

    public func breakerState(_ provider: String) -> CircuitBreaker.State? {
        lock.lock()
        defer { lock.unlock() }
        return breakers[provider]?.state
    }

    /// Whether `provider` may be called now: this host's breaker, then (shared state)
    /// every host's (`SharedBreakers`); and whether the call is a probe. When the shared
    /// state cannot be read this host's breaker decides alone.
    func breakerAllows(_ provider: String, at instant: ContinuousClock.Instant) -> (allowed: Bool, probe: Bool) {
        lock.lock()
        let local = breakers[provider]?.decide(now: instant) ?? .allow
        lock.unlock()
        if case .reject = local { return (false, false) }
        guard let sharedBreakers else { return (true, local == .probe) }
        do {
            return try sharedBreakers.mayCall(provider, localProbe: local == .probe, now: now())
        } catch {
            return (true, local == .probe)   // the state is away: this host's breaker decides
        }
    }

    /// A retryable failure of `provider`, on this host's breaker and every host's.
    func breakerFailed(_ provider: String, probe: Bool) {
        lock.lock()
        breakers[provider]?.recordFailure(now: .now)
        let open = breakers[provider]?.state == .open
        lock.unlock()
        do {
            try sharedBreakers?.failed(provider, reopen: open || probe, now: now())
        } catch {
            // The state is away: this host's breaker counted it; the others did not see it.
        }
    }

    /// A healthy answer of `provider` (whatever it said): its breakers close.
    func breakerSucceeded(_ provider: String) {
        lock.lock()
        breakers[provider]?.recordSuccess()
        lock.unlock()
        do {
            try sharedBreakers?.succeeded(provider)
        } catch {
            // The state is away: the other hosts close theirs at their next healthy answer.
        }
    }

    // MARK: the prompt

    public static let instructions = """
    You answer customers of a business on WhatsApp, on the business's behalf.
    Answer ONLY from the KNOWLEDGE below and the conversation. Never invent prices, dates, \
    products or promises. If the knowledge does not contain the answer, use action "unknown". \
    If the customer asks for a person, complains, or the matter needs a human, use action "handoff".
    Reply with exactly one JSON object and nothing else:
    {"action": "answer" | "handoff" | "unknown", "text": "<your reply to the customer: short, \
    friendly, in the customer's language>", "confidence": <0.0 to 1.0: how sure you are that \
    the knowledge supports your reply>}
    """

    public func request(model: LLMConfig.Model, question: String, history: [ChatMessage],
                        historyLimit: Int, knowledgeLimit: Int) -> ChatRequest {
        let recent = Array(history.suffix(historyLimit))
        let query = ([question] + recent.suffix(2).map(\.content)).joined(separator: " ")
        let facts = knowledge.text(for: query, limit: knowledgeLimit)
        let system = Self.instructions + "\n\nKNOWLEDGE:\n" + (facts.isEmpty ? "(none)" : facts)
        return ChatRequest(model: model.model, system: system, messages: recent + [ChatMessage(.user, question)],
                           maxTokens: model.maxTokens)
    }

    /// The budget's worst case for a request: its prompt at the input price, its token
    /// cap at the output price.
    public static func worstCase(_ r: ChatRequest, _ m: LLMConfig.Model) -> Double {
        TokenUsage(input: TokenUsage.estimate(request: r, outputCharacters: 0).input, output: r.maxTokens).cost(m)
    }

    // MARK: the cascade

    /// Decides what to answer to `question` (the customer's message, or a burst of them
    /// joined), given the earlier messages, within `deadline`.
    public func respond(question: String, history: [ChatMessage], deadline: ContinuousClock.Instant) -> LLMDecision {
        var d = LLMDecision(outcome: .pass(reason: ""), events: [], alerts: [], fatal: [])
        if let cache, let hit = cache.get(question, now: now()) {
            d.events.append(DecisionEvent(tier: "cache", outcome: "answer"))
            d.outcome = .answer(Self.fit(hit, config.maxReplyChars))
            return d
        }
        // A slow provider must not take every plugin thread of the host: at most
        // `max_concurrent_calls` messages of this workspace at the providers at once.
        guard slots.wait(timeout: .now() + .milliseconds(250)) == .success else {
            d.events.append(DecisionEvent(tier: "generate", outcome: "busy",
                                          detail: "\(config.maxConcurrentCalls) messages of this workspace already at the providers"))
            d.outcome = .handoff(reason: "llm: \(config.maxConcurrentCalls) calls already in flight for this workspace (a slow provider?)")
            return d
        }
        defer { slots.signal() }
        switch semanticAnswer(question, deadline: deadline, into: &d) {
        case .answer(let answer):
            cache?.put(question, answer: answer, now: now())
            d.outcome = .answer(Self.fit(answer, config.maxReplyChars))
            return d
        case .outOfScope(let why):
            // Far from every FAQ entry: a person (or the fallback), not a model call.
            d.outcome = config.onUnknown == .handoff ? .handoff(reason: why) : .pass(reason: why)
            return d
        case .none:
            break
        }
        generate(question: question, history: history, deadline: deadline, into: &d)
        if case .answer(let text) = d.outcome { cache?.put(question, answer: text, now: now()) }
        return d
    }

    /// What tier 2 decided.
    enum SemanticOutcome: Equatable {
        case answer(String)
        /// The closest entry scored under `handoff_below`: no generation.
        case outOfScope(String)
        case none
    }

    /// Tier 2: the message's embedding against the FAQ questions' (computed once per
    /// knowledge version); the entry's answer when its score (the mean of its two closest
    /// questions) reaches `answer_threshold`, leads the next entry by `answer_margin` and
    /// reaches the entry's own bar (`entry_margin`). With `lexical`, the FAQ matcher's
    /// answer is sent when the closest entry by embedding is the same one, vetoed when it
    /// is not (then the semantic rule decides), and sent alone when there are no
    /// embeddings. With `handoff_below`, a message whose closest entry scores under it is
    /// out of scope: handed off before any generation.
    func semanticAnswer(_ question: String, deadline: ContinuousClock.Instant, into d: inout LLMDecision) -> SemanticOutcome {
        guard let semantic, !semantic.isEmpty, let e = config.embeddings, let client = clients[e.provider] else { return .none }
        let started = ContinuousClock.now
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        func event(_ outcome: String, _ detail: String, tier: String = "semantic", usage: TokenUsage = .zero) {
            var ev = DecisionEvent(tier: tier, model: tier == "semantic" ? e.model : "", provider: tier == "semantic" ? e.provider : "",
                                   latencyMs: Self.ms(started.duration(to: .now)), outcome: outcome, detail: detail)
            if usage != .zero {
                ev.usage = usage
                ev.costUSD = Double(usage.input) * e.usdPerMTok / 1e6
            }
            d.events.append(ev)
        }
        // Every embeddings call is booked (its own price: `usd_per_mtok`), never refused:
        // it is what keeps the dearer calls from being made.
        var embedUsage = TokenUsage.zero
        func embed(_ texts: [String]) throws(ProviderFailure) -> [[Float]] {
            let got = try embedCall(client, texts, model: e.model, deadline: deadline)
            embedUsage.input += got.usage.input
            embedUsage.estimated = embedUsage.estimated || got.usage.estimated
            let cost = Double(got.usage.input) * e.usdPerMTok / 1e6
            if cost > 0 {
                let booking = ledger.chargeSmall(cost, now: now(), label: BudgetLedger.label(tier: "semantic", model: e.model))
                d.alerts += booking.alerts
                if let why = booking.storageError {
                    d.events.append(DecisionEvent(tier: "semantic", model: e.model, outcome: "budget_unsaved",
                                                  detail: "the spend is kept in memory and written with the next booking: \(why)"))
                }
            }
            return got.vectors
        }
        let lexical = semantic.lexical?.assess(question).flatMap { $0.isAnswer ? $0 : nil }
        func lexicalAlone(_ why: String) -> SemanticOutcome {
            guard let lexical, let entry = semantic.entry(lexical.entryID) else { return .none }
            event("answer", "entry \(lexical.entryID), score \(f(lexical.score)); \(why)", tier: "faq")
            return .answer(entry.answer)
        }
        let got = semantic.vectors(deadline: deadline) { (texts: [String]) throws(ProviderFailure) -> [[Float]] in
            try embed(texts)
        }
        if let failure = got.failure { event("failed", "embedding the FAQ questions: \(failure.description)", usage: embedUsage) }
        if got.computed { event("indexed", "\(got.vectors?.count ?? 0) FAQ questions embedded for this knowledge version", usage: embedUsage) }
        embedUsage = .zero
        guard let vectors = got.vectors else { return lexicalAlone("no embeddings, the FAQ matcher alone") }
        let vector: [Float]
        do {
            guard let v = try embed([question]).first else { return lexicalAlone("no embeddings, the FAQ matcher alone") }
            vector = v
        } catch {
            event("failed", error.description, usage: embedUsage)
            return lexicalAlone("no embeddings, the FAQ matcher alone")
        }
        let index: FAQEmbeddingIndex
        let scores: [Double]
        let decision: FAQEmbeddingIndex.Decision
        do {
            index = try semantic.index(vectors, entryBars: e.entryMargin != nil)
            scores = try index.scores(vector)
            decision = try index.decide(scores: scores, threshold: e.answerThreshold, margin: e.answerMargin, entryMargin: e.entryMargin)
        } catch {
            event("failed", "\(error)", usage: embedUsage)
            return lexicalAlone("no embeddings, the FAQ matcher alone")
        }
        let closest = decision.best
        if let lexical {
            if closest.id == lexical.entryID, let entry = semantic.entry(lexical.entryID) {
                // The embedding call (and its cost) on the semantic tier's event; the answer on the FAQ matcher's.
                event("agrees", "closest entry \(closest.id), score \(f(closest.score))", usage: embedUsage)
                event("answer", "entry \(lexical.entryID), score \(f(lexical.score)); the closest entry by embedding agrees", tier: "faq")
                return .answer(entry.answer)
            }
            event("vetoed", "entry \(lexical.entryID), score \(f(lexical.score)); the closest entry by embedding is \(closest.id) (\(f(closest.score)))",
                  tier: "faq")
        }
        switch decision {
        case let .answer(id, score, margin):
            guard let entry = semantic.entry(id) else { return .none }
            event("answer", "entry \(id), score \(f(score)), margin \(f(margin))", usage: embedUsage)
            return .answer(entry.answer)
        case let .abstain(reason, best, score, margin):
            let why: String
            switch reason {
            case .belowThreshold: why = "score below \(f(e.answerThreshold))"
            case .ambiguous: why = "margin below \(f(e.answerMargin))"
            case .belowEntryThreshold: why = "score below the entry's own bar (entry_margin \(f(e.entryMargin ?? 0)))"
            }
            if let floor = e.handoffBelow, score < floor {
                event("out_of_scope", "closest entry \(best), score \(f(score)) < handoff_below \(f(floor)): no generation", usage: embedUsage)
                return .outOfScope("llm: far from every FAQ entry (closest \(best), score \(f(score)) < \(f(floor)))")
            }
            event("no_match", "closest entry \(best), score \(f(score)), margin \(f(margin)): \(why)", usage: embedUsage)
            return .none
        }
    }

    /// One embeddings call: the breaker, the deadline, no retries (the tier is an
    /// optimisation: on failure, generation goes on).
    func embedCall(_ client: ProviderClient, _ texts: [String], model: String,
                   deadline: ContinuousClock.Instant) throws(ProviderFailure) -> (vectors: [[Float]], usage: TokenUsage) {
        let pid = client.provider.id
        let (allowed, probe) = breakerAllows(pid, at: .now)
        if !allowed {
            throw ProviderFailure(kind: .retryable, status: 0, code: "circuit_open", message: "circuit breaker open after repeated failures")
        }
        let remaining = ContinuousClock.now.duration(to: deadline) - .milliseconds(50)
        guard remaining > .milliseconds(30) else {
            throw ProviderFailure(kind: .retryable, status: 0, code: "deadline", message: "no time left within deadline_ms")
        }
        do {
            let v = try client.embedWithUsage(texts, model: model, timeout: min(.milliseconds(client.provider.timeoutMs), remaining))
            breakerSucceeded(pid)
            return v
        } catch {
            if error.kind == .retryable { breakerFailed(pid, probe: probe) }
            throw error
        }
    }

    /// Tier 3: grounded generation, cheapest model first.
    func generate(question: String, history: [ChatMessage], deadline: ContinuousClock.Instant, into d: inout LLMDecision) {
        var lastContract: (model: String, contract: Contract)?
        var providerFailures: [String] = []
        var budgetSkipped: [String] = []
        var budgetUnreadable: [String] = []

        for model in config.models {
            guard ContinuousClock.now + .milliseconds(50) < deadline else {
                d.events.append(DecisionEvent(tier: "generate", model: model.id, outcome: "deadline",
                                              detail: "no time left for this model"))
                break
            }
            var historyLimit = config.historyMessages
            var knowledgeLimit = config.maxKnowledgeChars
            var req = request(model: model, question: question, history: history, historyLimit: historyLimit, knowledgeLimit: knowledgeLimit)
            let reservation: BudgetLedger.Reservation
            switch ledger.book(Self.worstCase(req, model), now: now()) {
            case .success(let r):
                reservation = r
            case .failure(.overLimit):
                d.events.append(DecisionEvent(tier: "generate", model: model.id, outcome: "budget",
                                              detail: String(format: "a call could cost up to $%.6f and overrun the budget", Self.worstCase(req, model))))
                budgetSkipped.append(model.id)
                continue
            case .failure(.storage(let why)):
                // Fails closed: a spend that cannot be counted is not made.
                d.events.append(DecisionEvent(tier: "generate", model: model.id, outcome: "budget_unreadable",
                                              detail: "the budget's totals cannot be read: \(why)"))
                budgetUnreadable.append(why)
                continue
            }
            var spent = 0.0
            var answer: ChatAnswer?
            providers: for pid in model.providers {
                guard let client = clients[pid] else { continue }
                var trims = 0
                while true {
                    let started = ContinuousClock.now
                    let result = call(client, req, deadline: deadline)
                    var event = DecisionEvent(tier: "generate", model: model.id, provider: pid,
                                              latencyMs: Self.ms(started.duration(to: .now)), outcome: "")
                    switch result {
                    case .success(let a):
                        event.usage = a.usage
                        event.costUSD = a.usage.cost(model)
                        spent += event.costUSD
                        event.outcome = "answered"
                        d.events.append(event)
                        answer = a
                        break providers
                    case .failure(let f):
                        if let billed = f.billed {
                            event.usage = billed
                            event.costUSD = billed.cost(model)
                            spent += event.costUSD
                        }
                        event.outcome = f.code == "circuit_open" ? "circuit_open" : (f.code == "refused_earlier" ? "skipped" : "failed")
                        event.detail = f.description
                        d.events.append(event)
                        if f.kind == .fatal, f.code != "refused_earlier" { d.fatal.append(f) }
                        if f.kind == .contextLength, trims < 3 {
                            trims += 1
                            if historyLimit > 0 { historyLimit /= 2 } else { knowledgeLimit /= 2 }
                            req = request(model: model, question: question, history: history,
                                          historyLimit: historyLimit, knowledgeLimit: knowledgeLimit)
                            continue
                        }
                        providerFailures.append("\(pid): \(f.description)")
                        continue providers
                    }
                }
            }
            // The call's own event: the contract's outcome is written on it below.
            let last = max(0, d.events.count - 1)
            let booking = ledger.settle(reservation, actualUSD: spent, now: now(), label: BudgetLedger.label(tier: "generate", model: model.id))
            d.alerts += booking.alerts
            if let why = booking.storageError {
                d.events.append(DecisionEvent(tier: "generate", model: model.id, outcome: "budget_unsaved",
                                              detail: "the spend is kept in memory and written with the next booking: \(why)"))
            }
            if let why = booking.breakdownError {
                d.events.append(DecisionEvent(tier: "generate", model: model.id, outcome: "breakdown_unsaved",
                                              detail: "the per-model spend could not be written (the budget's totals were): \(why)"))
            }
            guard let answer else { continue }

            let contract = Contract.parse(answer.text)
            lastContract = (model.id, contract)
            switch contract.action {
            case .answer where contract.confidence >= model.minConfidence:
                d.events[last].outcome = "answer"
                d.events[last].detail = "confidence \(contract.confidence)"
                d.outcome = .answer(Self.fit(contract.text, config.maxReplyChars))
                return
            case .answer:
                d.events[last].outcome = "low_confidence"
                d.events[last].detail = "confidence \(contract.confidence) < \(model.minConfidence)"
            case .handoff:
                d.events[last].outcome = "handoff"
                d.outcome = .handoff(reason: "llm: model \(model.id) asked for a human")
                return
            case .unknown:
                d.events[last].outcome = "unknown"
                d.events[last].detail = answer.finishReason == "length" || answer.finishReason == "max_tokens"
                    ? "the answer was cut at max_tokens" : "no answer in the knowledge, or not the JSON contract"
            }
        }

        if let lastContract {
            let why = "llm: no confident answer (last model \(lastContract.model): \(lastContract.contract.action == .unknown ? "unknown" : "confidence \(lastContract.contract.confidence)"))"
            d.outcome = config.onUnknown == .handoff ? .handoff(reason: why) : .pass(reason: why)
        } else if !providerFailures.isEmpty {
            d.outcome = .handoff(reason: "llm: no provider answered (\(providerFailures.prefix(2).joined(separator: "; ")))")
        } else if !budgetSkipped.isEmpty {
            d.outcome = .handoff(reason: "llm: budget reached, no model call made")
        } else if let why = budgetUnreadable.first {
            d.outcome = .handoff(reason: "llm: the budget cannot be checked (\(why)), no model call made")
        } else {
            d.outcome = .handoff(reason: "llm: no time left within deadline_ms")
        }
    }

    /// One provider, with retries of retryable failures inside the deadline and the breaker.
    func call(_ client: ProviderClient, _ req: ChatRequest, deadline: ContinuousClock.Instant) -> Result<ChatAnswer, ProviderFailure> {
        let pid = client.provider.id
        var attempt = 0
        while true {
            let instant = ContinuousClock.now
            lock.lock()
            if let until = refusedUntil[pid], instant < until {
                lock.unlock()
                return .failure(ProviderFailure(kind: .fatal, status: 0, code: "refused_earlier",
                                                message: "refused our key or quota earlier; not called until an admin fixes it or \(Int(refusalCoolDown.components.seconds)) s pass"))
            }
            lock.unlock()
            let (allowed, probe) = breakerAllows(pid, at: instant)
            if !allowed {
                return .failure(ProviderFailure(kind: .retryable, status: 0, code: "circuit_open",
                                                message: "circuit breaker open after repeated failures"))
            }
            let remaining = instant.duration(to: deadline) - .milliseconds(20)
            guard remaining > .milliseconds(30) else {
                return .failure(ProviderFailure(kind: .retryable, status: 0, code: "deadline", message: "no time left within deadline_ms"))
            }
            let timeout = min(.milliseconds(client.provider.timeoutMs), remaining)
            do {
                let a = try client.chat(req, timeout: timeout)
                breakerSucceeded(pid)
                return .success(a)
            } catch {
                if error.kind == .fatal {
                    lock.lock()
                    refusedUntil[pid] = ContinuousClock.now + refusalCoolDown
                    lock.unlock()
                }
                switch error.kind {
                case .retryable: breakerFailed(pid, probe: probe)
                case .fatal, .rejected, .contextLength: breakerSucceeded(pid) // a healthy provider's answer
                }
                guard error.kind == .retryable, attempt < client.provider.maxRetries else { return .failure(error) }
                let wait = error.retryAfter ?? initialBackoff * (1 << attempt)
                // A wait that would not leave time for the call: fail over now.
                guard ContinuousClock.now + wait + .milliseconds(100) < deadline else { return .failure(error) }
                sleep(wait)
                attempt += 1
            }
        }
    }

    public static func ms(_ d: Duration) -> Int { Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) }

    /// At most `limit` characters, cut at a word with an ellipsis.
    public static func fit(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = String(text.prefix(limit - 1))
        if let space = cut.lastIndex(where: \.isWhitespace), cut.distance(from: cut.startIndex, to: space) > limit / 2 {
            cut = String(cut[..<space])
        }
        return cut + "…"
    }
}
