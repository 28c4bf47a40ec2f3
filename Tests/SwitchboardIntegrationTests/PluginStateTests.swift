import Foundation
import Testing
import SwitchboardTestSupport

/// Plugins' per-workspace state through the host's real store (the plugin tests use an
/// in-memory one): hello-swift counts greetings in its state and logs the count. Each
/// workspace counts its own, and the counts survive a restart.
@Suite(.serialized) struct PluginStateTests {
    static func workspace(_ id: String) -> String {
        """
        id: \(id)
        name: \(id)
        region: NG
        timezone: Africa/Lagos
        plugins:
          - name: hello-swift
            config:
              greeting: "Hello from \(id)"
        """
    }

    static let phoneB = "106540352248888"

    /// The greeting counts hello-swift logged for `workspace`, in order.
    func counts(_ h: PipelineHarness, _ workspace: String) -> [String] {
        h.host.logLines.filter {
            $0["message"] as? String == "greeted a customer" && $0["workspace"] as? String == workspace
        }.compactMap { $0["greetings"] as? String }
    }

    /// The log lines reach the test through a pipe, a moment after the replies.
    func waitForCounts(_ h: PipelineHarness, a: [String], b: [String]) -> Bool {
        h.graph.wait(timeout: .seconds(10)) { _ in counts(h, "a") == a && counts(h, "b") == b }
    }

    @Test func eachWorkspaceKeepsItsOwnStateAcrossARestart() throws {
        let h = try PipelineHarness(channels: """
            channels:
              - id: wa-a
                type: whatsapp
                app: main
                phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
                access_token: \(PipelineHarness.accessToken)
                workspace: a
              - id: wa-b
                type: whatsapp
                app: main
                phone_number_id: "\(Self.phoneB)"
                access_token: \(PipelineHarness.accessToken)
                workspace: b
            """, workspaces: ["a": Self.workspace("a"), "b": Self.workspace("b")])
        try h.start()
        // One reply at a time: each is the barrier for the count before it.
        #expect(try h.post([h.text("hello")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(try h.post([h.text("hello", from: "2348031110002")]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(try h.post([h.text("hello", from: "2348039990001")], phoneNumberID: Self.phoneB).status == 200)
        #expect(h.waitForReplies(3))
        #expect(h.replies.map { String(($0.text ?? "").prefix(12)) } == ["Hello from a", "Hello from a", "Hello from b"])
        #expect(waitForCounts(h, a: ["1", "2"], b: ["1"]))

        // The state is in the database: after a restart a's count goes on, b's too.
        try h.restart()
        #expect(try h.post([h.text("hello", from: "2348031110003")]).status == 200)
        #expect(h.waitForReplies(4))
        #expect(try h.post([h.text("hello", from: "2348039990002")], phoneNumberID: Self.phoneB).status == 200)
        #expect(h.waitForReplies(5))
        #expect(waitForCounts(h, a: ["1", "2", "3"], b: ["1", "2"]), "a: \(counts(h, "a")), b: \(counts(h, "b"))")
    }
}
