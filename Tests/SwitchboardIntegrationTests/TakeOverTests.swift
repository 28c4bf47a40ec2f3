import Foundation
import Testing
import SwitchboardTestSupport

/// Take over in the running host: while the bot is still working out its answer (the llm
/// plugin waiting on a slow model server), an agent takes the conversation over through
/// the API; the bot's answer, when it comes, is not sent, and the journal says why. The
/// bot never talks over a person.
@Suite(.serialized) struct TakeOverTests {
    static func workspace(baseURL: String) -> String {
        TestWorkspaces.demo + """

        plugins:
          - name: llm
            deadline_ms: 20000
            config:
              providers:
                - {id: local, api: openai, base_url: "\(baseURL)", timeout_ms: 15000}
              models:
                - {id: small, providers: [local], model: "small-model", input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10, min_confidence: 0.7}
              knowledge: [\(TestHost.repoRoot.appendingPathComponent("config/knowledge/demo.md").path)]
              deadline_ms: 18000
          - name: handoff
        """
    }

    @Test func aBotAnswerStillInTheChainIsNotSentAfterAnAgentTookOver() throws {
        let fake = try FakeLLMServer()
        // The model answers after 6 s: the agent takes over in the meantime (the test
        // waits for the request to arrive, not for time to pass).
        fake.script(.hang(.seconds(6), then: #"{"action": "answer", "text": "We do not make sugar-free muffins, sorry.", "confidence": 0.9}"#))
        let h = try PipelineHarness(workspaces: ["demo": Self.workspace(baseURL: fake.openAIBaseURL)])
        try h.start()
        let made = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "agent", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(made.status == 0, "\(made.stderr)")
        let token = try #require(made.stdout.split(separator: "\n").last.map(String.init))
        let auth = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]

        #expect(try h.post([h.text("do you sell sugar free muffins?")]).status == 200)
        #expect(fake.wait(timeout: .seconds(10)) { $0.requestsStarted >= 1 }, "the model was never asked")
        let list = try #require(try h.host.client.get("/api/v1/conversations", headers: auth).json() as? [String: Any])
        let id = try #require((list["items"] as? [[String: Any]])?.first?["id"] as? String)
        let took = try h.host.client.post("/api/v1/conversations/\(id)/takeover", body: [], headers: auth)
        #expect(took.status == 200, "\(took.text)")
        #expect((try took.json() as? [String: Any])?["state"] as? String == "human")

        // The chain finishes: its verdict is journalled as suppressed, and nothing is sent.
        var events: [String] = []
        let finished = h.graph.wait(timeout: .seconds(20)) { _ in
            events = (try? h.events(conversation: id)) ?? []
            return events.contains { $0.contains(" verdict ") }
        }
        #expect(finished, "\(events)")
        let verdict = events.first { $0.contains(" verdict ") } ?? ""
        #expect(verdict.contains("suppressed"), "\(events)")
        #expect(verdict.contains("taken over"), "\(events)")
        #expect(!events.contains { $0.contains(" queued ") }, "\(events)")
        #expect(h.replies.isEmpty, "the bot's answer was sent: \(h.replies.map(\.text))")
    }
}
