import Foundation
import Testing
import SwitchboardLog
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
@testable import SwitchboardHost

/// The OpenAPI document against the routes the inbox API registers and the answers its
/// real handlers give.
@Suite struct InboxOpenAPITests {
    /// Served by the authentication, documented here because the contract has them.
    static let authRoutes: Set<String> = ["POST /api/v1/login", "POST /api/v1/logout", "GET /api/v1/me"]

    func document() throws -> [String: Any] {
        let f = try InboxFixture()
        let r = f.router(as: InboxFixture.agent("a")).get("/api/v1/openapi.json")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        return try #require(r.json as? [String: Any], "the document is not a JSON object")
    }

    func operation(_ doc: [String: Any], _ method: String, _ pattern: String) -> [String: Any]? {
        ((doc["paths"] as? [String: Any])?[pattern] as? [String: Any])?[method.lowercased()] as? [String: Any]
    }

    @Test func everyRouteIsDocumentedWithItsMethodPathAndParameters() throws {
        let doc = try document()
        #expect(doc["openapi"] as? String == "3.0.3")
        let f = try InboxFixture()
        let router = f.router(as: InboxFixture.agent("a"))
        #expect(router.patterns.count == 13 + 15 + 4 + 2 + 1)   // + the inbox's tools, templates and attachments (issue 13), data care (issue 14), channels (issue 12)
        var routed: Set<String> = []
        for (method, pattern) in router.patterns {
            routed.insert("\(method) \(pattern)")
            let op = try #require(operation(doc, method, pattern), "\(method) \(pattern) is not in the OpenAPI document")
            #expect(op["responses"] is [String: Any], "\(method) \(pattern) has no responses")
            let parameters = (op["parameters"] as? [[String: Any]]) ?? []
            let documentedPath = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
            let inPattern = Set(pattern.matches(of: /\{(\w+)\}/).map { String($0.output.1) })
            #expect(documentedPath == inPattern, "\(method) \(pattern): path parameters")
            for p in parameters where p["in"] as? String == "path" { #expect(p["required"] as? Bool == true) }
            if method == "POST", !pattern.hasSuffix("resolve"), !pattern.hasSuffix("reopen"), !pattern.hasSuffix("handback"),
               !pattern.hasSuffix("takeover") {
                #expect(op["requestBody"] != nil, "\(method) \(pattern) has no request body")
            }
        }
        // And nothing is documented that is not served (but the auth routes).
        var documented: Set<String> = []
        for (path, item) in doc["paths"] as? [String: Any] ?? [:] {
            for method in (item as? [String: Any] ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        // The administration and operator routes are served beside these (RoleTests walks
        // them through the host's wiring).
        var admin: Set<String> = []
        let fragment = try #require(try JSONSerialization.jsonObject(with: Data(AdminOpenAPI.document.utf8)) as? [String: Any])
        for (path, item) in fragment["paths"] as? [String: Any] ?? [:] {
            for method in (item as? [String: Any] ?? [:]).keys { admin.insert("\(method.uppercased()) \(path)") }
        }
        #expect(documented.subtracting(Self.authRoutes).subtracting(admin) == routed)
        #expect(Self.authRoutes.isSubset(of: documented))
    }

    @Test func documentedEnumsAreTheDomainsOwn() throws {
        let doc = try document()
        let checker = JSONSchemaSubset(document: doc)
        func values(_ schema: String, _ property: String) -> [String] {
            ((checker.resolve("#/components/schemas/\(schema)")?["properties"] as? [String: Any])?[property]
                as? [String: Any])?["enum"] as? [String] ?? []
        }
        #expect(values("Conversation", "state") == ConversationState.allCases.map(\.rawValue))
        #expect(values("Message", "kind") == MessageKind.allCases.map(\.rawValue))
        #expect(values("Message", "status") == DeliveryStatus.allCases.map(\.rawValue))
        #expect(values("Event", "kind") == EventKind.allCases.map(\.rawValue))
        #expect(values("User", "role") == AuthContext.Role.allCases.map(\.rawValue))
    }

    /// Calls the real handler, then checks that the status is documented for the route and
    /// that the body validates against the documented schema of that status.
    func check(_ router: HTTPRouter, _ doc: [String: Any], _ method: String, _ target: String, body: String = "",
               headers: HTTPHeaders = [:], expect status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
        let response = router.respond(to: request)
        #expect(response.status == status, "\(method) \(target): \(String(decoding: response.body, as: UTF8.self))",
                sourceLocation: sourceLocation)
        guard case .matched(let pattern, _, _, _) = router.resolve(method: method, rawPath: Substring(target.split(separator: "?")[0])),
              let op = operation(doc, method, pattern)
        else { Issue.record("\(method) \(target) is not routed or not documented", sourceLocation: sourceLocation); return }
        guard let documented = (op["responses"] as? [String: Any])?[String(response.status)] as? [String: Any] else {
            Issue.record("\(method) \(pattern): status \(response.status) is not documented", sourceLocation: sourceLocation)
            return
        }
        guard let schema = ((documented["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
            as? [String: Any] else { Issue.record("\(method) \(pattern) \(response.status): no JSON schema"); return }
        guard let json = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]) else {
            Issue.record("\(method) \(target): the body is not JSON", sourceLocation: sourceLocation)
            return
        }
        let problems = JSONSchemaSubset(document: doc).problems(json, schema)
        #expect(problems.isEmpty, "\(method) \(target) \(response.status): \(problems)", sourceLocation: sourceLocation)
    }

    @Test func answersOfTheRealHandlersValidateAgainstTheDocument() throws {
        let doc = try document()
        let f = try InboxFixture()
        let c = try f.inbound("a", text: "Is the chocolate cake ready?")
        _ = try f.inbound("a", phone: "+2348030000002", name: nil, text: "hello")
        #expect(f.searchIndexed())
        let router = f.router(as: InboxFixture.agent("a"))
        let id = c.id.rawValue
        check(router, doc, "POST", "/api/v1/conversations/\(id)/reply", body: #"{"text":"Yes, at 4."}"#, expect: 202)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/notes", body: #"{"text":"paid already"}"#, expect: 201)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/assign", body: #"{"user_id":"user-1"}"#, expect: 200)
        check(router, doc, "GET", "/api/v1/conversations", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations?limit=1&assigned=me&state=bot", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/\(id)", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/\(id)?limit=1", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/\(id)?cursor=nope", expect: 400)
        check(router, doc, "GET", "/api/v1/conversations/\(id)?limit=0", expect: 400)
        check(router, doc, "GET", "/api/v1/contacts?limit=1", expect: 200)
        check(router, doc, "GET", "/api/v1/search?q=chocolate", expect: 200)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/resolve", expect: 200)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/resolve", expect: 409)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/reopen", expect: 200)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/handback", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/cv_nope", expect: 404)
        check(router, doc, "GET", "/api/v1/conversations?state=open", expect: 400)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/reply", body: #"{"text":""}"#, expect: 400)
        check(router, doc, "GET", "/api/v1/search", expect: 400)
        check(router, doc, "GET", "/api/v1/events", headers: ["Last-Event-ID": "x"], expect: 400)
        // Templates and attachments.
        try f.addTemplate()
        check(router, doc, "GET", "/api/v1/conversations/\(id)/templates", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/cv_nope/templates", expect: 404)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/template",
              body: #"{"name":"order_ready","language":"en_US","body":["Ana"]}"#, expect: 400)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/template", body: #"{"name":"nope","language":"en_US"}"#, expect: 404)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/templates/sync", body: "{}", expect: 403)
        let pdf = "%PDF-1.4 a price list"
        check(router, doc, "POST", "/api/v1/conversations/\(id)/attachments?filename=prices.pdf", body: pdf,
              headers: ["Content-Type": "application/pdf"], expect: 202)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/attachments", body: "GIF89a",
              headers: ["Content-Type": "image/gif"], expect: 415)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/attachments", body: "",
              headers: ["Content-Type": "application/pdf"], expect: 400)
        f.clock.advance(seconds: 25 * 3600)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/reply", body: #"{"text":"late"}"#, expect: 409)
        // Data care: owners only.
        let contact = c.contactID.rawValue
        check(router, doc, "GET", "/api/v1/contacts/\(contact)/export", expect: 403)
        let owner = f.router(as: AuthContext(workspace: "a", userID: "o", name: "o@example.com", role: .owner, credential: .token))
        check(owner, doc, "GET", "/api/v1/contacts/\(contact)/export", expect: 200)
        check(owner, doc, "GET", "/api/v1/contacts/ct_nope/export", expect: 404)
        check(owner, doc, "POST", "/api/v1/contacts/\(contact)/erase", body: "{}", expect: 400)
        check(owner, doc, "POST", "/api/v1/contacts/\(contact)/erase", body: #"{"confirm":true}"#, expect: 200)
        check(owner, doc, "POST", "/api/v1/contacts/ct_nope/erase", body: #"{"confirm":true}"#, expect: 404)

        // The inbox's tools.
        let admin = f.router(as: InboxAPIToolsTests.admin("a"))
        check(admin, doc, "POST", "/api/v1/canned-replies", body: #"{"shortcut":"hours","text":"8 to 7"}"#, expect: 201)
        check(router, doc, "POST", "/api/v1/canned-replies", body: #"{"shortcut":"x","text":"y"}"#, expect: 403)
        check(admin, doc, "POST", "/api/v1/canned-replies", body: #"{"shortcut":"hours","text":"again"}"#, expect: 409)
        check(admin, doc, "POST", "/api/v1/canned-replies", body: #"{"shortcut":"a b","text":"y"}"#, expect: 400)
        check(router, doc, "GET", "/api/v1/canned-replies", expect: 200)
        let cannedID = try #require(try f.ws("a").cannedReplies.list().first?.id)
        check(admin, doc, "PUT", "/api/v1/canned-replies/\(cannedID)", body: #"{"shortcut":"open","text":"9 to 5"}"#, expect: 200)
        check(admin, doc, "PUT", "/api/v1/canned-replies/cr_nope", body: #"{"shortcut":"open","text":"9 to 5"}"#, expect: 404)
        check(admin, doc, "DELETE", "/api/v1/canned-replies/\(cannedID)", expect: 200)
        check(admin, doc, "DELETE", "/api/v1/canned-replies/\(cannedID)", expect: 404)
        check(admin, doc, "POST", "/api/v1/labels", body: #"{"name":"vip","color":"purple"}"#, expect: 201)
        check(admin, doc, "POST", "/api/v1/labels", body: #"{"name":"plain"}"#, expect: 201)
        check(admin, doc, "POST", "/api/v1/labels", body: #"{"name":"vip"}"#, expect: 409)
        check(admin, doc, "POST", "/api/v1/labels", body: #"{"name":""}"#, expect: 400)
        check(router, doc, "GET", "/api/v1/labels", expect: 200)
        let labelID = try #require(try f.ws("a").labels.list().first?.id)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/labels", body: "{\"label_id\":\"\(labelID)\"}", expect: 200)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/labels", body: "{}", expect: 400)
        check(router, doc, "GET", "/api/v1/conversations?label=\(labelID)", expect: 200)
        check(router, doc, "GET", "/api/v1/conversations/\(id)", expect: 200)
        check(router, doc, "DELETE", "/api/v1/conversations/\(id)/labels/\(labelID)", expect: 200)
        check(router, doc, "DELETE", "/api/v1/conversations/cv_nope/labels/\(labelID)", expect: 404)
        check(admin, doc, "DELETE", "/api/v1/labels/\(labelID)", expect: 200)
        check(admin, doc, "DELETE", "/api/v1/labels/\(labelID)", expect: 404)
        check(router, doc, "GET", "/api/v1/users", expect: 200)
        let contactID = c.contactID.rawValue
        check(router, doc, "PATCH", "/api/v1/contacts/\(contactID)", body: #"{"name":"Ada","attributes":{"city":"Lagos"}}"#, expect: 200)
        check(router, doc, "PATCH", "/api/v1/contacts/\(contactID)", body: #"{"attributes":[]}"#, expect: 400)
        check(router, doc, "POST", "/api/v1/contacts/\(contactID)/notes", body: #"{"text":"likes chocolate"}"#, expect: 201)
        check(router, doc, "POST", "/api/v1/contacts/\(contactID)/notes", body: #"{"text":""}"#, expect: 400)
        check(router, doc, "GET", "/api/v1/contacts/\(contactID)", expect: 200)
        check(router, doc, "GET", "/api/v1/contacts/ct_nope", expect: 404)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/takeover", expect: 200)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/takeover", expect: 409)
        check(admin, doc, "GET", "/api/v1/reports/daily", expect: 200)
        check(admin, doc, "GET", "/api/v1/reports/daily?from=2026-01-02&to=2026-01-01", expect: 400)
        check(router, doc, "GET", "/api/v1/reports/daily", expect: 403)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/attachments", body: pdf,
              headers: ["Content-Type": "application/pdf"], expect: 409)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/template",
              body: #"{"name":"order_ready","language":"en_US","body":["Ana","1234"]}"#, expect: 202)
        try f.addTemplate(status: .paused)
        check(router, doc, "POST", "/api/v1/conversations/\(id)/template",
              body: #"{"name":"order_ready","language":"en_US","body":["Ana","1234"]}"#, expect: 409)

        var refusing = HTTPRouter()
        let authenticator = Authenticator(store: f.store, logger: Logger(sink: LogSink(level: .error)))
        f.api.addRoutes(to: &refusing, authenticate: { authenticator.authenticate($0) })
        check(refusing, doc, "GET", "/api/v1/conversations", expect: 401)
        check(refusing, doc, "POST", "/api/v1/conversations/\(id)/reply", body: #"{"text":"x"}"#, expect: 401)
    }

    @Test func theDetailsEventsAndMessagesOfEveryKindValidate() throws {
        let doc = try document()
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let ws = f.ws("a")
        // One event of every kind, with the details the pipeline writes, and a failed message.
        for kind in EventKind.allCases {
            _ = try ws.events.append(NewEvent(kind, conversation: c.id, channel: "wa-main", detail: ["k": kind.rawValue]))
        }
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "hi",
                                                                  payloadJSON: #"["Yes","No"]"#))
        _ = try ws.messages.recordSend(m.id, status: .failed, providerMessageID: nil, errorCode: "131047", errorTitle: "Re-engagement message")
        let router = f.router(as: InboxFixture.agent("a"))
        check(router, doc, "GET", "/api/v1/conversations/\(c.id)", expect: 200)
        let detail = router.get("/api/v1/conversations/\(c.id)").object
        let messages = detail["messages"] as? [[String: Any]] ?? []
        #expect(messages.last?["status"] as? String == "failed")
        #expect(messages.last?["error_code"] as? String == "131047")
        #expect(messages.last?["author"] is NSNull)  // a bot reply's payload holds its buttons, not an author
        #expect((detail["events"] as? [Any])?.count == EventKind.allCases.count)
    }
}
