import Foundation
import Testing
import SwitchboardLog
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
@testable import SwitchboardHost

/// Data care through the inbox API (owners only) and the retention sweep: what a
/// business's customer gets back when they ask for their data, and what is left of them
/// when they ask to be forgotten; in one workspace, never another.
@Suite struct DataCareTests {
    static func owner(_ workspace: WorkspaceID) -> AuthContext {
        AuthContext(workspace: workspace, userID: "owner-1", name: "owner@example.com", role: .owner, credential: .session)
    }

    static func role(_ workspace: WorkspaceID, _ role: AuthContext.Role) -> AuthContext {
        AuthContext(workspace: workspace, userID: "u-\(role)", name: "\(role)@example.com", role: role, credential: .session)
    }

    @Test func theOwnerExportsEverythingOfOneContactAndNothingElse() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", phone: "+2348031111111", name: "Ada", text: "my address is 12 Palm Street")
        _ = try f.inbound("a", phone: "+2348032222222", name: "Bola", text: "another customer")
        _ = try f.inbound("b", phone: "+2348031111111", name: "Ada in b", text: "workspace b secret")
        #expect(f.router(as: InboxFixture.agent("a")).post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"Noted, Ada."}"#).status == 202)

        let r = f.router(as: Self.owner("a")).get("/api/v1/contacts/\(c.contactID)/export")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.headers["Content-Disposition"]?.hasPrefix("attachment") == true)
        let doc = r.object
        #expect(doc["format"] as? String == "switchboard.contact-export/1")
        #expect((doc["contact"] as? [String: Any])?["e164"] as? String == "+2348031111111")
        #expect((doc["contact"] as? [String: Any])?["profile_name"] as? String == "Ada")
        let texts = (doc["messages"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(texts == ["my address is 12 Palm Street", "Noted, Ada."])
        #expect((doc["conversations"] as? [Any])?.count == 1)
        #expect(!(doc["events"] as? [Any] ?? []).isEmpty)
        #expect(!r.text.contains("another customer") && !r.text.contains("workspace b secret"))
    }

    @Test func onlyTheOwnerMayExportOrEraseAndOtherWorkspacesSee404() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", text: "private")
        let export = "/api/v1/contacts/\(c.contactID)/export", erase = "/api/v1/contacts/\(c.contactID)/erase"
        for role in [AuthContext.Role.admin, .agent] {
            let router = f.router(as: Self.role("a", role))
            let e = router.get(export)
            #expect(e.status == 403, "\(role) export: \(e.status)")
            #expect(e.object["code"] as? String == "forbidden_role")
            #expect(router.post(erase, json: #"{"confirm":true}"#).status == 403)
        }
        // An API token acts as admin: no data care either.
        #expect(f.router(as: InboxFixture.agent("a")).get(export).status == 403)
        // b's owner: as if the contact did not exist.
        let b = f.router(as: Self.owner("b"))
        #expect(b.get(export).status == 404)
        #expect(b.post(erase, json: #"{"confirm":true}"#).status == 404)
        // a's owner must confirm.
        let a = f.router(as: Self.owner("a"))
        #expect(a.post(erase, json: "{}").status == 400)
        #expect(a.post(erase, json: #"{"confirm":"yes"}"#).status == 400)
        #expect(a.get("/api/v1/contacts/ct_nope/export").status == 404)
        // Nothing was erased by any of that.
        #expect(try f.ws("a").messages.list(conversation: c.id, after: nil, limit: 10).first?.text == "private")
    }

    @Test func eraseRemovesContentProfileAndQueuedRepliesAndKeepsTheShape() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", phone: "+2348031111111", name: "Ada", text: "chocolate cake for my husband")
        let other = try f.inbound("a", phone: "+2348032222222", name: "Bola", text: "chocolate muffins please")
        let inB = try f.inbound("b", phone: "+2348031111111", name: "Ada", text: "chocolate in b")
        let agent = f.router(as: InboxFixture.agent("a"))
        #expect(agent.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"Your chocolate cake is ready"}"#).status == 202)
        #expect(try f.store.queue.outboxDepth().values.reduce(0, +) == 1)
        #expect(f.searchIndexed())
        #expect(agent.get("/api/v1/search?q=husband").items.count == 1)
        // What agents recorded about her, and a plugin's journal entry quoting her.
        let patch = HTTPRequest(method: "PATCH", target: "/api/v1/contacts/\(c.contactID)", headers: ["Content-Type": "application/json"],
                                body: Array(#"{"name":"Ada Obi","attributes":{"city":"Lagos"}}"#.utf8))
        #expect(agent.respond(to: patch).status == 200)
        #expect(agent.post("/api/v1/contacts/\(c.contactID)/notes", json: #"{"text":"allergic to nuts"}"#).status == 201)
        _ = try f.ws("a").events.append(NewEvent(.pluginEvent, conversation: c.id, channel: "wa-main",
                                                 detail: ["question": "chocolate cake for my husband"]))
        #expect(f.router(as: Self.owner("a")).get("/api/v1/contacts/\(c.contactID)/export").text.contains("allergic to nuts"))
        let eventsBefore = try f.ws("a").events.list(conversation: c.id, after: nil, limit: 100)

        let r = f.router(as: Self.owner("a")).post("/api/v1/contacts/\(c.contactID)/erase", json: #"{"confirm":true}"#)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["messages"] as? Int == 2)
        #expect(r.object["cancelled_replies"] as? Int == 1)

        // The conversation keeps its messages, without their content.
        let messages = try f.ws("a").messages.list(conversation: c.id, after: nil, limit: 10)
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.text == nil && $0.payloadJSON == nil })
        #expect(messages.last?.status == .failed && messages.last?.errorCode == "erased")
        // The queued reply is not sent.
        #expect(try f.store.queue.outboxDepth().values.reduce(0, +) == 0)
        // The contact is nobody now.
        let contact = try #require(try f.ws("a").contacts.get(c.contactID))
        #expect(contact.e164 != "+2348031111111" && contact.profileName == nil && contact.rawPhone == nil)
        #expect(try f.ws("a").contacts.find(e164: "+2348031111111") == nil)
        // The journal keeps its entries, without details, and says who erased.
        // The journal keeps every entry: a responder's details go (they may quote her), the
        // pipeline's stay (reports read them).
        let events = try f.ws("a").events.list(conversation: c.id, after: nil, limit: 100)
        #expect(events.map(\.id) == eventsBefore.map(\.id))
        #expect(events.first { $0.kind == .pluginEvent }?.detailJSON == #"{"erased":"true"}"#)
        #expect(events.allSatisfy { !$0.detailJSON.contains("chocolate") && !$0.detailJSON.contains("Ada") })
        let stateChanges = { (list: [Event]) in list.filter { $0.kind == .stateChanged }.map(\.detailJSON) }
        #expect(!stateChanges(events).isEmpty && stateChanges(events) == stateChanges(eventsBefore))
        // The agents' profile and notes are gone.
        let profile = try f.ws("a").contactProfiles.profile(c.contactID)
        #expect(profile.name == nil && profile.attributes.isEmpty)
        #expect(try f.ws("a").contactProfiles.notes(c.contactID, limit: 10).isEmpty)
        let erased = try f.ws("a").events.tail(conversation: nil, limit: 5).last { $0.kind == .contactErased }
        #expect(erased?.detail?["by"] == "user:owner-1")
        #expect(erased?.detail?["contact"] == c.contactID.rawValue)
        // Search no longer finds it; the other customer and workspace b are untouched.
        #expect(f.searchIndexed())
        #expect(agent.get("/api/v1/search?q=husband").items.isEmpty)
        #expect(agent.get("/api/v1/search?q=muffins").items.count == 1)
        #expect(try f.ws("a").messages.list(conversation: other.id, after: nil, limit: 10).first?.text == "chocolate muffins please")
        #expect(try f.ws("b").messages.list(conversation: inB.id, after: nil, limit: 10).first?.text == "chocolate in b")
        #expect(try f.ws("b").contacts.find(e164: "+2348031111111")?.profileName == "Ada")
        // The export says what is left.
        let after = f.router(as: Self.owner("a")).get("/api/v1/contacts/\(c.contactID)/export")
        #expect(!after.text.contains("chocolate") && !after.text.contains("Ada") && !after.text.contains("2348031111111"))
        #expect(!after.text.contains("nuts") && !after.text.contains("Lagos"))
        // The same number writing again is a new contact.
        let again = try f.inbound("a", phone: "+2348031111111", name: "Ada", text: "hello again")
        #expect(again.contactID != c.contactID)
    }

    @Test func retentionEmptiesOldContentOfItsWorkspaceOnly() throws {
        let f = try InboxFixture()
        let old = try f.inbound("a", text: "old order details")
        let oldB = try f.inbound("b", text: "old in b")
        f.clock.advance(seconds: 3 * 86_400)
        let recent = try f.inbound("a", phone: "+2348030000005", text: "new order details")
        let sweeper = RetentionSweeper(store: f.store, retentionDays: ["a": 2], logger: Logger(sink: LogSink(level: .error)),
                                       clock: { f.clock.next() })
        sweeper.sweep()
        #expect(try f.ws("a").messages.list(conversation: old.id, after: nil, limit: 10).first?.text == nil)
        #expect(try f.ws("a").messages.list(conversation: recent.id, after: nil, limit: 10).first?.text == "new order details")
        #expect(try f.ws("b").messages.list(conversation: oldB.id, after: nil, limit: 10).first?.text == "old in b")
        let expired = try f.ws("a").events.tail(conversation: nil, limit: 5).last { $0.kind == .contentExpired }
        #expect(expired?.detail?["messages"] == "1")
        // A second sweep finds nothing new and journals nothing.
        sweeper.sweep()
        #expect(try f.ws("a").events.tail(conversation: nil, limit: 10).filter { $0.kind == .contentExpired }.count == 1)
        // Time passes: the recent one goes too.
        f.clock.advance(seconds: 3 * 86_400)
        sweeper.sweep()
        #expect(try f.ws("a").messages.list(conversation: recent.id, after: nil, limit: 10).first?.text == nil)
    }
}
