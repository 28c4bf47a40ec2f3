import Foundation
import Testing
import SwitchboardTestSupport

/// Every inbox API route, called through the running host with a real API token of
/// workspace B against the data of workspace A: 404 (or an empty list), and A's data is
/// unchanged. The same calls with A's token succeed, so the 404s are isolation, not breakage.
@Suite(.serialized) struct InboxIsolationTests {
    static func workspace(_ id: String) -> String {
        """
        id: \(id)
        name: \(id)
        region: NG
        timezone: Africa/Lagos
        fallback: "Thanks from \(id)."
        """
    }

    @Test func everyRouteWithAnotherWorkspacesTokenAnswersNotFound() throws {
        let h = try PipelineHarness(workspaces: ["a": Self.workspace("a"), "b": Self.workspace("b")])
        // The number belongs to workspace a.
        let config = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "workspace: demo", with: "workspace: a")
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        func token(_ ws: String) throws -> String {
            let r = try runSwitchboard(["token", "create", "--workspace", ws, "--name", "test", "--config", h.host.configPath], cwd: h.host.dir)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(r.stdout.split(separator: "\n").last.map(String.init))
        }
        let tokenA = try token("a"), tokenB = try token("b")
        try h.start()
        #expect(try h.post([h.text("a secret order for workspace a")]).status == 200)
        #expect(h.waitForReplies(1))

        let c = h.host.client
        func get(_ path: String, _ token: String) throws -> HTTPClient.Response {
            try c.get(path, headers: ["Authorization": "Bearer \(token)"])
        }
        func post(_ path: String, _ token: String, _ body: String = "{}") throws -> HTTPClient.Response {
            try c.post(path, body: Array(body.utf8), headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
        }
        // A's own view: one conversation with the message.
        let list = try get("/api/v1/conversations", tokenA)
        #expect(list.status == 200)
        let items = try #require((try list.json() as? [String: Any])?["items"] as? [[String: Any]])
        let id = try #require(items.first?["id"] as? String)
        let detail = try get("/api/v1/conversations/\(id)", tokenA)
        #expect(detail.status == 200)
        #expect(detail.text.contains("a secret order"))
        let messages = try #require((try detail.json() as? [String: Any])?["messages"] as? [[String: Any]])
        let messageID = try #require(messages.first?["id"] as? String)

        // B sees nothing of it, on every route.
        for path in ["/api/v1/conversations/\(id)", "/api/v1/messages/\(messageID)/media"] {
            #expect(try get(path, tokenB).status == 404, "GET \(path)")
        }
        for (path, body) in [("reply", #"{"text":"from b"}"#), ("notes", #"{"text":"b note"}"#), ("assign", #"{"user_id":"x"}"#),
                             ("resolve", "{}"), ("reopen", "{}"), ("handback", "{}")] {
            #expect(try post("/api/v1/conversations/\(id)/\(path)", tokenB, body).status == 404, "POST \(path)")
        }
        for path in ["/api/v1/conversations", "/api/v1/contacts", "/api/v1/search?q=secret"] {
            let r = try get(path, tokenB)
            #expect(r.status == 200, "GET \(path)")
            #expect((try r.json() as? [String: Any])?["items"] as? [Any] != nil)
            #expect(((try r.json() as? [String: Any])?["items"] as? [Any])?.isEmpty == true, "GET \(path) leaks")
        }
        // A's data is as it was: the conversation still bot, one reply sent, nothing queued by B.
        let after = try get("/api/v1/conversations/\(id)", tokenA)
        #expect(!after.text.contains("from b") && !after.text.contains("b note"))
        #expect(h.replies.count == 1)
        // And A can act on it.
        #expect(try post("/api/v1/conversations/\(id)/notes", tokenA, #"{"text":"seen"}"#).status == 201)
    }
}
