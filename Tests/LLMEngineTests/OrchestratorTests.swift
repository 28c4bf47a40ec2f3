import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport
@testable import LLMEngine

/// The ledger's storage in tests: a dictionary behind a lock (the plugin uses the host's
/// per-workspace state, covered by the integration tests).
/// The plugin state as the engine sees it, in memory, with its reads and writes
/// switched off at will (a store that is down).
final class MemoryStorage: LedgerStorage, @unchecked Sendable {
    let values = Mutex<[String: String]>([:])
    let readsFail = Atomic<Bool>(false), writesFail = Atomic<Bool>(false)
    /// Writes that succeed before every later one fails (a store that goes away mid-call).
    let writesLeft = Atomic<Int>(Int.max)
    struct Down: Error, CustomStringConvertible { var description: String { "store unavailable" } }
    func get(_ key: String) throws -> String? {
        if readsFail.load(ordering: .relaxed) { throw Down() }
        return values.withLock { $0[key] }
    }
    func set(_ key: String, _ value: String) throws {
        if writesFail.load(ordering: .relaxed) || writesLeft.wrappingSubtract(1, ordering: .relaxed).newValue < 0 { throw Down() }
        values.withLock { $0[key] = value }
    }
}

func answer(_ text: String, _ confidence: Double, action: String = "answer") -> String {
    #"{"action": "\#(action)", "text": "\#(text)", "confidence": \#(confidence)}"#
}

final class SleepLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Duration] = []
    func add(_ d: Duration) { lock.lock(); list.append(d); lock.unlock() }
    var all: [Duration] { lock.lock(); defer { lock.unlock() }; return list }
}

struct Cascade {
    let small: FakeLLMServer
    let big: FakeLLMServer
    let orchestrator: Orchestrator
    let storage: MemoryStorage
    let sleeps = SleepLog()

