import Foundation
import Testing
import SwitchboardCore
import SwitchboardStore
@testable import SwitchboardHost

/// Replies, notes, contacts and search through the inbox API on a real store.
@Suite struct InboxAPIMessageTests {
    let me = InboxFixture.agent("a", "user-1")

    @Test func aReplyIsQueuedInTheOutboxAndTheSenderNotified() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let r = f.router(as: me).post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"  We open at 8.  "}"#)
        #expect(r.status == 202)
        #expect(r.object["status"] as? String == "queued")
        #expect(r.object["kind"] as? String == "text")
        #expect(r.object["direction"] as? String == "outbound")
        #expect(r.object["text"] as? String == "We open at 8.")
        #expect(r.object["author"] as? String == "user-1")
        #expect(r.object["conversation_id"] as? String == c.id.rawValue)
        #expect(try f.store.queue.outboxDepth() == ["wa-main": 1])
        #expect(f.notifications.all == ["wa-main"])
        let id = try #require(r.object["id"] as? String)
        #expect(try f.ws("a").messages.get(MessageID(id))?.status == .queued)
    }

    @Test func anEmptyReplyIs400AndQueuesNothing() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let router = f.router(as: me)
        for body in [#"{"text":"   "}"#, #"{"text":""}"#, "{}", #"{"text":3}"#, "[1]"] {
            let r = router.post("/api/v1/conversations/\(c.id)/reply", json: body)
            #expect(r.status == 400, "\(body)")
            #expect(r.error != nil)
        }
        #expect(try f.store.queue.outboxDepth().isEmpty)
    }

    @Test func aReplyOutsideThe24HourWindowIs409AndQueuesNothing() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let router = f.router(as: me)
        f.clock.advance(seconds: 23 * 3600)
        #expect(router.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"still in time"}"#).status == 202)
        f.clock.advance(seconds: 2 * 3600)
        let r = router.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"too late"}"#)
        #expect(r.status == 409)
        #expect(r.object["code"] as? String == "outside_window")
        #expect(r.error?.contains("24 hours") == true)
        #expect(try f.store.queue.outboxDepth() == ["wa-main": 1])
        let texts = try f.ws("a").messages.list(conversation: c.id, after: nil, limit: 10).compactMap(\.text)
        #expect(!texts.contains("too late"))
        // A conversation whose customer never wrote has no window at all.
        let contact = try f.ws("a").contacts.upsert(e164: "+2348039999999", rawPhone: nil, profileName: nil).contact
        let silent = try f.ws("a").conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
        #expect(router.post("/api/v1/conversations/\(silent.id)/reply", json: #"{"text":"hi"}"#).status == 409)
    }

    @Test func notesAreStoredAndNeverEnterTheOutbox() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        f.clock.advance(seconds: 48 * 3600) // a note needs no window
        let r = f.router(as: me).post("/api/v1/conversations/\(c.id)/notes", json: #"{"text":"VIP, be nice"}"#)
        #expect(r.status == 201)
        #expect(r.object["kind"] as? String == "note")
        #expect(r.object["status"] is NSNull)
        #expect(r.object["author"] as? String == "user-1")
        #expect(try f.store.queue.outboxDepth().isEmpty)
        #expect(f.notifications.all.isEmpty)
        let empty = f.router(as: me).post("/api/v1/conversations/\(c.id)/notes", json: #"{"text":" "}"#)
        #expect(empty.status == 400)
        #expect(f.router(as: me).post("/api/v1/conversations/cv_nope/notes", json: #"{"text":"x"}"#).status == 404)
        #expect(f.router(as: me).post("/api/v1/conversations/cv_nope/reply", json: #"{"text":"x"}"#).status == 404)
    }

    @Test func contactsPageNewestFirst() throws {
        let f = try InboxFixture()
        var made: [String] = []
        for i in 0..<5 { made.append(try f.inbound("a", phone: "+23480300000\(10 + i)", name: "C\(i)").contactID.rawValue) }
        let router = f.router(as: me)
        let first = router.get("/api/v1/contacts?limit=3")
        #expect(first.status == 200)
        #expect(first.items.compactMap { $0["id"] as? String } == Array(made.reversed().prefix(3)))
        #expect(first.items.first?["e164"] as? String == "+2348030000014")
        #expect(first.items.first?["profile_name"] as? String == "C4")
        let cursor = try #require(first.object["next_cursor"] as? String)
        let second = router.get("/api/v1/contacts?limit=3&cursor=\(cursor)")
        #expect(second.items.compactMap { $0["id"] as? String } == Array(made.reversed().suffix(2)))
        #expect(second.object["next_cursor"] is NSNull)
        #expect(router.get("/api/v1/contacts?cursor=%%%").status == 400)
    }

    @Test func searchFindsMessagesOfTheWorkspace() throws {
        let f = try InboxFixture()
        try f.inbound("a", phone: "+2348030000001", text: "Do you sell chocolate cake?")
        try f.inbound("a", phone: "+2348030000002", text: "Where is the shop?")
        #expect(f.searchIndexed())
        let router = f.router(as: me)
        let r = router.get("/api/v1/search?q=chocolate+cake")
        #expect(r.status == 200)
        #expect(r.items.compactMap { $0["text"] as? String } == ["Do you sell chocolate cake?"])
        #expect(router.get("/api/v1/search?q=bicycle").items.isEmpty)
        #expect(router.get("/api/v1/search").status == 400)
        #expect(router.get("/api/v1/search?q=%20").status == 400)
        #expect(router.get("/api/v1/search?q=cake&limit=500").status == 400)
    }
}
