import Foundation
import Testing
import SwitchboardCore
import SwitchboardStore
@testable import SwitchboardHost

/// The conversation routes of the inbox API on a real store, as an agent of workspace `a`.
@Suite struct InboxAPIConversationTests {
    let me = InboxFixture.agent("a", "user-1")

    @Test func listShowsConversationsNewestActivityFirstWithTheirFields() throws {
        let f = try InboxFixture()
        let first = try f.inbound("a", phone: "+2348030000001", text: "first")
        let second = try f.inbound("a", phone: "+2348030000002", text: "second")
        let r = f.router(as: me).get("/api/v1/conversations")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(r.items.map { $0["id"] as? String } == [second.id.rawValue, first.id.rawValue])
        let item = try #require(r.items.last)
        #expect(item["channel"] as? String == "wa-main")
        #expect(item["contact_id"] as? String == first.contactID.rawValue)
        #expect(item["state"] as? String == "bot")
        #expect(item["assigned_to"] is NSNull)
        #expect(item["unread"] as? Int == 1)
        #expect(item["last_inbound_at"] as? String == RFC3339.string(first.lastInboundAt!))
        #expect(item["created_at"] as? String == RFC3339.string(first.createdAt))
        #expect((item["updated_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        #expect(r.object["next_cursor"] is NSNull)
    }

    @Test func timesAreRFC3339InUTCWithMilliseconds() {
        #expect(RFC3339.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_780_000_000.123)) == "2026-05-28T20:26:40.123Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.string(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test func unreadCountsInboundMessagesSinceTheLastReplyButNotSinceANote() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", text: "one")
        let router = f.router(as: me)
        _ = try f.inbound("a", text: "two")
        #expect(router.get("/api/v1/conversations").items.first?["unread"] as? Int == 2)
        #expect(router.post("/api/v1/conversations/\(c.id)/notes", json: #"{"text":"checking stock"}"#).status == 201)
        #expect(router.get("/api/v1/conversations").items.first?["unread"] as? Int == 2)
        #expect(router.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"on it"}"#).status == 202)
        #expect(router.get("/api/v1/conversations").items.first?["unread"] as? Int == 0)
        _ = try f.inbound("a", text: "three")
        #expect(router.get("/api/v1/conversations").items.first?["unread"] as? Int == 1)
    }

    @Test func filtersByStateAssignmentAndChannel() throws {
        let f = try InboxFixture()
        let bot = try f.inbound("a", phone: "+2348030000001")
        let human = try f.inbound("a", phone: "+2348030000002")
        let mine = try f.inbound("a", phone: "+2348030000003")
        let theirs = try f.inbound("a", phone: "+2348030000004", channel: "wa-second")
        let ws = f.ws("a")
        _ = try ws.conversations.transition(human.id, .handoff)
        _ = try ws.conversations.assign(mine.id, to: "user-1")
        _ = try ws.conversations.assign(theirs.id, to: "user-2")
        let router = f.router(as: me)
        func ids(_ query: String) -> Set<String> {
            Set(router.get("/api/v1/conversations" + query).items.compactMap { $0["id"] as? String })
        }
        #expect(ids("?state=human") == [human.id.rawValue])
        #expect(ids("?state=bot") == [bot.id.rawValue, mine.id.rawValue, theirs.id.rawValue])
        #expect(ids("?state=resolved") == [])
        #expect(ids("?assigned=me") == [mine.id.rawValue])
        #expect(ids("?assigned=none") == [bot.id.rawValue, human.id.rawValue])
        #expect(ids("?channel=wa-second") == [theirs.id.rawValue])
        #expect(ids("?channel=wa-main&assigned=none&state=bot") == [bot.id.rawValue])
        #expect(ids("?assigned=none&state=human") == [human.id.rawValue])
        // Another agent's "me" is theirs.
        let other = f.router(as: InboxFixture.agent("a", "user-2"))
        #expect(Set(other.get("/api/v1/conversations?assigned=me").items.compactMap { $0["id"] as? String }) == [theirs.id.rawValue])
    }

    @Test func badQueriesAnswer400WithTheReason() throws {
        let f = try InboxFixture()
        let router = f.router(as: me)
        for (query, words) in [("state=open", "state"), ("assigned=bob", "assigned"), ("limit=0", "limit"),
                               ("limit=101", "limit"), ("limit=ten", "limit"), ("cursor=nonsense", "cursor")] {
            let r = router.get("/api/v1/conversations?" + query)
            #expect(r.status == 400, "\(query)")
            #expect(r.error?.contains(words) == true, "\(query): \(r.text)")
        }
    }