    init(daily: Double? = nil, monthly: Double? = nil, smallStream: Bool = false, bigAPI: LLMConfig.API = .anthropic,
         onUnknown: LLMConfig.OnUnknown = .handoff, deadlineMs: Int = 10_000, knowledge: Knowledge = Knowledge(chunks: []),
         storage: MemoryStorage = MemoryStorage(), extraBigProvider: Bool = false) throws {
        small = try FakeLLMServer()
        big = try FakeLLMServer(apiKey: "big-key")
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "http://x"}],
         "models": [{"id": "m", "providers": ["local"], "model": "m", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}]}
        """)
        config.providers = [provider("local", .openai, small, stream: smallStream), provider("cloud", bigAPI, big, key: "big-key", stream: true)]
        var bigProviders = ["cloud"]
        if extraBigProvider { bigProviders.append("local") }
        config.models = [
            LLMConfig.Model(id: "small", providers: ["local"], model: "small-model", inputUSDPerMTok: 0.05, outputUSDPerMTok: 0.10,
                            cachedInputUSDPerMTok: 0.005, minConfidence: 0.7, maxTokens: 200),
            LLMConfig.Model(id: "big", providers: bigProviders, model: "big-model", inputUSDPerMTok: 3.0, outputUSDPerMTok: 15.0,
                            cachedInputUSDPerMTok: 0.3, minConfidence: 0.5, maxTokens: 200),
        ]
        config.dailyUSD = daily
        config.monthlyUSD = monthly
        config.onUnknown = onUnknown
        config.deadlineMs = deadlineMs
        self.storage = storage
        let sleeps = self.sleeps
        let o = Orchestrator(config: config, knowledge: knowledge,
                             ledger: BudgetLedger(dailyUSD: daily, monthlyUSD: monthly, storage: storage),
                             sleep: { d in
                                 sleeps.add(d)
                                 Thread.sleep(forTimeInterval: min(0.05, Double(d.components.seconds)))
                             })
        o.initialBackoff = .milliseconds(10)
        orchestrator = o
    }

    func ask(_ q: String = "do you sell gluten free bread?", history: [ChatMessage] = [], within: Duration = .seconds(10)) -> LLMDecision {
        orchestrator.respond(question: q, history: history, deadline: .now + within)
    }
}

@Suite struct OrchestratorTests {
    @Test func theContractIsStrict() {
        #expect(Contract.parse(answer("Yes.", 0.9)) == Contract(action: .answer, text: "Yes.", confidence: 0.9))
        #expect(Contract.parse("```json\n" + answer("Yes.", 0.9) + "\n```").action == .answer)
        #expect(Contract.parse("Yes, we do!").action == .unknown)
        #expect(Contract.parse(#"{"action": "answer", "text": "", "confidence": 0.9}"#).action == .unknown)
        #expect(Contract.parse(#"{"action": "answer", "text": "Yes", "confidence": 1.5}"#).action == .unknown)
        #expect(Contract.parse(#"{"action": "answer", "text": "Yes", "confidence": "high"}"#).action == .unknown)
        #expect(Contract.parse(#"{"action": "answer", "text": "Yes"}"#).action == .unknown)
        #expect(Contract.parse(#"{"action": "reply", "text": "Yes", "confidence": 0.9}"#).action == .unknown)
        #expect(Contract.parse(#"{"action": "handoff", "text": "", "confidence": 0.9}"#).action == .handoff)
    }

    @Test func theCheapModelAnswersWhenSure() throws {
        let c = try Cascade()
        c.small.script(.text(answer("Yes, on Saturdays.", 0.9), input: 1_000, output: 20))
        let d = c.ask()
        #expect(d.outcome == .answer("Yes, on Saturdays."))
        #expect(c.big.chatRequests.isEmpty)
        let e = try #require(d.events.last)
        #expect(e.model == "small" && e.provider == "local" && e.outcome == "answer")
        #expect(abs(e.costUSD - (1_000 * 0.05 + 20 * 0.10) / 1e6) < 1e-12)
    }

    @Test func lowConfidenceOrUnknownEscalatesToTheBigModel() throws {
        let c = try Cascade()
        c.small.script(.text(answer("Maybe?", 0.4)), .text("I think so"))
        c.big.script(.text(answer("Yes, gluten free on Fridays.", 0.95)), .text(answer("Yes.", 0.8)))
        let first = c.ask()
        #expect(first.outcome == .answer("Yes, gluten free on Fridays."))
        #expect(first.events.map(\.outcome) == ["low_confidence", "answer"])
        let second = c.ask()  // not JSON at all: unknown, escalates too
        #expect(second.outcome == .answer("Yes."))
        #expect(second.events.map(\.outcome) == ["unknown", "answer"])
    }

    @Test func theLastModelsUnknownHandsOffOrFallsBack() throws {
        let c = try Cascade()
        c.small.script(.text(answer("", 0.0, action: "unknown")))
        c.big.script(.text(answer("", 0.2, action: "unknown")))
        guard case .handoff(let reason) = c.ask().outcome else { Issue.record("no handoff"); return }
        #expect(reason.contains("no confident answer"))

        let f = try Cascade(onUnknown: .fallback)
        f.small.script(.text(answer("", 0.0, action: "unknown")))
        f.big.script(.text(answer("", 0.2, action: "unknown")))
        guard case .pass = f.ask().outcome else { Issue.record("no pass"); return }
    }

    @Test func theModelMayAskForAHuman() throws {
        let c = try Cascade()
        c.small.script(.text(answer("Let me get someone.", 0.9, action: "handoff")))
        guard case .handoff = c.ask().outcome else { Issue.record("no handoff"); return }
        #expect(c.big.chatRequests.isEmpty)
    }

    @Test func retryableFailuresAreRetriedHonouringRetryAfter() throws {
        let c = try Cascade()
        c.small.script(.rateLimited(retryAfter: 1), .serverError, .text(answer("Yes.", 0.9)))
        let d = c.ask()
        #expect(d.outcome == .answer("Yes."))
        #expect(c.small.chatRequests.count == 3)
        #expect(c.sleeps.all.first == .seconds(1))
    }

    @Test func overloadAndAnErrorInsideAStreamAreRetried() throws {
        let c = try Cascade()
        c.small.script(.text(answer("", 0, action: "unknown")))
        c.big.script(.overloaded, .errorInStream, .text(answer("Yes.", 0.9)))
        #expect(c.ask().outcome == .answer("Yes."))
        #expect(c.big.chatRequests.count == 3)
    }

    @Test func anExhaustedProviderFailsOverToTheNext() throws {
        let c = try Cascade(extraBigProvider: true)
        c.small.script(.text(answer("", 0, action: "unknown")), .text(answer("From the local fallback.", 0.9)))
        c.big.script(.serverError, .serverError, .serverError)
        let d = c.ask()
        #expect(d.outcome == .answer("From the local fallback."))
        #expect(c.big.chatRequests.count == 3) // the first try and max_retries (2)
        #expect(d.events.last?.provider == "local")
    }

    @Test func quotaAndAuthAreNeverRetried() throws {
        let c = try Cascade(extraBigProvider: true)
        c.small.script(.text(answer("", 0, action: "unknown")), .text(answer("Local.", 0.9)),
                       .text(answer("", 0, action: "unknown")), .text(answer("Local again.", 0.9)))
        c.big.script(.quota)
        let d = c.ask()
        #expect(c.big.chatRequests.count == 1)
        #expect(d.fatal.count == 1)
        #expect(d.outcome == .answer("Local."))
        // The refusing provider is left alone on the next message.
        let again = c.ask()
        #expect(c.big.chatRequests.count == 1)
        #expect(again.outcome == .answer("Local again."))
        #expect(again.fatal.isEmpty)
    }

    @Test func contextLengthTrimsThePromptAndTriesAgain() throws {
        let c = try Cascade()
        c.small.script(.contextLength, .text(answer("Yes.", 0.9)))
        let history = (0..<8).map { ChatMessage($0 % 2 == 0 ? .user : .assistant, "earlier message \($0)") }
        #expect(c.ask(history: history).outcome == .answer("Yes."))
        let sent = c.small.chatRequests.map { ($0.json["messages"] as? [Any])?.count ?? 0 }
        #expect(sent.count == 2)
        #expect(sent[1] < sent[0])
    }

    @Test func providerDownHandsOffQuicklyAndTheBreakerOpens() throws {
        let c = try Cascade()
        c.small.stop()
        c.big.stop()
        let started = ContinuousClock.now
        let d = c.ask()
        guard case .handoff(let reason) = d.outcome else { Issue.record("no handoff: \(d.outcome)"); return }
        #expect(reason.hasPrefix("llm: no provider answered"))
        #expect(started.duration(to: .now) < .seconds(5))
        #expect(c.orchestrator.breakerState("local") == .open)
        // Open: the next message does not even try.
        let next = c.ask()
        #expect(next.events.contains { $0.outcome == "circuit_open" })
    }

    @Test func aHangStaysInsideTheDeadline() throws {
        let c = try Cascade()
        c.small.script(.hang(.seconds(30), then: answer("late", 0.9)))
        c.big.script(.hang(.seconds(30), then: answer("late", 0.9)))
        let started = ContinuousClock.now
        let d = c.ask(within: .milliseconds(800))
        let took = started.duration(to: .now)
        #expect(took < .milliseconds(1_300), "took \(took)")
        guard case .handoff = d.outcome else { Issue.record("no handoff: \(d.outcome)"); return }
    }

    @Test func aCallThatCouldOverrunTheBudgetIsNotMade() throws {
        // The big model's worst case (200 output tokens at $15/Mtok = $0.003 plus the
        // prompt) does not fit in $0.002 a day; the small one's does.
        let c = try Cascade(daily: 0.002)
        c.small.script(.text(answer("", 0, action: "unknown")))
        let d = c.ask()
        #expect(c.big.chatRequests.isEmpty)
        #expect(d.events.contains { $0.model == "big" && $0.outcome == "budget" })
        guard case .handoff = d.outcome else { Issue.record("no handoff"); return }
    }

    @Test func nothingAffordableMeansHandoffWithoutAnyCall() throws {
        let storage = MemoryStorage()
        let c = try Cascade(daily: 0.00001, storage: storage)
        let d = c.ask()
        #expect(c.small.chatRequests.isEmpty && c.big.chatRequests.isEmpty)
        #expect(d.outcome == .handoff(reason: "llm: budget reached, no model call made"))
    }

    /// A store that cannot be read: no model is called (nothing is spent that cannot be
    /// counted), the customer is handed off saying why, and the journal has the step.
    @Test func anUnreadableBudgetMeansHandoffWithoutAnyCall() throws {
        let storage = MemoryStorage()
        let c = try Cascade(daily: 1.0, storage: storage)
        storage.readsFail.store(true, ordering: .relaxed)
        let d = c.ask()
        #expect(c.small.chatRequests.isEmpty && c.big.chatRequests.isEmpty)
        #expect(d.outcome == .handoff(reason: "llm: the budget cannot be checked (store unavailable), no model call made"))
        #expect(d.events.filter { $0.outcome == "budget_unreadable" }.count == 2)
    }

    /// A spend that cannot be written is still counted, and the journal says it waits: the
    /// store goes away after the call's reservation (two writes: the day and the month).
    @Test func anUnwrittenSpendIsJournalledAndStillCounted() throws {
        let storage = MemoryStorage()
        let c = try Cascade(daily: 1.0, storage: storage)
        c.small.script(.text(answer("Yes.", 0.9), input: 1_000, output: 100))
        storage.writesLeft.store(2, ordering: .relaxed)
        let d = c.ask()
        #expect(d.events.contains { $0.outcome == "budget_unsaved" })
        #expect(try c.orchestrator.ledger.spent(now: Date()).day > 0)
    }

    @Test func spendIsBookedAndAlertsComeOnceAt80And100Percent() throws {
        let storage = MemoryStorage()
        // Each big answer: 1,000 input + 100 output tokens = $0.0045.
        let c = try Cascade(daily: 0.02, storage: storage)
        c.small.setDefaultContent(answer("", 0, action: "unknown"))
        for _ in 0..<3 { c.big.script(.text(answer("Yes.", 0.9), input: 1_000, output: 100)) }
        var alerts: [Int] = []
        for _ in 0..<3 { alerts += c.ask().alerts.map(\.percent) }
        #expect(alerts.isEmpty)
        c.big.script(.text(answer("Yes.", 0.9), input: 1_000, output: 100))
        alerts += c.ask().alerts.map(\.percent)
        #expect(alerts == [80])
        let spent = try c.orchestrator.ledger.spent(now: Date())
        // Four big answers at $0.0045, plus the small model's few cents of a cent.
        #expect(spent.day >= 4 * 0.0045 && spent.day < 4 * 0.0045 + 0.0002)
        #expect(spent.month == spent.day)
    }

    @Test func theLedgerHoldsUnderConcurrentCalls() throws {
        let storage = MemoryStorage()
        let ledger = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        let granted = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 200) { _ in
            if let r = ledger.reserve(0.01, now: Date()) {
                granted.add(1, ordering: .relaxed)
                ledger.settle(r, actualUSD: 0.01, now: Date())
            }
        }
        #expect(granted.load(ordering: .relaxed) == 100)
        #expect(abs(try ledger.spent(now: Date()).day - 1.0) < 1e-9)
        // Another ledger on the same storage (a restart) sees the spend.
        let after = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        #expect(after.reserve(0.01, now: Date()) == nil)
    }

    @Test func longKnowledgeSendsTheRelevantChunks() throws {
        let chunks = (0..<40).map { i in Knowledge.chunk("k.md", "Topic \(i): filler text about item number \(i) " + String(repeating: "lorem ipsum ", count: 20)) }
            + [Knowledge.chunk("k.md", "Gluten free bread is baked on Fridays only.")]
        let k = Knowledge(chunks: chunks)
        let text = k.text(for: "do you have gluten free bread?", limit: 1_000)
        #expect(text.contains("Gluten free bread is baked on Fridays only."))
        #expect(text.count <= 1_000)
    }
}

/// Tiers 1 and 2: the answer cache and the semantic match, before any generation.
@Suite struct CacheAndSemanticTests {
    static let faq = Knowledge(chunks: [], faq: [
        Knowledge.FAQItem(id: "delivery", questions: ["Do you deliver?", "Can you deliver to Lekki?"], answer: "We deliver across Lagos Island and Lekki."),
        Knowledge.FAQItem(id: "hours", questions: ["When are you open?"], answer: "8am to 7pm, Monday to Saturday."),
    ])

    static func orchestrator(_ fake: FakeLLMServer, storage: MemoryStorage, knowledge: Knowledge = faq,
                             now: @escaping @Sendable () -> Date = { Date() }) throws -> Orchestrator {
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)"}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0.05, "output_usd_per_mtok": 0.1}],
         "embeddings": {"provider": "local", "model": "embed-model", "answer_threshold": 0.8},
         "cache_ttl_s": 3600}
        """)
        config.deadlineMs = 5_000
        return Orchestrator(config: config, knowledge: knowledge, ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage),
                            now: now,
                            cache: AnswerCache(storage: storage, ttlSeconds: config.cacheTTLSeconds, knowledgeVersion: knowledge.version),
                            semantic: SemanticIndex(knowledge: knowledge, model: "embed-model", storage: storage))
    }

    @Test func aCloseEnoughQuestionGetsTheEntrysAnswerWithoutGeneration() throws {
        let fake = try FakeLLMServer()
        fake.setEmbedding("Do you deliver?", [1, 0, 0])
        fake.setEmbedding("Can you deliver to Lekki?", [0.9, 0.1, 0])
        fake.setEmbedding("When are you open?", [0, 1, 0])
        fake.setEmbedding("do u bring orders to lekki", [0.95, 0.05, 0.05])
        fake.setEmbedding("what is your favourite colour", [0, 0, 1])
        let storage = MemoryStorage()
        let o = try Self.orchestrator(fake, storage: storage)
        let d = o.respond(question: "do u bring orders to lekki", history: [], deadline: .now + .seconds(5))
        #expect(d.outcome == .answer("We deliver across Lagos Island and Lekki."))
        #expect(d.events.map(\.outcome) == ["indexed", "answer"])
        #expect(fake.chatRequests.isEmpty)
        let embeddingCalls = fake.requests.filter { $0.path == "/v1/embeddings" }
        #expect(embeddingCalls.count == 2) // the FAQ's three questions at once, then the message

        // A second instance on the same store (a restart): the FAQ's vectors are not computed again.
        let again = try Self.orchestrator(fake, storage: storage)
        let far = again.respond(question: "what is your favourite colour", history: [], deadline: .now + .seconds(5))
        #expect(far.events.first?.outcome == "no_match")
        #expect(fake.requests.filter { $0.path == "/v1/embeddings" }.count == 3) // only the message
        #expect(fake.chatRequests.count == 1) // below the threshold: generation
        guard case .answer = far.outcome else { Issue.record("no answer"); return }
    }

    /// A message as close to two entries is not answered by either: the best entry must
    /// lead the next by answer_margin (0.15 by default), however high its score.
    @Test func aMessageBetweenTwoEntriesIsLeftToGeneration() throws {
        let fake = try FakeLLMServer()
        fake.setEmbedding("Do you deliver?", [1, 0, 0])
        fake.setEmbedding("Can you deliver to Lekki?", [1, 0.05, 0])
        fake.setEmbedding("When are you open?", [0.9, 0.3, 0])
        fake.setEmbedding("are you open to deliver", [1, 0.15, 0])
        let o = try Self.orchestrator(fake, storage: MemoryStorage())
        let d = o.respond(question: "are you open to deliver", history: [], deadline: .now + .seconds(5))
        let semantic = try #require(d.events.first { $0.tier == "semantic" && $0.outcome == "no_match" })
        #expect(semantic.detail.contains("margin below 0.150"), "\(semantic.detail)")
        #expect(fake.chatRequests.count == 1)   // generation, not the delivery entry's answer
    }

    @Test func theSameQuestionIsAnsweredFromTheCacheUntilTheKnowledgeChanges() throws {
        let fake = try FakeLLMServer()
        fake.setDefaultContent(answer("Yes, egg-free cakes on request.", 0.9))
        let storage = MemoryStorage()
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let o = try Self.orchestrator(fake, storage: storage, now: { clock.withLock { $0 } })
        #expect(o.respond(question: "Do you make egg free cakes?", history: [], deadline: .now + .seconds(5)).outcome
                == .answer("Yes, egg-free cakes on request."))
        #expect(fake.chatRequests.count == 1)
        let hit = o.respond(question: "do you make EGG-FREE cakes??", history: [], deadline: .now + .seconds(5))
        #expect(hit.outcome == .answer("Yes, egg-free cakes on request."))
        #expect(hit.events.map(\.tier) == ["cache"])
        #expect(fake.chatRequests.count == 1)
        // Short questions depend on the conversation: never cached.
        _ = o.respond(question: "how much?", history: [], deadline: .now + .seconds(5))
        _ = o.respond(question: "how much?", history: [], deadline: .now + .seconds(5))
        #expect(fake.chatRequests.count == 3)

        // After the TTL: asked again.
        clock.withLock { $0 += 3_601 }
        _ = o.respond(question: "Do you make egg free cakes?", history: [], deadline: .now + .seconds(5))
        #expect(fake.chatRequests.count == 4)

        // New knowledge (another version): the cache is empty.
        let changed = Knowledge(chunks: [Knowledge.chunk("k.md", "Egg-free cakes: yes.")], faq: Self.faq.faq)
        let o2 = try Self.orchestrator(fake, storage: storage, knowledge: changed, now: { clock.withLock { $0 } })
        _ = o2.respond(question: "Do you make egg free cakes?", history: [], deadline: .now + .seconds(5))
        #expect(fake.chatRequests.count == 5)
    }

    @Test func anEmbeddingProviderThatFailsFallsThroughToGeneration() throws {
        let fake = try FakeLLMServer()
        let storage = MemoryStorage()
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)"},
                       {"id": "emb", "api": "openai", "base_url": "http://127.0.0.1:9/v1", "timeout_ms": 500}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0.05, "output_usd_per_mtok": 0.1}],
         "embeddings": {"provider": "emb", "model": "embed-model"}}
        """)
        config.deadlineMs = 5_000
        let o = Orchestrator(config: config, knowledge: Self.faq, ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage),
                             semantic: SemanticIndex(knowledge: Self.faq, model: "embed-model", storage: storage))
        let d = o.respond(question: "do you deliver?", history: [], deadline: .now + .seconds(5))
        #expect(d.events.first?.tier == "semantic" && d.events.first?.outcome == "failed")
        #expect(d.outcome == .answer("Fake answer."))
        // The FAQ's vectors are not asked for on every message after a failure.
        let next = o.respond(question: "do you deliver?", history: [], deadline: .now + .seconds(5))
        #expect(!next.events.contains { $0.tier == "semantic" })
    }
}

@Suite struct ConcurrencyBoundTests {
    @Test func aSlowProviderHoldsAtMostMaxConcurrentCallsOfAWorkspace() throws {
        let fake = try FakeLLMServer()
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)", "max_retries": 0}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}],
         "max_concurrent_calls": 2, "cache_ttl_s": 0}
        """)
        config.deadlineMs = 3_000
        fake.script(Array(repeating: .hang(.milliseconds(1_500), then: answer("Slow but sure.", 0.9)), count: 2))
        let o = Orchestrator(config: config, knowledge: Knowledge(chunks: []),
                             ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: MemoryStorage()))
        let outcomes = Mutex<[LLMOutcome]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let d = o.respond(question: "question from a customer", history: [], deadline: .now + .seconds(3))
            outcomes.withLock { $0.append(d.outcome) }
        }
        #expect(outcomes.withLock { $0 } == [.answer("Slow but sure."), .answer("Slow but sure.")])
        // Two in flight again, then a third: it is handed off quickly, not queued.
        fake.script(Array(repeating: .hang(.milliseconds(1_500), then: answer("Slow.", 0.9)), count: 2))
        let third = Mutex<(LLMOutcome, Duration)?>(nil)
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) { _ = o.respond(question: "question from a customer", history: [], deadline: .now + .seconds(3)) }
        }
        #expect(fake.wait { $0.requestsStarted >= 4 })
        let started = ContinuousClock.now
        let d = o.respond(question: "another customer", history: [], deadline: .now + .seconds(3))
        third.withLock { $0 = (d.outcome, started.duration(to: .now)) }
        group.wait()
        let (outcome, took) = try #require(third.withLock { $0 })
        guard case .handoff(let reason) = outcome else { Issue.record("not handed off: \(outcome)"); return }
        #expect(reason.contains("2 calls already in flight"))
        #expect(took < .milliseconds(800))
    }
}

