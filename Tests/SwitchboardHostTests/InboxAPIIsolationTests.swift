import Foundation
import Testing
import SwitchboardLog
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
@testable import SwitchboardHost

/// Every inbox route, called by an agent of workspace `b` with the ids of workspace `a`'s
/// records: 404 for a record, an empty list for a listing, and `a`'s data unchanged.
@Suite struct InboxAPIIsolationTests {
    @Test func everyRouteOfAnotherWorkspaceAnswers404OrNothing() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", text: "secret chocolate order")
        let a = f.router(as: InboxFixture.agent("a", "user-a"))
        // a's tools: a canned reply, a label on the conversation, a note on the contact.
        let aWS = f.ws("a")
        let canned = try aWS.cannedReplies.create(shortcut: "chocolate", text: "secret chocolate recipe")
        let label = try aWS.labels.create(name: "chocolate", color: nil)
        try aWS.labels.attach(label.id, to: c.id)
        _ = try aWS.contactProfiles.addNote(c.contactID, author: "user-a", text: "chocolate lover")
        _ = try aWS.users.create(email: "chocolate@a.test", role: .agent, passwordHash: "scrypt$x")
        #expect(a.post("/api/v1/conversations/\(c.id)/assign", json: #"{"user_id":"user-b"}"#).status == 200)
        let before = a.get("/api/v1/conversations/\(c.id)").text
        let eventsBefore = try f.ws("a").events.tail(conversation: nil, limit: 1000).count
        // a finds its message (so b's empty search below is isolation, not a stale index).
        #expect(f.searchIndexed())
        #expect(a.get("/api/v1/search?q=chocolate").items.count == 1)

