import Foundation
import Testing
@testable import LLMEngine

/// The config of the issue, key for key, and the errors a business owner gets for
/// the usual mistakes.
@Suite struct LLMConfigTests {
    static let issueExample = """
    {"providers": [
       {"id": "local", "api": "openai", "base_url": "http://127.0.0.1:8000/v1", "api_key": "", "timeout_ms": 20000},
       {"id": "cloud", "api": "anthropic", "base_url": "https://api.anthropic.com", "api_key": "sk-ant-test"}],
     "models": [
       {"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0.05, "output_usd_per_mtok": 0.10, "min_confidence": 0.7},
       {"id": "big", "providers": ["cloud", "local"], "model": "big-model", "input_usd_per_mtok": 3.0, "output_usd_per_mtok": 15.0}],
     "embeddings": {"provider": "local", "model": "embed-model", "answer_threshold": 0.80},
     "knowledge": [],
     "budget": {"daily_usd": 1.00, "monthly_usd": 20.00},
     "debounce_ms": 1500, "history_messages": 8, "cache_ttl_s": 86400, "on_unknown": "handoff"}
    """

    @Test func theIssuesExampleParses() throws {
        let c = try LLMConfig(json: Self.issueExample)
        #expect(c.providers.map(\.id) == ["local", "cloud"])
        #expect(c.providers[0].chatURL == "http://127.0.0.1:8000/v1/chat/completions")
        #expect(c.providers[0].embeddingsURL == "http://127.0.0.1:8000/v1/embeddings")
        #expect(c.providers[1].chatURL == "https://api.anthropic.com/v1/messages")
        #expect(c.providers[0].timeoutMs == 20000)
        #expect(c.providers[1].timeoutMs == 20000) // the default
        #expect(c.providers[0].maxTokensField == "max_tokens")
        #expect(c.models.map(\.id) == ["small", "big"])
        #expect(c.models[1].providers == ["cloud", "local"])
        #expect(c.models[0].minConfidence == 0.7)
        #expect(c.models[1].outputUSDPerMTok == 15.0)
        #expect(abs(c.models[1].cachedInputUSDPerMTok - 0.3) < 1e-12)
        #expect(c.embeddings == LLMConfig.Embeddings(provider: "local", model: "embed-model", answerThreshold: 0.8, answerMargin: 0.15))  // margin: the default
        #expect(c.dailyUSD == 1.0 && c.monthlyUSD == 20.0)
        #expect(c.debounceMs == 1500 && c.historyMessages == 8 && c.cacheTTLSeconds == 86400)
        #expect(c.onUnknown == .handoff)
        #expect(c.handoffMessage == "Thanks for your patience. An agent will reply shortly.")
        #expect(try LLMConfig(json: Self.replacing("\"on_unknown\": \"handoff\"", "\"handoff_message\": \"\"")).handoffMessage == nil)
    }

    @Test func openAIsOwnHostGetsMaxCompletionTokens() throws {
        let c = try LLMConfig(json: """
        {"providers": [{"id": "oa", "api": "openai", "base_url": "https://api.openai.com/v1/"}],
         "models": [{"id": "m", "providers": ["oa"], "model": "gpt-4o-mini", "input_usd_per_mtok": 0.15, "output_usd_per_mtok": 0.6}]}
        """)
        #expect(c.providers[0].maxTokensField == "max_completion_tokens")
        #expect(c.providers[0].baseURL == "https://api.openai.com/v1")
    }

    static func error(_ json: String) -> String {
        do {
            _ = try LLMConfig(json: json)
            return "no error"
        } catch {
            return error.message
        }
    }

    static func replacing(_ old: String, _ new: String) -> String {
        precondition(issueExample.contains(old), old)
        return issueExample.replacingOccurrences(of: old, with: new)
    }

