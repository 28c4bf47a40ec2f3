import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard eval`: a labelled question set through the workspace's real chain (the
/// bundled faq and handoff plugins of the demo bakery), counted the way a business reads it.
@Suite struct EvalCommandTests {
    static let questions = """
    # expected<TAB>question
    hours\tWhen are you open?
    delivery\tdo u deliver to lekki pls

    none\tthis is a complaint
    none\twhat is the capital of France
    payment\tAre you open on Sunday?

    """

    /// The demo bakery's FAQ and handoff, without the demo's llm plugin (whose answers
    /// depend on a model server), and its fallback text.
    static let bakery = """
    id: demo
    name: Mama Titi Bakery
    region: NG
    timezone: Africa/Lagos
    fallback: "Thanks! We will get back to you shortly."
    plugins:
      - name: faq
        config:
          entries:
            - id: hours
              questions: ["What are your opening hours?", "When are you open?", "Are you open on Sunday?"]
              answer: "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays."
            - id: delivery
              questions: ["Do you deliver?", "How much is delivery?", "Can you deliver to Lekki?"]
              answer: "Yes! We deliver across Lagos Island and Lekki for 1,500 naira."
            - id: payment
              questions: ["How can I pay?", "Do you accept transfer?", "Can I pay by card?"]
              answer: "We accept cash, card and bank transfer."
      - name: handoff
        config:
          keywords: ["human", "agent", "complaint"]
    """

    func host() throws -> TestHost {
        try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": Self.bakery])
    }

    @Test func countsEachTierAndTheTotals() throws {
        let h = try host()
        let file = h.dir.appendingPathComponent("q.tsv")
        try Self.questions.write(to: file, atomically: true, encoding: .utf8)
        let r = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", "--json", file.path], cwd: h.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["in_scope"] as? Int == 3)
        #expect(o["out_of_scope"] as? Int == 2)
        #expect(o["correct"] as? Int == 2)
        #expect(o["wrong"] as? Int == 1)     // "open on Sunday" is the hours entry's, labelled payment
        #expect(o["out_of_scope_answered"] as? Double == 0)
        #expect(abs((o["precision"] as? Double ?? 0) - 2.0 / 3) < 0.001)
        let tiers = try #require(o["tiers"] as? [[String: Any]])
        func tier(_ name: String) -> [String: Any]? { tiers.first { $0["tier"] as? String == name } }
        #expect(tier("faq")?["answered"] as? Int == 3)
        #expect(tier("faq")?["correct"] as? Int == 2)
        #expect(tier("handoff")?["not_answered"] as? Int == 1)   // "complaint" is a handoff keyword
        #expect(tier("fallback")?["not_answered"] as? Int == 1)  // the demo has a fallback text

        let text = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", "--show-wrong", file.path], cwd: h.dir)
        #expect(text.status == 0)
        #expect(text.stdout.contains("precision: 66.7 % (2 correct of 3 judged answers)"))
        #expect(text.stdout.contains("line 7: expected payment, faq answered with hours | Are you open on Sunday?"))

        let rows = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", "--details", file.path], cwd: h.dir)
        #expect(rows.status == 0)
        #expect(rows.stdout.split(separator: "\n").map(String.init) == [
            "LINE\tEXPECTED\tTIER\tANSWERED\tOUTCOME",
            "2\thours\tfaq\thours\tcorrect",
            "3\tdelivery\tfaq\tdelivery\tcorrect",
            "5\tnone\thandoff\t-\tdeclined",
            "6\tnone\tfallback\t-\tdeclined",
            "7\tpayment\tfaq\thours\twrong",
        ])
    }

    /// The bakery with the llm plugin behind its FAQ: a two-model cascade on a fake
    /// OpenAI-compatible server. The spend eval reports is what the calls the fake answered
    /// cost: their usage times the prices of the model each was sent to.
    @Test func reportsTheSpendTheLLMPluginBooked() throws {
        let fake = try FakeLLMServer()
        defer { fake.stop() }
        // Three questions the FAQ cannot answer, in file order (eval runs them one by one):
        // the small model answers the first, the second escalates to the big model (which
        // answers), the third escalates and the big model does not know either.
        let answer = #"{"action": "answer", "text": "We bake sourdough on Fridays.", "confidence": 0.9}"#
        let unknown = #"{"action": "unknown", "text": "", "confidence": 0.2}"#
        let script: [FakeLLMServer.Reply] = [
            .text(answer, input: 1200, output: 25),
            .text(unknown, input: 1300, output: 12),
            .text(answer, input: 1300, output: 30, cached: 1000),
            .text(unknown, input: 1250, output: 12),
            .text(unknown, input: 1250, output: 11),
        ]
        fake.script(script)
        let ws = Self.bakery.replacingOccurrences(of: "  - name: handoff\n", with: """
          - name: llm
            deadline_ms: 10000
            config:
              providers:
                - {id: local, api: openai, base_url: "\(fake.openAIBaseURL)", timeout_ms: 5000, max_retries: 0}
              models:
                - {id: small, providers: [local], model: "small-model", input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10, min_confidence: 0.7}
                - {id: big, providers: [local], model: "big-model", input_usd_per_mtok: 3.0, output_usd_per_mtok: 15.0}
              knowledge: [\(TestHost.repoRoot.appendingPathComponent("config/knowledge/demo.md").path)]
              cache_ttl_s: 0
              deadline_ms: 8000
          - name: handoff

        """)
        #expect(ws.contains("name: llm"))
        let h = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": ws])
        let file = h.dir.appendingPathComponent("q.tsv")
        try "hours\tWhen are you open?\nnone\twhich days is sourdough baked\nnone\tdo you bake rye\nnone\tcan I bring my dog\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", "--json", file.path], cwd: h.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")

        // What the fake was asked, and so what those calls cost at the config's prices.
        let calls = fake.chatRequests.map { $0.model ?? "?" }
        #expect(calls == ["small-model", "small-model", "big-model", "small-model", "big-model"])
        let usage: [(Int, Int, Int)] = [(1200, 25, 0), (1300, 12, 0), (1300, 30, 1000), (1250, 12, 0), (1250, 11, 0)]
        let prices = ["small-model": (0.05, 0.10), "big-model": (3.0, 15.0)]
        let expected = zip(calls, usage).reduce(0.0) { sum, c in
            let (p, u) = (prices[c.0]!, c.1)
            // Cached input at the default cached price, a tenth of the input price.
            return sum + (Double(u.0 - u.2) * p.0 + Double(u.2) * p.0 * 0.1 + Double(u.1) * p.1) / 1_000_000
        }
        let spend = try #require(o["spend_usd"] as? Double, "\(r.stdout)")
        // The ledger books each call rounded up to the micro-dollar.
        #expect(spend >= expected - 1e-9 && spend <= expected + Double(calls.count) * 1e-6, "spend \(spend), expected \(expected)")
        #expect(expected > 0.005)

        #expect(o["wrong"] as? Int == 2)   // the two answers, to questions labelled none

        // Per tier and model: the ledger's breakdown, each model's calls at its prices.
        let byTier = try #require(o["spend_by_tier"] as? [String: Double], "\(r.stdout)")
        #expect(Set(byTier.keys) == ["generate/small", "generate/big"], "\(byTier)")
        for (label, model) in [("generate/small", "small-model"), ("generate/big", "big-model")] {
            let p = prices[model]!
            let cost = zip(calls, usage).filter { $0.0 == model }.reduce(0.0) { sum, c in
                sum + (Double(c.1.0 - c.1.2) * p.0 + Double(c.1.2) * p.0 * 0.1 + Double(c.1.1) * p.1) / 1_000_000
            }
            #expect(abs(byTier[label]! - cost) <= 2e-6, "\(label): \(byTier[label]!) against \(cost)")
        }
        // The llm plugin's answers are counted under the tier that gave them.
        let tiers = (o["tiers"] as? [[String: Any]] ?? []).compactMap { $0["tier"] as? String }
        #expect(tiers.contains("llm/generate"), "\(tiers)")

        // The same run again, as text: the same spend.
        fake.script(script)
        let text = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", file.path], cwd: h.dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains(String(format: "spend: $%.6f", spend)), "\(text.stdout)")
        #expect(text.stdout.contains(String(format: "  generate/big: $%.6f", byTier["generate/big"]!)), "\(text.stdout)")
        #expect(fake.chatRequests.count == 10)
    }

    /// The llm plugin alone, with the FAQ matcher inside its semantic tier
    /// (`embeddings.lexical`): its knowledge's FAQ entries are judged like a faq plugin's,
    /// its answers counted under the tier that gave them (the matcher's, confirmed by the
    /// embeddings, and the semantic tier's), and the embedding calls' cost is in the spend.
    @Test func theLLMPluginsFAQTiersAreJudgedAndPriced() throws {
        let fake = try FakeLLMServer()
        defer { fake.stop() }
        fake.setEmbedding("When are you open?", [0, 1, 0])
        fake.setEmbedding("What are your opening hours?", [0.1, 0.95, 0])
        fake.setEmbedding("Do you deliver to Lekki?", [1, 0, 0])
        fake.setEmbedding("Can you deliver my order to Lekki?", [0.95, 0.1, 0])
        fake.setEmbedding("when are you open on saturday", [0.05, 0.98, 0.1])   // agrees with the matcher: hours
        fake.setEmbedding("can you deliver my cake to the party", [0.2, 0.3, 0.9]) // far from both entries by meaning: not answered
        fake.setEmbedding("what time do u close", [0.08, 0.97, 0.02])              // no lexical match; by meaning: hours
        fake.setDefaultContent(#"{"action": "unknown", "text": "", "confidence": 0.1}"#)
        let h = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: [:])
        let faq = h.dir.appendingPathComponent("faq.json")
        try """
        [{"id": "hours", "questions": ["When are you open?", "What are your opening hours?"], "answer": "8am to 7pm."},
         {"id": "delivery", "questions": ["Do you deliver to Lekki?", "Can you deliver my order to Lekki?"], "answer": "Across Lekki."}]
        """.write(to: faq, atomically: true, encoding: .utf8)
        try """
        id: shop
        name: Shop
        region: NG
        timezone: Africa/Lagos
        plugins:
          - name: llm
            deadline_ms: 10000
            config:
              providers:
                - {id: local, api: openai, base_url: "\(fake.openAIBaseURL)", timeout_ms: 5000, max_retries: 0}
              models:
                - {id: small, providers: [local], model: "small-model", input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10}
              embeddings: {provider: local, model: "embed-model", lexical: true, usd_per_mtok: 100}
              knowledge: [\(faq.path)]
              cache_ttl_s: 0
              on_unknown: fallback
              deadline_ms: 8000
        """.write(to: h.dir.appendingPathComponent("workspaces/shop.yaml"), atomically: true, encoding: .utf8)
        let file = h.dir.appendingPathComponent("q.tsv")
        try "hours\twhen are you open on saturday\nnone\tcan you deliver my cake to the party\nhours\twhat time do u close\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "shop", "--json", file.path], cwd: h.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        #expect(o["correct"] as? Int == 2, "\(r.stdout)")
        #expect(o["wrong"] as? Int == 0, "\(r.stdout)")
        let tiers = (o["tiers"] as? [[String: Any]] ?? []).compactMap { t in (t["tier"] as? String).map { ($0, t["correct"] as? Int ?? 0) } }
        #expect(tiers.contains { $0.0 == "llm/faq" && $0.1 == 1 }, "\(tiers)")
        #expect(tiers.contains { $0.0 == "llm/semantic" && $0.1 == 1 }, "\(tiers)")
        // The embedding calls at $100 per million tokens: the FAQ's 4 questions, then 3 messages.
        let byTier = try #require(o["spend_by_tier"] as? [String: Double], "\(r.stdout)")
        let tokens = ["When are you open?", "What are your opening hours?", "Do you deliver to Lekki?", "Can you deliver my order to Lekki?",
                      "when are you open on saturday", "can you deliver my cake to the party", "what time do u close"]
            .reduce(0) { $0 + max(1, $1.count / 4) }
        #expect(abs((byTier["semantic/embed-model"] ?? 0) - Double(tokens) * 100 / 1e6) <= 1e-6, "\(byTier)")
    }

    @Test func withoutAnLLMPluginSpendIsNull() throws {
        let h = try host()
        let file = h.dir.appendingPathComponent("q.tsv")
        try Self.questions.write(to: file, atomically: true, encoding: .utf8)
        let r = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", "--json", file.path], cwd: h.dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"spend_usd\":null"), "\(r.stdout)")
        let text = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", file.path], cwd: h.dir)
        #expect(!text.stdout.contains("spend:"))
    }

    @Test func badFilesAreRefusedWithTheirLine() throws {
        let h = try host()
        let noTab = h.dir.appendingPathComponent("notab.tsv")
        try "hours\tWhen are you open?\nwhen do you close\n".write(to: noTab, atomically: true, encoding: .utf8)
        let r1 = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", noTab.path], cwd: h.dir)
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("notab.tsv:2: expected ENTRY_ID<TAB>QUESTION"), "\(r1.stderr)")
        #expect(r1.stdout.isEmpty)

        let unknown = h.dir.appendingPathComponent("unknown.tsv")
        try "openinghours\tWhen are you open?\n".write(to: unknown, atomically: true, encoding: .utf8)
        let r2 = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", unknown.path], cwd: h.dir)
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("unknown.tsv:1: no FAQ entry 'openinghours' in this workspace"), "\(r2.stderr)")

        let missing = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo", h.dir.appendingPathComponent("nope.tsv").path], cwd: h.dir)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read"))
        let noArgs = try runSwitchboard(["eval", "--config", h.configPath, "--workspace", "demo"], cwd: h.dir)
        #expect(noArgs.status == 2)
    }
}
