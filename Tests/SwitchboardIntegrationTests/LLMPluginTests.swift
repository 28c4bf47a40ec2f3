import Foundation
import Testing
import SwitchboardTestSupport

/// The llm plugin in the running host (the real binary, libllm.so loaded from the build):
/// with the demo workspace and no model server, the customer is handed to a person and
/// the journal says why; with a fake OpenAI-compatible server, the model's grounded
/// answer is sent.
@Suite(.serialized) struct LLMPluginTests {
    /// The demo workspace as shipped, its knowledge path made absolute (the test host
    /// runs in a temporary folder).
    static var demo: String {
        let text = (try? String(contentsOf: TestHost.repoRoot.appendingPathComponent("config/workspaces/demo.yaml"), encoding: .utf8)) ?? ""
        return text.replacingOccurrences(of: "config/knowledge/", with: TestHost.repoRoot.appendingPathComponent("config/knowledge").path + "/")
    }

    static func workspace(baseURL: String, extra: String = "") -> String {
        TestWorkspaces.demo + """

        plugins:
          - name: faq
            config:
              entries:
                - {id: hours, questions: ["When are you open?"], answer: "8am to 7pm, Monday to Saturday."}
          - name: llm
            deadline_ms: 10000
            config:
              providers:
                - {id: local, api: openai, base_url: "\(baseURL)", timeout_ms: 5000}
              models:
                - {id: small, providers: [local], model: "small-model", input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10, min_confidence: 0.7}
              knowledge: [\(TestHost.repoRoot.appendingPathComponent("config/knowledge/demo.md").path)]
              deadline_ms: 8000
              handoff_message: "An agent will reply shortly."
        \(extra)
          - name: handoff
        """
    }

    /// True when something listens on 127.0.0.1:`port` (a model server someone started).
    static func listening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// The demo points at 127.0.0.1:8000: this test means something only when no server runs there.
    @Test(.enabled(if: !LLMPluginTests.listening(8000), "a server listens on 127.0.0.1:8000"))
    func theDemoWithNoModelServerHandsOffAndJournalsWhy() throws {
        let h = try PipelineHarness(workspaces: ["demo": Self.demo])
        try h.start()
        #expect(try h.post([h.text("do you sell sugar free muffins?")]).status == 200)
        #expect(h.waitForReplies(1, timeout: .seconds(20)))
        #expect(h.replies.last?.text == "Thanks for your patience. An agent will reply shortly.")
        var events: [String] = []
        _ = h.graph.wait(timeout: .seconds(10)) { _ in
            events = (try? h.events()) ?? []
            return events.contains { $0.contains(" state_changed ") && $0.contains("\"to\":\"human\"") }
        }
        let verdict = events.first { $0.contains(" verdict ") && $0.contains("\"plugin\":\"llm\"") }
        #expect(verdict?.contains("llm: no provider answered") == true, "\(events)")
        #expect(verdict?.contains("connection") == true, "\(events)")
        // The host's log has one line per decision step, without the customer's text.
        let decisions = h.host.logLines.filter { $0["message"] as? String == "llm decision" }
        #expect(decisions.contains { $0["provider"] as? String == "local" && $0["outcome"] as? String == "failed" }, "\(h.host.logText)")
        #expect(!h.host.logText.contains("sugar free muffins"))
    }

