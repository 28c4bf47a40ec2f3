import Foundation
import Testing
import SwitchboardTestSupport

/// The responder chain in the running host: the FAQ answers, the handoff hands over and
/// the bot then stays silent; `ask` gives the same verdicts offline.
@Suite(.serialized) struct ResponderPipelineTests {
    /// The demo workspace as shipped (its llm plugin's knowledge path made absolute: the
    /// test host runs in a temporary folder; no model server runs, so the llm plugin
    /// hands off what the FAQ does not answer).
    static var bakery: String { LLMPluginTests.demo }

    /// The shipped demo without its llm plugin (whose verdicts depend on a model server):
    /// faq, then handoff, as the demo was before the AI tier.
    static var bakeryWithoutLLM: String {
        let shipped = (try? String(contentsOf: TestHost.repoRoot.appendingPathComponent("config/workspaces/demo.yaml"), encoding: .utf8)) ?? ""
        var out: [Substring] = [], skipping = false
        for line in shipped.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  - name: ") { skipping = line == "  - name: llm" }
            if !skipping { out.append(line) }
        }
        return out.joined(separator: "\n")
    }

    @Test func faqAnswersThenHandoffThenSilence() throws {
        let h = try PipelineHarness(workspaces: ["demo": Self.bakery])
        try h.start()
        #expect(try h.post([h.text("wen r u open on saturday?")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays.")

        #expect(try h.post([h.text("I want to speak to a human please")]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(h.replies.last?.text?.contains("agent") == true)

        // Now the conversation is with a human: the bot answers nothing, not even the FAQ.
        #expect(try h.post([h.text("when are you open?")]).status == 200)
        var events: [String] = []
        for _ in 0..<100 {
            events = try h.events()
            if events.filter({ $0.contains(" verdict ") }).count >= 3 { break }
            usleep(50_000)
        }
        #expect(events.filter { $0.contains(" verdict ") }.count == 3)
        // A reply is queued in the same transaction as its verdict (and nothing is sent
        // that was not queued): with the third verdict journalled, no third reply exists.
        #expect(events.filter { $0.contains(" queued ") }.count == 2)
        #expect(h.replies.count == 2)
        #expect(events.contains { $0.contains(" state_changed ") && $0.contains("\"to\":\"human\"") })
        #expect(events.contains { $0.contains(" verdict ") && $0.contains("conversation is with a human") })
        #expect(events.contains { $0.contains(" verdict ") && $0.contains("\"plugin\":\"faq\"") })
    }

    @Test func askPrintsExactlyOneJSONObject() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": Self.bakery])
        let r = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "demo", "--json", "do u deliver to lekki pls"], cwd: host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "reply")
        #expect(object["plugin"] as? String == "faq")
        #expect((object["text"] as? String)?.contains("Lekki") == true)

        let handoff = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "demo", "--json", "this is a complaint"], cwd: host.dir)
        let h = try #require(try JSONSerialization.jsonObject(with: Data(handoff.stdout.utf8)) as? [String: Any])
        #expect(h["verdict"] as? String == "handoff")
        // The llm plugin comes before handoff in the demo; with no model server on port
        // 8000, it hands off (with one, the model may answer it or leave it to handoff).
        if !LLMPluginTests.listening(8000) {
            #expect(h["plugin"] as? String == "llm")
            // Its journal events (ABI 1.3), as `serve` would journal them: the failed call.
            let events = try #require(h["events"] as? [[String: String]], "\(handoff.stdout)")
            #expect(events.contains { $0["plugin"] == "llm" && $0["event"] == "decision" && $0["outcome"] == "failed" }, "\(events)")
        }
        #expect((h["reason"] as? String)?.isEmpty == false)

        let unknown = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "nope", "hi"], cwd: host.dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no workspace 'nope'"))
    }

    /// The demo FAQ says nothing about gluten: "do you have gluten free bread?" is not
    /// answered with the entry about which breads are baked (it was, score 0.42, before
    /// the matcher learnt to abstain); the chain goes on past the FAQ (in the demo, to the
    /// llm plugin, which hands off when no model server runs). Bread still is answered.
    @Test func askAbstainsOnWhatTheDemoFAQDoesNotCover() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": Self.bakery])
        let r = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "demo", "--json", "do you have gluten free bread?"], cwd: host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(["pass", "handoff"].contains(object["verdict"] as? String ?? ""), "\(r.stdout)")
        #expect(object["plugin"] as? String != "faq", "\(r.stdout)")
        #expect((object["text"] as? String)?.contains("agege") != true, "\(r.stdout)")

        let bread = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "demo", "--json", "do you have bread today?"], cwd: host.dir)
        let b = try #require(try JSONSerialization.jsonObject(with: Data(bread.stdout.utf8)) as? [String: Any])
        #expect(b["verdict"] as? String == "reply" && b["plugin"] as? String == "faq")
        #expect((b["text"] as? String)?.contains("agege") == true, "\(bread.stdout)")
    }

    @Test func pluginsListsTheBundledPluginsWithTheirABIAndInlineFlag() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": Self.bakery])
        let r = try runSwitchboard(["plugins", "--config", host.configPath], cwd: host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        // NAME VERSION ABI [inline] WORKSPACES FILE: faq and handoff only compute, so they
        // declare SB_PLUGIN_FLAG_INLINE (ABI 1.2).
        for name in ["faq", "handoff"] {
            let row = try #require(rows.first { $0.first == name }, "\(r.stdout)")
            #expect(Array(row.dropFirst().prefix(4)) == ["1.0.0", "1.5", "inline", "demo"], "\(row)")
        }
        #expect(r.stdout.contains("host plugin ABI: 1.5\n"))
    }

    @Test func aMissingPluginStopsCheckAndServeWithItsName() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo + "\nplugins:\n  - name: nosuch\n"])
        let r = try runSwitchboard(["check", "--config", host.configPath], cwd: host.dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("demo.yaml: error: plugin nosuch: libnosuch.so not found in"))
        try host.start(waitForListening: false)
        #expect(host.waitForExit(timeout: 10) == 1)
        #expect(host.logText.contains("plugin nosuch: libnosuch.so not found"))
    }
}

@Suite struct FAQFromYAMLFileTests {
    @Test func theFAQAnswersFromEntriesInAYAMLFile() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["shop": """
            id: shop
            name: Shop
            region: NG
            timezone: Africa/Lagos
            plugins:
              - name: faq
                config_file: $DIR/faq.yaml
            """.replacingOccurrences(of: "$DIR", with: "faq-placeholder")])
        // The workspace file names the FAQ file by absolute path.
        let ws = host.dir.appendingPathComponent("workspaces/shop.yaml")
        try String(contentsOf: ws, encoding: .utf8).replacingOccurrences(of: "faq-placeholder", with: host.dir.path)
            .write(to: ws, atomically: true, encoding: .utf8)
        try """
            entries:
              - id: returns
                questions: ["Can I return an item?", "What is your refund policy?"]
                answer: "Returns within 14 days with the receipt."
            """.write(to: host.dir.appendingPathComponent("faq.yaml"), atomically: true, encoding: .utf8)
        let r = try runSwitchboard(["ask", "--config", host.configPath, "--workspace", "shop", "--json", "can i return smth pls"], cwd: host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Returns within 14 days"))
    }
}
