import Foundation
import Testing
import SwitchboardTestSupport
@testable import LLMEngine

/// `embeddings.lexical`: the FAQ matcher inside the semantic tier, its answers vetoed when
/// the embeddings disagree; `handoff_below`: out of scope before generation; the price of
/// embedding calls and the spend per tier and model in the ledger.
@Suite struct SemanticLexicalTests {
    static let faq = Knowledge(chunks: [], faq: [
        Knowledge.FAQItem(id: "delivery", questions: ["Do you deliver to Lekki?", "Can you deliver my order to Lekki?"],
                          answer: "We deliver across Lagos Island and Lekki."),
        Knowledge.FAQItem(id: "hours", questions: ["When are you open?", "What are your opening hours?"], answer: "8am to 7pm, Monday to Saturday."),
    ])

    static func orchestrator(_ fake: FakeLLMServer, storage: MemoryStorage, embeddings: String,
                             embeddingsURL: String? = nil) throws -> Orchestrator {
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)"},
                       {"id": "emb", "api": "openai", "base_url": "\(embeddingsURL ?? fake.openAIBaseURL)", "timeout_ms": 1000, "max_retries": 0}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0.05, "output_usd_per_mtok": 0.1}],
         "embeddings": \(embeddings)}
        """)
        config.deadlineMs = 5_000
        return Orchestrator(config: config, knowledge: faq, ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage),
                            semantic: SemanticIndex(knowledge: faq, model: "embed-model", storage: storage,
                                                    lexical: config.embeddings?.lexical ?? false))
    }

    static func vectors(_ fake: FakeLLMServer) {
        fake.setEmbedding("Do you deliver to Lekki?", [1, 0, 0])
        fake.setEmbedding("Can you deliver my order to Lekki?", [0.95, 0.1, 0])
        fake.setEmbedding("When are you open?", [0, 1, 0])
        fake.setEmbedding("What are your opening hours?", [0.1, 0.95, 0])
    }

    @Test func theDefaultsDependOnLexical() throws {
        let on = try LLMConfig(json: #"{"providers": [{"id": "p", "api": "openai", "base_url": "http://127.0.0.1:9/v1"}], "models": [{"id": "m", "providers": ["p"], "model": "m", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}], "embeddings": {"provider": "p", "model": "e", "lexical": true}}"#)
        #expect(on.embeddings?.answerMargin == 0 && on.embeddings?.entryMargin == 0.07 && on.embeddings?.lexical == true)
        let off = try LLMConfig(json: #"{"providers": [{"id": "p", "api": "openai", "base_url": "http://127.0.0.1:9/v1"}], "models": [{"id": "m", "providers": ["p"], "model": "m", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}], "embeddings": {"provider": "p", "model": "e"}}"#)
        #expect(off.embeddings?.answerMargin == 0.15 && off.embeddings?.entryMargin == nil && off.embeddings?.lexical == false)
        #expect(off.embeddings?.usdPerMTok == 0 && off.embeddings?.handoffBelow == nil)
        #expect(throws: LLMConfigError.self) {
            try LLMConfig(json: #"{"providers": [{"id": "p", "api": "openai", "base_url": "http://127.0.0.1:9/v1"}], "models": [{"id": "m", "providers": ["p"], "model": "m", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}], "embeddings": {"provider": "p", "model": "e", "usd_per_mtok": -1}}"#)
        }
    }

    @Test func aLexicalMatchTheEmbeddingsAgreeWithIsAnsweredWithoutGeneration() throws {
        let fake = try FakeLLMServer()
        Self.vectors(fake)
        fake.setEmbedding("can you deliver to lekki", [0.97, 0.05, 0.1])
        let o = try Self.orchestrator(fake, storage: MemoryStorage(), embeddings: #"{"provider": "emb", "model": "embed-model", "lexical": true}"#)
        let d = o.respond(question: "can you deliver to lekki", history: [], deadline: .now + .seconds(5))
        #expect(d.outcome == .answer("We deliver across Lagos Island and Lekki."))
        #expect(d.events.last?.tier == "faq" && d.events.last?.outcome == "answer", "\(d.events)")
        #expect(d.events.dropLast().last?.tier == "semantic" && d.events.dropLast().last?.outcome == "agrees", "\(d.events)")
        #expect(fake.chatRequests.isEmpty)
    }

    @Test func aLexicalMatchTheEmbeddingsDisagreeWithIsVetoed() throws {
        let fake = try FakeLLMServer()
        Self.vectors(fake)
        // Lexically "deliver ... lekki"; by meaning nearer the hours entry, and not close
        // enough to it for the semantic tier to answer: generation decides.
        fake.setEmbedding("can you deliver to lekki", [0.3, 0.5, 0.8])
        let o = try Self.orchestrator(fake, storage: MemoryStorage(), embeddings: #"{"provider": "emb", "model": "embed-model", "lexical": true}"#)
        let d = o.respond(question: "can you deliver to lekki", history: [], deadline: .now + .seconds(5))
        let veto = try #require(d.events.first { $0.tier == "faq" })
        #expect(veto.outcome == "vetoed")
        #expect(veto.detail.contains("entry delivery") && veto.detail.contains("is hours"), "\(veto.detail)")
        #expect(d.events.contains { $0.tier == "semantic" && $0.outcome == "no_match" })
        #expect(fake.chatRequests.count == 1)
        #expect(d.outcome == .answer("Fake answer."))
    }

    @Test func withoutEmbeddingsTheLexicalMatchIsAnsweredAlone() throws {
        let fake = try FakeLLMServer()
        let o = try Self.orchestrator(fake, storage: MemoryStorage(), embeddings: #"{"provider": "emb", "model": "embed-model", "lexical": true}"#,
                                      embeddingsURL: "http://127.0.0.1:9/v1")
        let d = o.respond(question: "can you deliver to lekki", history: [], deadline: .now + .seconds(5))
        #expect(d.outcome == .answer("We deliver across Lagos Island and Lekki."))
        #expect(d.events.first?.tier == "semantic" && d.events.first?.outcome == "failed")
        #expect(d.events.last?.tier == "faq" && d.events.last?.detail.contains("no embeddings") == true)
        #expect(fake.chatRequests.isEmpty)
        // Without lexical, the same message goes to generation.
        let plain = try Self.orchestrator(fake, storage: MemoryStorage(), embeddings: #"{"provider": "emb", "model": "embed-model"}"#,
                                          embeddingsURL: "http://127.0.0.1:9/v1")
        #expect(plain.respond(question: "can you deliver to lekki", history: [], deadline: .now + .seconds(5)).outcome == .answer("Fake answer."))
        #expect(fake.chatRequests.count == 1)
    }

    @Test func aMessageFarFromEveryEntryIsHandedOffBeforeGeneration() throws {
        let fake = try FakeLLMServer()
        Self.vectors(fake)
        fake.setEmbedding("what is the capital of peru", [0, 0, 1])
        fake.setEmbedding("do you sell sourdough", [0.5, 0.5, 0.5])
        let o = try Self.orchestrator(fake, storage: MemoryStorage(), embeddings: #"{"provider": "emb", "model": "embed-model", "handoff_below": 0.4}"#)
        let far = o.respond(question: "what is the capital of peru", history: [], deadline: .now + .seconds(5))
        guard case .handoff(let reason) = far.outcome else { Issue.record("\(far.outcome)"); return }
        #expect(reason.contains("far from every FAQ entry"))
        #expect(far.events.last?.outcome == "out_of_scope")
        #expect(fake.chatRequests.isEmpty)
        // Nearer than the floor (0.577 > 0.4) but not an answer: generation as before.
        let near = o.respond(question: "do you sell sourdough", history: [], deadline: .now + .seconds(5))
        #expect(near.outcome == .answer("Fake answer."))
        #expect(fake.chatRequests.count == 1)
    }

    @Test func embeddingCallsArePricedAndTheSpendIsKeptPerTierAndModel() throws {
        let fake = try FakeLLMServer()
        Self.vectors(fake)
        fake.setDefaultContent(#"{"action": "answer", "text": "Yes.", "confidence": 0.9}"#)
        let storage = MemoryStorage()
        let o = try Self.orchestrator(fake, storage: storage, embeddings: #"{"provider": "emb", "model": "embed-model", "usd_per_mtok": 20}"#)
        let start = Date()
        let d = o.respond(question: "do you bake birthday cakes on sunday", history: [], deadline: .now + .seconds(5))
        #expect(d.outcome == .answer("Yes."))
        // The fake bills a token per 4 characters: the FAQ's 4 questions (indexing), then the message.
        let indexTokens = ["Do you deliver to Lekki?", "Can you deliver my order to Lekki?", "When are you open?", "What are your opening hours?"]
            .reduce(0) { $0 + max(1, $1.count / 4) }
        let messageTokens = "do you bake birthday cakes on sunday".count / 4
        let semantic = d.events.filter { $0.tier == "semantic" }
        #expect(semantic.map(\.usage.input) == [indexTokens, messageTokens], "\(semantic)")
        #expect(abs(semantic.reduce(0) { $0 + $1.costUSD } - Double(indexTokens + messageTokens) * 20 / 1e6) < 1e-12)
        let generated = try #require(d.events.first { $0.tier == "generate" })
        let byLabel = try BudgetLedger.bookedByLabel(in: storage, from: start, to: Date())
        #expect(Set(byLabel.keys) == ["semantic/embed-model", "generate/small"])
        #expect(abs(byLabel["semantic/embed-model"]! - Double(indexTokens + messageTokens) * 20 / 1e6) < 2e-6)
        #expect(abs(byLabel["generate/small"]! - generated.costUSD) < 2e-6)
        // The totals (what the budget is checked against) hold both.
        #expect(byLabel["semantic/embed-model"]! <= Double(indexTokens + messageTokens) * 20 / 1e6 + 1e-12)
        let total = try BudgetLedger.bookedUSD(in: storage, from: start, to: Date())
        #expect(abs(total - byLabel.values.reduce(0, +)) < 3e-6)
    }

    /// A short message's embedding costs $0.0000002 at $0.02 per million tokens: booked one
    /// by one at the ledger's micro-dollar, a thousand would cost $0.001 instead of $0.0002.
    @Test func tinyEmbeddingCostsAreNotRoundedUpOneByOne() throws {
        let storage = MemoryStorage()
        let ledger = BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage)
        let start = Date()
        for _ in 0..<1000 { ledger.chargeSmall(10 * 0.02 / 1e6, now: Date(), label: "semantic/e") }
        let total = try BudgetLedger.bookedUSD(in: storage, from: start, to: Date())
        #expect(abs(total - 0.0002) <= 1e-6, "\(total)")
        #expect(abs((try BudgetLedger.bookedByLabel(in: storage, from: start, to: Date()))["semantic/e"]! - 0.0002) <= 1e-6)
    }
}