    @Test func aModelAnswersWhatTheFAQCannot() throws {
        let fake = try FakeLLMServer()
        fake.script(.text(#"{"action": "answer", "text": "We do not make sugar-free muffins, sorry.", "confidence": 0.9}"#, input: 900, output: 14))
        let h = try PipelineHarness(workspaces: ["demo": Self.workspace(baseURL: fake.openAIBaseURL)])
        try h.start()
        #expect(try h.post([h.text("When are you open?")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "8am to 7pm, Monday to Saturday.")
        #expect(fake.chatRequests.isEmpty) // the FAQ answered: no model call

        #expect(try h.post([h.text("do you sell sugar free muffins?")]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(h.replies.last?.text == "We do not make sugar-free muffins, sorry.")
        let request = try #require(fake.chatRequests.first)
        let messages = try #require(request.json["messages"] as? [[String: Any]])
        // Grounded: the knowledge file is in the system prompt; the earlier exchange and
        // the question follow.
        let system = messages.first?["content"] as? String ?? ""
        #expect(system.contains("Answer ONLY from the KNOWLEDGE"))
        #expect(system.contains("We do not bake gluten-free bread"))
        #expect(messages.last?["content"] as? String == "do you sell sugar free muffins?")
        #expect(messages.filter { $0["content"] as? String == "do you sell sugar free muffins?" }.count == 1)
        #expect(messages.contains { $0["role"] as? String == "assistant" && $0["content"] as? String == "8am to 7pm, Monday to Saturday." })

        // The model hands off; from then on the conversation is human and no model is asked.
        fake.script(.text(#"{"action": "handoff", "text": "", "confidence": 0.9}"#))
        #expect(try h.post([h.text("this is not what I ordered, I am upset")]).status == 200)
        #expect(h.waitForReplies(3))
        #expect(h.replies.last?.text == "An agent will reply shortly.")
        #expect(fake.chatRequests.count == 2)
        #expect(try h.post([h.text("hello? anyone there about the bread?")]).status == 200)
        var events: [String] = []
        _ = h.graph.wait(timeout: .seconds(10)) { _ in
            events = (try? h.events()) ?? []
            return events.filter { $0.contains(" verdict ") }.count >= 4
        }
        #expect(events.contains { $0.contains(" verdict ") && $0.contains("llm: model small asked for a human") }, "\(events)")
        #expect(fake.chatRequests.count == 2)
        #expect(h.replies.count == 3)
    }

    /// ABI 1.3: the plugin's decision is in the workspace's journal (`switchboard
    /// events`) with its tokens, and its counters on the metrics listener.
    @Test func theAnswerIsJournalledAndCountedByThePlugin() throws {
        let fake = try FakeLLMServer()
        fake.script(.text(#"{"action": "answer", "text": "We do not make sugar-free muffins, sorry.", "confidence": 0.9}"#, input: 900, output: 14))
        let h = try PipelineHarness(workspaces: ["demo": Self.workspace(baseURL: fake.openAIBaseURL)])
        try h.start()
        #expect(try h.post([h.text("do you sell sugar free muffins?")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "We do not make sugar-free muffins, sorry.")
        var events: [String] = []
        _ = h.graph.wait(timeout: .seconds(10)) { _ in
            events = (try? h.events()) ?? []
            return events.contains { $0.contains(" verdict ") && $0.contains("\"plugin\":\"llm\"") }
        }
        let decision = events.first {
            $0.contains(" plugin_event ") && $0.contains("\"plugin\":\"llm\"") && $0.contains("\"outcome\":\"answer\"")
        }
        #expect(decision?.contains("\"event\":\"decision\"") == true, "\(events)")
        #expect(decision?.contains("\"tier\":\"generate\"") == true, "\(events)")
        #expect(decision?.contains("\"model\":\"small\"") == true, "\(events)")
        #expect(decision?.contains("\"tokens_in\":\"900\"") == true, "\(events)")
        #expect(decision?.contains("\"tokens_out\":\"14\"") == true, "\(events)")
        #expect(!events.contains { $0.contains(" plugin_event ") && $0.contains("muffins") }, "\(events)")
        // The counters: one generated answer, and what it cost.
        var metrics = ""
        _ = h.graph.wait(timeout: .seconds(10)) { _ in
            metrics = (try? h.host.metricsClient.get("/metrics").text) ?? ""
            return metrics.contains("switchboard_plugin_counter_total{plugin=\"llm\",workspace=\"demo\",name=\"calls_generate_answer\"} 1")
        }
        #expect(metrics.contains("switchboard_plugin_counter_total{plugin=\"llm\",workspace=\"demo\",name=\"calls_generate_answer\"} 1"), "\(metrics)")
        #expect(metrics.contains("switchboard_plugin_counter_total{plugin=\"llm\",workspace=\"demo\",name=\"spend_usd\"} "), "\(metrics)")
        // The same spend per tier and model: 900 in at $0.05, 14 out at $0.10 per million.
        let perModel = "switchboard_plugin_counter_total{plugin=\"llm\",workspace=\"demo\",name=\"spend_usd_generate_small\"} "
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(perModel) }
        let value = line.flatMap { Double($0.dropFirst(perModel.count)) }
        #expect(value.map { abs($0 - (900 * 0.05 + 14 * 0.10) / 1e6) < 1e-9 } == true, "\(metrics)")
    }

    @Test func aBurstOfMessagesGetsOneAnswerThatReadsThemAll() throws {
        let fake = try FakeLLMServer()
        fake.setDefaultContent(#"{"action": "answer", "text": "Yes: a chocolate birthday cake for Saturday, from 25,000 naira.", "confidence": 0.9}"#)
        let ws = Self.workspace(baseURL: fake.openAIBaseURL).replacingOccurrences(of: "\nplugins:", with: "\ndebounce_ms: 1500\nplugins:")
        let h = try PipelineHarness(workspaces: ["demo": ws])
        try h.start()
        // Three lines in quick succession, as people write on WhatsApp.
        for line in ["hi", "I need a birthday cake", "chocolate, for saturday"] {
            #expect(try h.post([h.text(line)]).status == 200)
        }
        #expect(h.waitForReplies(1))
        let events = try h.events()
        #expect(events.filter { $0.contains("debounced: answered with the customer's next message") }.count == 2, "\(events)")
        // One model call, reading all three; one answer.
        #expect(fake.chatRequests.count == 1)
        let messages = try #require(fake.chatRequests.first?.json["messages"] as? [[String: Any]])
        #expect(messages.last?["content"] as? String == "hi\nI need a birthday cake\nchocolate, for saturday")
        #expect(messages.count == 2) // the system prompt and the burst: no line twice
        usleep(1_700_000) // a second answer would have come by now
        #expect(h.replies.count == 1)
        #expect(fake.chatRequests.count == 1)
    }

    @Test func theSpendSurvivesARestartAndTheBudgetStopsCalls() throws {
        let fake = try FakeLLMServer()
        // $0.05/Mtok in, $0.10 out: 1,000,000 input tokens is $0.05, over a $0.04 day.
        let ws = Self.workspace(baseURL: fake.openAIBaseURL).replacingOccurrences(
            of: "handoff_message:", with: "budget: {daily_usd: 0.04}\n      handoff_message:")
        fake.script(.text(#"{"action": "answer", "text": "Yes.", "confidence": 0.9}"#, input: 1_000_000, output: 10))
        let h = try PipelineHarness(workspaces: ["demo": ws])
        try h.start()
        #expect(try h.post([h.text("first question about cakes")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(fake.chatRequests.count == 1)
        try h.host.restart()
        #expect(try h.post([h.text("second question about cakes", from: "2348030000001")]).status == 200)
        // (The outbox is at-least-once: the first reply may go out again after the kill.)
        #expect(h.graph.wait(timeout: .seconds(20)) { $0.acceptedSends.contains { $0.text == "An agent will reply shortly." } })
        // The ledger, kept in the store, says the day's budget is spent: no call.
        #expect(fake.chatRequests.count == 1)
        let events = try h.events()
        #expect(events.contains { $0.contains(" verdict ") && $0.contains("budget reached") }, "\(events)")
        // The first call crossed both marks: journalled with the message it answered.
        for percent in ["80", "100"] {
            #expect(events.contains {
                $0.contains(" plugin_event ") && $0.contains("\"event\":\"budget\"") && $0.contains("\"period\":\"day\"")
                    && $0.contains("\"percent\":\"\(percent)\"") && $0.contains("\"limit_usd\":\"0.04\"")
            }, "\(events)")
        }
    }
}
