import Foundation
import Testing
import SwitchboardTestSupport

/// Every inbox API route, called through the running host with a real API token (made by
/// `switchboard token create`, checked by the host's own authentication) of workspace B
/// against the data of workspace A: 404 (or an empty list), A's data unchanged, nothing
/// sent, and B's event stream never carries A's events. The same routes with A's token
/// answer A's data (every one of them, the media of a real image message and the event
/// stream included), so the 404s are isolation, not breakage.
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

    static let phoneB = "106540352249999"

    @Test func everyRouteWithAnotherWorkspacesTokenAnswersNotFound() throws {
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
        func token(_ ws: String) throws -> String {
            let r = try runSwitchboard(["token", "create", "--workspace", ws, "--name", "test", "--config", h.host.configPath], cwd: h.host.dir)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(r.stdout.split(separator: "\n").last.map(String.init))
        }
        let tokenA = try token("a"), tokenB = try token("b")
        let picture: [UInt8] = Array("a picture only workspace a may see".utf8)
        h.graph.addMedia(id: "880123", bytes: picture, mimeType: "image/jpeg")
        try h.start()

        // A customer of A writes a text and sends a picture; one of B writes to B.
        let secret = h.text("a secret order for workspace a")
        let image = FixtureMessage(from: "2348031234567", name: "Titi", timestamp: Int(Date().timeIntervalSince1970),
                                   content: .image(mediaID: "880123", caption: "the cake"))
        #expect(try h.post([secret]).status == 200)
        #expect(try h.post([image]).status == 200)
        #expect(try h.post([h.text("hello b", from: "2348039999999")], phoneNumberID: Self.phoneB).status == 200)
        #expect(h.waitForReplies(3))

        let c = h.host.client
        func get(_ path: String, _ token: String) throws -> HTTPClient.Response {
            try c.get(path, headers: ["Authorization": "Bearer \(token)"])
        }
        func post(_ path: String, _ token: String, _ body: String = "{}") throws -> HTTPClient.Response {
            try c.post(path, body: Array(body.utf8), headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"])
        }
        func items(_ r: HTTPClient.Response) -> [[String: Any]]? {
            (try? r.json() as? [String: Any])?["items"] as? [[String: Any]]
        }

        // Both event streams, from the start of the journal.
        let streamA = try SSEClient(port: h.host.port, path: "/api/v1/events",
                                    headers: ["Authorization": "Bearer \(tokenA)", "Last-Event-ID": "0"])
        let streamB = try SSEClient(port: h.host.port, path: "/api/v1/events",
                                    headers: ["Authorization": "Bearer \(tokenB)", "Last-Event-ID": "0"])

        // A's own view, on every read route: the conversation, its messages, the contact,
        // a search hit (indexed in the background: found within moments) and the picture.
        let list = try get("/api/v1/conversations", tokenA)
        #expect(list.status == 200)
        let id = try #require(items(list)?.first?["id"] as? String)
        let detail = try get("/api/v1/conversations/\(id)", tokenA)
        #expect(detail.status == 200)
        #expect(detail.text.contains("a secret order"))
        let messages = try #require((try detail.json() as? [String: Any])?["messages"] as? [[String: Any]])
        let imageID = try #require(messages.first { $0["kind"] as? String == "image" }?["id"] as? String)
        let contacts = try get("/api/v1/contacts", tokenA)
        #expect(contacts.status == 200)
        #expect(items(contacts)?.count == 1)
        var hits = 0
        for _ in 0..<100 where hits == 0 {
            let r = try get("/api/v1/search?q=secret", tokenA)
            #expect(r.status == 200)
            hits = items(r)?.count ?? 0
            if hits == 0 { usleep(50_000) } // the index catches up in the background
        }
        #expect(hits == 1)
        let media = try get("/api/v1/messages/\(imageID)/media", tokenA)
        #expect(media.status == 200)
        #expect(media.body == picture)
        #expect(streamA.read(timeout: 10) { lines in lines.contains { $0.contains(secret.id) } })

        // B sees nothing of it, on every route: the same 404 as for a missing id.
        let missing = try get("/api/v1/conversations/cv_missing", tokenB)
        #expect(missing.status == 404)
        for path in ["/api/v1/conversations/\(id)", "/api/v1/messages/\(imageID)/media"] {
            let r = try get(path, tokenB)
            #expect(r.status == 404, "GET \(path)")
            #expect(!r.text.contains("secret") && r.body != picture, "GET \(path) leaks")
        }
        for (path, body) in [("reply", #"{"text":"from b"}"#), ("notes", #"{"text":"b note"}"#), ("assign", #"{"user_id":"x"}"#),
                             ("resolve", "{}"), ("reopen", "{}"), ("handback", "{}")] {
            #expect(try post("/api/v1/conversations/\(id)/\(path)", tokenB, body).status == 404, "POST \(path)")
        }
        for path in ["/api/v1/conversations", "/api/v1/contacts", "/api/v1/search?q=secret"] {
            let r = try get(path, tokenB)
            #expect(r.status == 200, "GET \(path)")
            let found = items(r)
            #expect(found != nil)
            #expect(!(found ?? []).contains { "\($0)".contains(id) || "\($0)".contains("secret") || "\($0)".contains("2348031234567") },
                    "GET \(path) leaks")
        }
        // The inbox's tools: A's canned reply, label and contact answer B's token (which
        // acts as an admin) 404 too, and B's listings and report hold nothing of A's.
        let contactID = try #require(items(contacts)?.first?["id"] as? String)
        let canned = try post("/api/v1/canned-replies", tokenA, #"{"shortcut":"secret","text":"a secret canned reply"}"#)
        #expect(canned.status == 201)
        let cannedID = try #require((try canned.json() as? [String: Any])?["id"] as? String)
        let label = try post("/api/v1/labels", tokenA, #"{"name":"secret-label"}"#)
        #expect(label.status == 201)
        let labelID = try #require((try label.json() as? [String: Any])?["id"] as? String)
        #expect(try post("/api/v1/conversations/\(id)/labels", tokenA, "{\"label_id\":\"\(labelID)\"}").status == 200)
        #expect(try post("/api/v1/contacts/\(contactID)/notes", tokenA, #"{"text":"a secret note"}"#).status == 201)
        for (method, path, body) in [
            ("GET", "/api/v1/contacts/\(contactID)", ""),
            ("PATCH", "/api/v1/contacts/\(contactID)", #"{"name":"renamed by b"}"#),
            ("POST", "/api/v1/contacts/\(contactID)/notes", #"{"text":"b note"}"#),
            ("POST", "/api/v1/conversations/\(id)/takeover", ""),
            ("POST", "/api/v1/conversations/\(id)/labels", "{\"label_id\":\"\(labelID)\"}"),
            ("DELETE", "/api/v1/conversations/\(id)/labels/\(labelID)", ""),
            ("PUT", "/api/v1/canned-replies/\(cannedID)", #"{"shortcut":"mine","text":"from b"}"#),
            ("DELETE", "/api/v1/canned-replies/\(cannedID)", ""),
            ("DELETE", "/api/v1/labels/\(labelID)", ""),
        ] {
            let r = try c.request(method, path, headers: ["Authorization": "Bearer \(tokenB)", "Content-Type": "application/json"],
                                  body: Array(body.utf8))
            #expect(r.status == 404, "\(method) \(path): \(r.status) \(r.text)")
            #expect(!r.text.contains("secret"), "\(method) \(path) leaks")
        }
        for path in ["/api/v1/canned-replies", "/api/v1/labels", "/api/v1/users", "/api/v1/conversations?label=\(labelID)",
                     "/api/v1/reports/daily", "/api/v1/reports/daily?format=csv"] {
            let r = try get(path, tokenB)
            #expect(r.status == 200, "GET \(path)")
            #expect(!r.text.contains("secret") && !r.text.contains(id) && !r.text.contains("wa-a"), "GET \(path) leaks: \(r.text)")
        }
        let labelled = try get("/api/v1/conversations/\(id)", tokenA)
        #expect(labelled.text.contains("secret-label") && !labelled.text.contains("renamed by b"))
        #expect(try get("/api/v1/contacts/\(contactID)", tokenA).text.contains("a secret note"))

        // B's own conversation is there for B (so its empty answers are not breakage).
        #expect(items(try get("/api/v1/conversations", tokenB))?.count == 1)

        // A's data is as it was.
        let after = try get("/api/v1/conversations/\(id)", tokenA)
        #expect(!after.text.contains("from b") && !after.text.contains("b note"))
        #expect((try after.json() as? [String: Any]).flatMap { $0["conversation"] as? [String: Any] }?["state"] as? String == "bot")
        #expect(!after.text.contains("\"assigned_to\":\"x\""))

        // A acts on it, on every write route.
        #expect(try post("/api/v1/conversations/\(id)/reply", tokenA, #"{"text":"reply from a's agent"}"#).status == 202)
        #expect(try post("/api/v1/conversations/\(id)/notes", tokenA, #"{"text":"seen"}"#).status == 201)
        #expect(try post("/api/v1/conversations/\(id)/assign", tokenA, #"{"user_id":"agent-a"}"#).status == 200)
        #expect(try post("/api/v1/conversations/\(id)/resolve", tokenA).status == 200)
        #expect(try post("/api/v1/conversations/\(id)/reopen", tokenA).status == 200)
        #expect(try post("/api/v1/conversations/\(id)/handback", tokenA).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { g in g.acceptedSends.contains { $0.text == "reply from a's agent" } })

        // A barrier in B: once B's stream shows it, B's stream has had everything
        // journalled before it, and none of it is A's.
        let lastB = h.text("last one for b", from: "2348039999999")
        #expect(try h.post([lastB], phoneNumberID: Self.phoneB).status == 200)
        #expect(streamB.read(timeout: 10) { lines in lines.contains { $0.contains(lastB.id) } })
        #expect(streamA.read(timeout: 10) { lines in lines.contains { $0.contains("\"assigned\"") || $0.contains("agent-a") } })
        #expect(!streamB.dataLines.isEmpty)
        #expect(!streamB.dataLines.contains { $0.contains(id) || $0.contains(secret.id) || $0.contains(image.id) || $0.contains("wa-a") })
        #expect(!streamA.dataLines.contains { $0.contains(lastB.id) || $0.contains("wa-b") })
        // Nothing B asked for went out.
        #expect(!h.replies.contains { $0.text == "from b" })
    }
}