@Suite struct BudgetUnderConcurrencyTests {
    /// Twenty conversations at once against a budget that holds a few calls: the calls
    /// made never add up to more than the limit, because each books its worst case first.
    @Test func concurrentMessagesNeverOverrunTheDailyLimit() throws {
        let fake = try FakeLLMServer()
        // Each answer reports the worst case the plugin booked for it could be: its cap.
        fake.setDefaultContent(answer("Yes.", 0.9))
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)"}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 1.0, "output_usd_per_mtok": 10.0, "max_tokens": 100}],
         "max_concurrent_calls": 32, "cache_ttl_s": 0}
        """)
        config.deadlineMs = 5_000
        let storage = MemoryStorage()
        // Worst case a call: ~70 prompt tokens at $1/Mtok + 100 output tokens at $10/Mtok ≈ $0.00107.
        let ledger = BudgetLedger(dailyUSD: 0.005, monthlyUSD: nil, storage: storage)
        let o = Orchestrator(config: config, knowledge: Knowledge(chunks: []), ledger: ledger)
        // Each call costs about its worst case: 60 input tokens ($0.00006) + 100 output ($0.001).
        // Slow enough that the calls overlap.
        for _ in 0..<20 { fake.script(.slowText(.milliseconds(150), answer("Yes.", 0.9), input: 60, output: 100)) }
        let outcomes = Mutex<[LLMOutcome]>([])
        let group = DispatchGroup()
        for i in 0..<20 {
            group.enter()
            // A thread each (the dispatch pool would run only a few at once on 2 cores).
            Thread.detachNewThread {
                let d = o.respond(question: "question \(i)", history: [], deadline: .now + .seconds(5))
                outcomes.withLock { $0.append(d.outcome) }
                group.leave()
            }
        }
        group.wait()
        let answered = outcomes.withLock { $0.filter { if case .answer = $0 { true } else { false } }.count }
        let calls = fake.chatRequests.count
        #expect(calls == answered)
        // $0.005 holds four calls of $0.00106; never a fifth, however they interleave.
        #expect(calls >= 3 && calls <= 4, "\(calls) calls")
        #expect(try ledger.spent(now: Date()).day <= 0.005)
        #expect(outcomes.withLock { $0.contains(.handoff(reason: "llm: budget reached, no model call made")) })
    }
}