        let b = f.router(as: InboxFixture.agent("b", "user-b"))
        let id = c.id.rawValue
        // Records: 404, for every method.
        let recordRoutes: [(String, String, String)] = [
            ("GET", "/api/v1/conversations/\(id)", ""),
            ("POST", "/api/v1/conversations/\(id)/reply", #"{"text":"hi from b"}"#),
            ("POST", "/api/v1/conversations/\(id)/notes", #"{"text":"note from b"}"#),
            ("POST", "/api/v1/conversations/\(id)/assign", #"{"user_id":"user-b"}"#),
            ("POST", "/api/v1/conversations/\(id)/assign", #"{"user_id":null}"#),
            ("POST", "/api/v1/conversations/\(id)/resolve", ""),
            ("POST", "/api/v1/conversations/\(id)/reopen", ""),
            ("POST", "/api/v1/conversations/\(id)/handback", ""),
            ("POST", "/api/v1/conversations/\(id)/takeover", ""),
            ("POST", "/api/v1/conversations/\(id)/labels", "{\"label_id\":\"\(label.id)\"}"),
            ("DELETE", "/api/v1/conversations/\(id)/labels/\(label.id)", ""),
            ("GET", "/api/v1/contacts/\(c.contactID)", ""),
            ("PATCH", "/api/v1/contacts/\(c.contactID)", #"{"name":"from b"}"#),
            ("POST", "/api/v1/contacts/\(c.contactID)/notes", #"{"text":"note from b"}"#),
            ("GET", "/api/v1/conversations/\(id)/templates", ""),
            ("POST", "/api/v1/conversations/\(id)/template", #"{"name":"order_ready","language":"en_US","body":["Ana","1"]}"#),
            ("POST", "/api/v1/conversations/\(id)/attachments", "%PDF-1.4 b's file"),
        ]
        try f.addTemplate()
        let bAdmin = f.router(as: InboxAPIToolsTests.admin("b"))
        // b's admin cannot touch a's canned replies and labels either.
        for (method, path, body) in [
            ("PUT", "/api/v1/canned-replies/\(canned.id)", #"{"shortcut":"mine","text":"from b"}"#),
            ("DELETE", "/api/v1/canned-replies/\(canned.id)", ""),
            ("DELETE", "/api/v1/labels/\(label.id)", ""),
        ] {
            let r = APIResult(bAdmin.respond(to: HTTPRequest(method: method, target: path, body: Array(body.utf8))))
            #expect(r.status == 404, "\(method) \(path): \(r.status) \(r.text)")
        }
        // A label of b's own cannot be put on a's conversation.
        let bLabel = try f.ws("b").labels.create(name: "b's", color: nil)
        #expect(bAdmin.post("/api/v1/conversations/\(id)/labels", json: "{\"label_id\":\"\(bLabel.id)\"}").status == 404)
        #expect(a.post("/api/v1/conversations/\(id)/labels", json: "{\"label_id\":\"\(bLabel.id)\"}").status == 404)
        for (method, path, body) in recordRoutes {
            let r = APIResult(b.respond(to: HTTPRequest(method: method, target: path, body: Array(body.utf8))))
            #expect(r.status == 404, "\(method) \(path): \(r.status) \(r.text)")
            #expect(!r.text.contains("chocolate"))
        }
        // Syncing another workspace's conversation's templates: 404 for an admin of b too.
        let sync = bAdmin.post("/api/v1/conversations/\(id)/templates/sync", json: "{}")
        #expect(sync.status == 404, "\(sync.text)")
        // Listings: empty, whatever the filter.
        for path in ["/api/v1/conversations", "/api/v1/conversations?assigned=me", "/api/v1/conversations?assigned=none",
                     "/api/v1/conversations?state=bot", "/api/v1/conversations?channel=wa-main", "/api/v1/contacts",
                     "/api/v1/search?q=chocolate", "/api/v1/search?q=secret+chocolate+order",
                     "/api/v1/canned-replies", "/api/v1/users", "/api/v1/conversations?label=\(label.id)"] {
            let r = b.get(path)
            #expect(r.status == 200, "\(path)")
            #expect(r.items.isEmpty, "\(path): \(r.text)")
        }
        // b's labels are b's own.
        #expect(b.get("/api/v1/labels").items.compactMap { $0["id"] as? String } == [bLabel.id])
        // A cursor made from a's listing reveals nothing of a's either.
        _ = try f.inbound("a", phone: "+2348030000099")
        let page = a.get("/api/v1/conversations?limit=1")
        let cursor = try #require(page.object["next_cursor"] as? String)
        #expect(b.get("/api/v1/conversations?cursor=\(cursor)").items.isEmpty)

        // Nothing of a's changed, nothing was queued, nothing journalled in a by b.
        let after = a.get("/api/v1/conversations/\(c.id)")
        let conversation = after.object["conversation"] as? [String: Any]
        #expect(conversation?["assigned_to"] as? String == "user-b")
        #expect(conversation?["state"] as? String == "bot")
        #expect((conversation?["labels"] as? [[String: Any]])?.map { $0["name"] as? String } == ["chocolate"])
        #expect(try aWS.cannedReplies.get(canned.id)?.text == "secret chocolate recipe")
        #expect(try aWS.contactProfiles.notes(c.contactID, limit: 10).map(\.text) == ["chocolate lover"])
        #expect(try aWS.contactProfiles.profile(c.contactID).name == nil)
        // b's report holds nothing of a's.
        let report = bAdmin.get("/api/v1/reports/daily")
        #expect(report.status == 200)
        #expect((report.object["channels"] as? [Any])?.isEmpty == true)
        #expect(!report.text.contains("wa-main"))
        #expect((after.object["messages"] as? [Any])?.count == 1)
        #expect(before.contains("secret chocolate order"))
        #expect(try f.store.queue.outboxDepth().isEmpty)
        #expect(try f.ws("a").events.tail(conversation: nil, limit: 1000).count == eventsBefore)
        #expect(try f.ws("b").events.list(conversation: nil, after: nil, limit: 100).allSatisfy { $0.kind == .workspaceSynced })
    }

    @Test func theAuthenticatorsRefusalIsTheAnswerOnEveryRouteButTheDocument() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        var router = HTTPRouter()
        let authenticator = Authenticator(store: f.store, logger: Logger(sink: LogSink(level: .error)))
        f.api.addRoutes(to: &router, authenticate: { authenticator.authenticate($0) })
        for (method, pattern) in router.patterns {
            let path = pattern.replacingOccurrences(of: "{id}", with: c.id.rawValue)
            let r = APIResult(router.respond(to: HTTPRequest(method: method, target: path, body: Array(#"{"text":"x"}"#.utf8))))
            if pattern == "/api/v1/openapi.json" {
                #expect(r.status == 200)
            } else {
                #expect(r.status == 401, "\(method) \(pattern)")
                #expect(r.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
                #expect(r.error?.contains("authentication") == true)
            }
        }
        #expect(try f.store.queue.outboxDepth().isEmpty)
        #expect(try f.ws("a").messages.list(conversation: c.id, after: nil, limit: 10).count == 1)
    }
}
