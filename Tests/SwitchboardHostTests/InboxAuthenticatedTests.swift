import Foundation
import Testing
import SwitchboardAuth
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore
@testable import SwitchboardHost

/// The inbox routes behind the real `Authenticator`, wired as the host wires them (the
/// other inbox tests hand the API a fixed caller): the workspace, the user and the CSRF
/// rule all come from a real session or API token.
@Suite struct InboxAuthenticatedTests {
    let f: AuthFixture
    let router: HTTPRouter
    let conversation: ConversationID

    init() throws {
        f = try AuthFixture()
        let logger = Logger(sink: LogSink(level: .error))
        let replies = AgentReplies(store: f.store, logger: logger, windowedChannels: ["wa-main"], notify: { _ in })
        let api = InboxAPI(store: f.store, replies: replies, logger: logger)
        var router = HTTPRouter()
        f.authenticator.addAuthRoutes(to: &router)
        let authenticator = f.authenticator
        api.addRoutes(to: &router, authenticate: { authenticator.authenticate($0) })
        self.router = router
        let ws = f.store.workspace("demo")
        let contact = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: "Ada").contact
        conversation = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation.id
        _ = try ws.messages.insertInbound(NewInboundMessage(conversationID: conversation, providerMessageID: "wamid.auth1",
                                                            kind: .text, text: "a private order"))
    }

    func call(_ method: String, _ path: String, _ headers: HTTPHeaders = [:], json: String = "") -> HTTPResponse {
        var h = headers
        if !json.isEmpty { h["Content-Type"] = "application/json" }
        return router.respond(to: HTTPRequest(method: method, target: path, headers: h, body: Array(json.utf8),
                                              remoteAddress: "192.0.2.10"))
    }

    func messages(_ headers: HTTPHeaders) throws -> [[String: Any]] {
        let r = call("GET", "/api/v1/conversations/\(conversation)", headers)
        #expect(r.status == 200)
        return try #require(try AuthFixture.json(r)["messages"] as? [[String: Any]])
    }

    @Test func aSessionActsForItsUserInItsWorkspaceOnly() throws {
        let titi = try f.addUser("titi@bakery.ng")
        try f.addUser("ada@other.ng", workspace: "other")
        let (cookie, csrf) = try f.session("titi@bakery.ng")
        let mine: HTTPHeaders = ["Cookie": cookie, "X-CSRF-Token": csrf]

        // No credential: 401 on every inbox route.
        #expect(call("GET", "/api/v1/conversations").status == 401)
        #expect(call("GET", "/api/v1/conversations/\(conversation)").status == 401)
        #expect(call("POST", "/api/v1/conversations/\(conversation)/reply", json: #"{"text":"x"}"#).status == 401)

        // The session's workspace: titi sees the conversation.
        let list = call("GET", "/api/v1/conversations", ["Cookie": cookie])
        #expect(list.status == 200)
        #expect((try AuthFixture.json(list)["items"] as? [[String: Any]])?.first?["id"] as? String == conversation.rawValue)

        // A reply with the cookie but without the CSRF token is refused and queues nothing.
        let forged = call("POST", "/api/v1/conversations/\(conversation)/reply", ["Cookie": cookie], json: #"{"text":"forged"}"#)
        #expect(forged.status == 403)
        #expect(try messages(mine).count == 1)

        // With it, the reply is queued as titi's (the author is the session's user).
        let reply = call("POST", "/api/v1/conversations/\(conversation)/reply", mine, json: #"{"text":"on its way"}"#)
        #expect(reply.status == 202)
        #expect(try AuthFixture.json(reply)["author"] as? String == titi.id)
        #expect(try messages(mine).map { $0["text"] as? String } == ["a private order", "on its way"])

        // "assigned=me" is the session's user.
        #expect(call("POST", "/api/v1/conversations/\(conversation)/assign", mine, json: "{\"user_id\":\"\(titi.id)\"}").status == 200)
        let assigned = call("GET", "/api/v1/conversations?assigned=me", ["Cookie": cookie])
        #expect((try AuthFixture.json(assigned)["items"] as? [[String: Any]])?.count == 1)

        // A user of another workspace, with a valid session of their own: 404, nothing changes.
        let (otherCookie, otherCSRF) = try f.session("ada@other.ng", workspace: "other")
        let theirs: HTTPHeaders = ["Cookie": otherCookie, "X-CSRF-Token": otherCSRF]
        #expect(call("GET", "/api/v1/conversations/\(conversation)", theirs).status == 404)
        #expect(call("POST", "/api/v1/conversations/\(conversation)/reply", theirs, json: #"{"text":"from other"}"#).status == 404)
        #expect(call("POST", "/api/v1/conversations/\(conversation)/resolve", theirs).status == 404)
        #expect((try AuthFixture.json(call("GET", "/api/v1/conversations", theirs))["items"] as? [[String: Any]])?.isEmpty == true)
        #expect(try messages(mine).count == 2)

        // An API token of the other workspace: the same 404.
        let (_, token) = try AccessAdmin(store: f.store).createToken(workspace: "other", name: "crm")
        #expect(call("GET", "/api/v1/conversations/\(conversation)", ["Authorization": "Bearer \(token)"]).status == 404)
        // And one of this workspace reads it.
        let (_, own) = try AccessAdmin(store: f.store).createToken(workspace: "demo", name: "crm")
        #expect(call("GET", "/api/v1/conversations/\(conversation)", ["Authorization": "Bearer \(own)"]).status == 200)
    }
}