    @Test func cursorPagesThroughEveryConversationOnceEvenWithEqualTimes() throws {
        let f = try InboxFixture()
        var expected: [String] = []
        for i in 0..<4 { expected.append(try f.inbound("a", phone: "+23480300000\(10 + i)").id.rawValue) }
        // Five more in the same millisecond: the id decides their order.
        f.clock.frozen.store(true, ordering: .relaxed)
        for i in 0..<5 { expected.append(try f.inbound("a", phone: "+23480300000\(20 + i)").id.rawValue) }
        f.clock.frozen.store(false, ordering: .relaxed)
        let router = f.router(as: me)
        let all = router.get("/api/v1/conversations?limit=100").items.compactMap { $0["id"] as? String }
        #expect(Set(all) == Set(expected))
        #expect(all.count == 9)

        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let q = "/api/v1/conversations?limit=2" + (cursor.map { "&cursor=" + $0 } ?? "")
            let r = router.get(q)
            #expect(r.status == 200)
            seen += r.items.compactMap { $0["id"] as? String }
            cursor = r.object["next_cursor"] as? String
            pages += 1
        } while cursor != nil && pages < 20
        #expect(pages == 5)
        #expect(seen == all)
    }

    @Test func detailHasTheContactMessagesWithStatusAndAuthorAndTheJournal() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", name: "Ada Obi", text: "do you deliver?")
        let router = f.router(as: me)
        #expect(router.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"Yes, in Lagos."}"#).status == 202)
        #expect(router.post("/api/v1/conversations/\(c.id)/notes", json: #"{"text":"regular customer"}"#).status == 201)
        let r = router.get("/api/v1/conversations/\(c.id)")
        #expect(r.status == 200)
        let conversation = try #require(r.object["conversation"] as? [String: Any])
        #expect(conversation["id"] as? String == c.id.rawValue)
        let contact = try #require(r.object["contact"] as? [String: Any])
        #expect(contact["e164"] as? String == "+2348031234567")
        #expect(contact["profile_name"] as? String == "Ada Obi")
        let messages = try #require(r.object["messages"] as? [[String: Any]])
        #expect(messages.map { $0["text"] as? String } == ["do you deliver?", "Yes, in Lagos.", "regular customer"])
        #expect(messages.map { $0["direction"] as? String } == ["inbound", "outbound", "outbound"])
        #expect(messages.map { $0["kind"] as? String } == ["text", "text", "note"])
        #expect(messages[0]["status"] is NSNull)
        #expect(messages[0]["author"] is NSNull)
        #expect(messages[1]["status"] as? String == "queued")
        #expect(messages[1]["author"] as? String == "user-1")
        #expect(messages[2]["status"] is NSNull)
        #expect(messages[2]["author"] as? String == "user-1")
        // The agent's reply took the bot conversation over (and it was nobody's): then queued.
        let events = try #require(r.object["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["state_changed", "assigned", "queued", "note"])
        #expect((events[0]["detail"] as? [String: Any])?["trigger"] as? String == "take_over")
        #expect((events[2]["detail"] as? [String: Any])?["author"] as? String == "user-1")
        #expect(events[2]["message_id"] as? String == messages[1]["id"] as? String)
        #expect(events[2]["id"] is Int)
    }

    /// The detail reads the history backwards a page at a time: the newest `limit`
    /// messages and events first, `next_cursor` to the page before, each list on its own,
    /// until null; every message and event exactly once, even while new ones arrive.
    @Test func detailPagesBackwardsThroughMessagesAndEvents() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", text: "message 0")
        let ws = f.ws("a")
        for i in 1..<8 {
            _ = try ws.messages.insertInbound(NewInboundMessage(conversationID: c.id, providerMessageID: "wamid.p\(i)",
                                                                kind: .text, text: "message \(i)"))
        }
        for i in 0..<4 { _ = try ws.events.append(NewEvent(.note, conversation: c.id, detail: ["n": "\(i)"])) }
        let allMessages = try ws.messages.list(conversation: c.id, after: nil, limit: 100).map(\.id.rawValue)
        let allEvents = try ws.events.list(conversation: c.id, after: nil, limit: 100).map { Int($0.id) }
        #expect(allMessages.count == 8)
        let router = f.router(as: me)

        var messagePages: [[String]] = [], eventPages: [[Int]] = []
        var cursor: String?
        repeat {
            let r = router.get("/api/v1/conversations/\(c.id)?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(r.status == 200, "\(r.text)")
            let messages = try #require(r.object["messages"] as? [[String: Any]])
            let events = try #require(r.object["events"] as? [[String: Any]])
            #expect(messages.count <= 3 && events.count <= 3)
            messagePages.append(messages.compactMap { $0["id"] as? String })
            eventPages.append(events.compactMap { $0["id"] as? Int })
            cursor = r.object["next_cursor"] as? String
            if messagePages.count == 1 {
                // A message arriving meanwhile does not shift the older pages.
                _ = try ws.messages.insertInbound(NewInboundMessage(conversationID: c.id, providerMessageID: "wamid.late",
                                                                    kind: .text, text: "late"))
            }
        } while cursor != nil && messagePages.count < 10
        #expect(cursor == nil)
        // Newest page first, each oldest first: read back to front, the whole history once.
        #expect(messagePages.reversed().flatMap { $0 } == allMessages)
        #expect(eventPages.reversed().flatMap { $0 } == allEvents)
        #expect(messagePages.first == Array(allMessages.suffix(3)))
        #expect(messagePages.count == 3)
        // The newest page shows the late message; without a limit, 50.
        let newest = router.get("/api/v1/conversations/\(c.id)")
        let texts = (newest.object["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String }
        #expect(texts?.count == 9)
        #expect(texts?.last == "late")
        #expect(newest.object["next_cursor"] is NSNull)

        // Bad cursors and limits: 400 with the reason; a cursor naming a message of
        // another workspace reveals nothing.
        for query in ["limit=0", "limit=101", "limit=x", "cursor=%%%", "cursor=bm9wZQ"] {
            let r = router.get("/api/v1/conversations/\(c.id)?\(query)")
            #expect(r.status == 400, "\(query): \(r.text)")
            #expect(r.error?.isEmpty == false)
        }
        let other = try f.inbound("b", text: "b's")
        let bMessage = try #require(try f.ws("b").messages.list(conversation: other.id, after: nil, limit: 1).first)
        let foreign = DetailCursor(beforeMessage: bMessage.id, beforeEvent: nil).encoded
        let r = router.get("/api/v1/conversations/\(c.id)?cursor=\(foreign)")
        #expect(r.status == 400)
        #expect(!r.text.contains("b's"))
    }

    @Test func anUnknownConversationIs404() throws {
        let f = try InboxFixture()
        let r = f.router(as: me).get("/api/v1/conversations/cv_nope")
        #expect(r.status == 404)
        #expect(r.error == "conversation cv_nope not found")
    }

    @Test func assignAndUnassign() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let router = f.router(as: me)
        let assigned = router.post("/api/v1/conversations/\(c.id)/assign", json: #"{"user_id":"user-7"}"#)
        #expect(assigned.status == 200)
        #expect(assigned.object["assigned_to"] as? String == "user-7")
        #expect(try f.ws("a").conversations.get(c.id)?.assignedTo == "user-7")
        let unassigned = router.post("/api/v1/conversations/\(c.id)/assign", json: #"{"user_id":null}"#)
        #expect(unassigned.status == 200)
        #expect(unassigned.object["assigned_to"] is NSNull)
        #expect(try f.ws("a").conversations.get(c.id)?.assignedTo == nil)
        let journal = try f.ws("a").events.list(conversation: c.id, after: nil, limit: 10)
        #expect(journal.map(\.kind) == [.assigned, .assigned])

        for body in ["{}", #"{"user_id":""}"#, #"{"user_id":5}"#, "not json", ""] {
            let r = router.post("/api/v1/conversations/\(c.id)/assign", json: body)
            #expect(r.status == 400, "\(body)")
            #expect(r.error?.contains("user_id") == true || r.error?.contains("JSON object") == true, "\(body): \(r.text)")
        }
    }

    @Test func stateActionsFollowTheStateMachine() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let router = f.router(as: me)
        let path = "/api/v1/conversations/\(c.id)/"

        let resolved = router.post(path + "resolve")
        #expect(resolved.status == 200)
        #expect(resolved.object["state"] as? String == "resolved")
        let reopened = router.post(path + "reopen")
        #expect(reopened.status == 200)
        #expect(reopened.object["state"] as? String == "human")
        let handedBack = router.post(path + "handback")
        #expect(handedBack.status == 200)
        #expect(handedBack.object["state"] as? String == "bot")
        #expect(try f.ws("a").conversations.get(c.id)?.state == .bot)

        let changes = try f.ws("a").events.list(conversation: c.id, after: nil, limit: 10).filter { $0.kind == .stateChanged }
        #expect(changes.compactMap { $0.detail?["to"] } == ["resolved", "human", "bot"])
        #expect(changes.allSatisfy { $0.detail?["author"] == "user-1" })
    }

    @Test func invalidTransitionsAnswer409AndChangeNothing() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let router = f.router(as: me)
        let path = "/api/v1/conversations/\(c.id)/"
        // bot: cannot be reopened nor handed back.
        let reopen = router.post(path + "reopen")
        #expect(reopen.status == 409)
        #expect(reopen.object["code"] as? String == "invalid_transition")
        #expect(reopen.error == "cannot reopen conversation \(c.id): it is bot, and reopen is only possible from resolved")
        let handback = router.post(path + "handback")
        #expect(handback.status == 409)
        #expect(handback.error == "cannot hand back conversation \(c.id): it is bot, and hand back is only possible from human or resolved")
        // resolved: cannot be resolved again.
        #expect(router.post(path + "resolve").status == 200)
        let again = router.post(path + "resolve")
        #expect(again.status == 409)
        #expect(again.error?.contains("it is resolved") == true)
        #expect(try f.ws("a").conversations.get(c.id)?.state == .resolved)
        let changes = try f.ws("a").events.list(conversation: c.id, after: nil, limit: 10).filter { $0.kind == .stateChanged }
        #expect(changes.count == 1)
        #expect(router.post("/api/v1/conversations/cv_nope/resolve").status == 404)
    }
}