    @Test func mistakesAreNamedWithTheirPlace() {
        #expect(Self.error("[1]") == "config is not a JSON object")
        #expect(Self.error("{}") == "config: providers is missing (at least one provider)")
        #expect(Self.error(Self.replacing("\"debounce_ms\"", "\"debounce\"")).hasPrefix("config: unknown key \"debounce\" (known: "))
        #expect(Self.error(Self.replacing("\"api\": \"anthropic\"", "\"api\": \"claude\""))
            == "config: providers[1].api: \"claude\" is not one of openai, anthropic")
        #expect(Self.error(Self.replacing("\"providers\": [\"cloud\", \"local\"]", "\"providers\": [\"clud\", \"local\"]"))
            == "config: models[1].providers: unknown provider \"clud\" (declared: local, cloud)")
        #expect(Self.error(Self.replacing("\"input_usd_per_mtok\": 3.0", "\"input_usd_per_mtok\": -3"))
            == "config: models[1].input_usd_per_mtok must be a number from 0 to 10000")
        #expect(Self.error(Self.replacing("\"input_usd_per_mtok\": 3.0, ", "")).hasPrefix("config: models[1].input_usd_per_mtok is missing"))
        #expect(Self.error(Self.replacing("\"min_confidence\": 0.7", "\"min_confidence\": 7"))
            == "config: models[0].min_confidence must be a number from 0 to 1")
        #expect(Self.error(Self.replacing("\"on_unknown\": \"handoff\"", "\"on_unknown\": \"ignore\""))
            == "config: on_unknown: \"ignore\" is not handoff or fallback")
        #expect(Self.error(Self.replacing("\"history_messages\": 8", "\"history_messages\": true"))
            == "config: history_messages must be a whole number from 0 to 100")
        #expect(Self.error(Self.replacing("\"debounce_ms\": 1500", "\"debounce_ms\": 1.5"))
            == "config: debounce_ms must be a whole number from 0 to 60000")
        #expect(Self.error(Self.replacing("\"base_url\": \"https://api.anthropic.com\"", "\"base_url\": \"api.anthropic.com\""))
            == "config: providers[1].base_url: \"api.anthropic.com\" is not an http:// or https:// URL")
        #expect(Self.error(Self.replacing("\"provider\": \"local\"", "\"provider\": \"cloud\""))
            == "config: embeddings.provider: \"cloud\" speaks anthropic, which has no embeddings API; name an openai provider")
        #expect(Self.error(Self.replacing("\"daily_usd\": 1.00", "\"daily_usd\": \"1\""))
            == "config: budget.daily_usd must be a number from 0 to 1000000")
        #expect(Self.error(Self.replacing("{\"id\": \"big\"", "{\"id\": \"small\"")) == "config: models[1]: id \"small\" appears twice")
        #expect(Self.error(Self.replacing("\"timeout_ms\": 20000", "\"timeout_ms\": 20000, \"tmeout\": 1")).hasPrefix("config: providers[0]: unknown key \"tmeout\""))
        #expect(Self.error(Self.replacing("\"models\": [", "\"models\": [], \"x\": [")).hasPrefix("config: unknown key \"x\""))
    }

    @Test func knowledgeFilesAreCheckedWhenLoaded() throws {
        #expect(throws: LLMConfigError.self) { try Knowledge.load(paths: ["/nonexistent/k.md"]) }
        do {
            _ = try Knowledge.load(paths: ["faq.yaml"])
            Issue.record("a .yaml file was accepted")
        } catch {
            #expect(error.message.contains("unsupported file kind \".yaml\""))
        }
    }
}

@Suite struct KnowledgeTests {
    /// FAQ knowledge files are read as the faq plugin reads them: an entry that is not an
    /// FAQ entry is an error naming the file and the entry, not an entry dropped in silence.
    @Test func aBadFAQEntryIsAnErrorNotADroppedEntry() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llm-knowledge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("faq.json").path
        try #"[{"id": "cake", "questions": ["Birthday cakes?"]}]"#.write(toFile: json, atomically: true, encoding: .utf8)
        do {
            _ = try Knowledge.load(paths: [json])
            Issue.record("an entry without an answer was accepted")
        } catch {
            #expect(error.message.contains("faq.json"), "\(error.message)")
            #expect(error.message.contains("(cake): answer must be a non-empty string"), "\(error.message)")
        }
    }

    @Test func filesAreCutIntoChunksAndFAQEntries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llm-knowledge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let md = dir.appendingPathComponent("k.md").path
        try "# Shop\n\nWe sell bread.\n\n## Hours\n\nOpen 8 to 7.\nClosed Sundays.\n".write(toFile: md, atomically: true, encoding: .utf8)
        let csv = dir.appendingPathComponent("faq.csv").path
        try "id,question,answer\nhours,When are you open?,8 to 7\nhours,\"Open on Sunday, too?\",8 to 7\npay,Can I pay by card?,Yes\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("faq.json").path
        try #"{"entries": [{"id": "cake", "questions": ["Birthday cakes?"], "answer": "Yes, 3 days ahead."}]}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        let k = try Knowledge.load(paths: [md, csv, json])
        #expect(k.chunks.map(\.text) == [
            "# Shop\nWe sell bread.", "## Hours\nOpen 8 to 7.\nClosed Sundays.",
            "Q: When are you open? / Open on Sunday, too?\nA: 8 to 7", "Q: Can I pay by card?\nA: Yes",
            "Q: Birthday cakes?\nA: Yes, 3 days ahead.",
        ])
        #expect(k.faq.map(\.id) == ["hours", "pay", "cake"])
        #expect(k.faq[0].questions == ["When are you open?", "Open on Sunday, too?"])
        // The version follows the text.
        let again = try Knowledge.load(paths: [md, csv, json])
        #expect(again.version == k.version)
        try "# Shop\n\nWe sell bread and cakes.\n".write(toFile: md, atomically: true, encoding: .utf8)
        #expect(try Knowledge.load(paths: [md, csv, json]).version != k.version)
    }

    @Test func questionsAreNormalisedForTheCache() {
        #expect(normalizedQuestion("Do you DELIVER to Lékki??") == "do you deliver to lekki")
        #expect(normalizedQuestion("  how   much ") == "how much")
    }
}
