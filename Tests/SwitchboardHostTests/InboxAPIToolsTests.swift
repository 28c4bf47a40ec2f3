import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore
@testable import SwitchboardHost

/// The inbox's tools through the real handlers and a real store: canned replies, labels,
/// take over, the contact panel, the users list and the daily report, with the roles that
/// may use each.
@Suite struct InboxAPIToolsTests {
    static func admin(_ workspace: WorkspaceID, _ user: String = "usr_admin") -> AuthContext {
        AuthContext(workspace: workspace, userID: user, name: "\(user)@example.com", role: .admin, credential: .session)
    }

    static func owner(_ workspace: WorkspaceID) -> AuthContext {
        AuthContext(workspace: workspace, userID: "usr_owner", name: "owner@example.com", role: .owner, credential: .session)
    }

    func request(_ router: HTTPRouter, _ method: String, _ target: String, _ json: String = "") -> APIResult {
        APIResult(router.respond(to: HTTPRequest(method: method, target: target, headers: ["Content-Type": "application/json"],
                                                 body: Array(json.utf8))))
    }

    @Test func cannedRepliesAreManagedByAdminsAndReadByAgents() throws {
        let f = try InboxFixture()
        let agent = f.router(as: InboxFixture.agent("a"))
        let admin = f.router(as: Self.admin("a"))

        let refused = agent.post("/api/v1/canned-replies", json: #"{"shortcut":"hours","text":"8 to 7"}"#)
        #expect(refused.status == 403)
        #expect(refused.object["code"] as? String == "forbidden_role")
        #expect(refused.error?.contains("needs the admin role") == true, "\(refused.text)")
        #expect(try f.ws("a").cannedReplies.list().isEmpty)

        let created = admin.post("/api/v1/canned-replies", json: #"{"shortcut":"/Hours","text":"We open at 8 and close at 7."}"#)
        #expect(created.status == 201)
        #expect(created.object["shortcut"] as? String == "hours")
        let id = try #require(created.object["id"] as? String)
        #expect(admin.post("/api/v1/canned-replies", json: #"{"shortcut":"hours","text":"again"}"#).status == 409)
        for bad in [#"{"shortcut":"two words","text":"x"}"#, #"{"shortcut":"ok","text":"  "}"#, #"{"shortcut":"ok"}"#, "[]"] {
            let r = admin.post("/api/v1/canned-replies", json: bad)
            #expect(r.status == 400, "\(bad): \(r.text)")
        }
        #expect(try f.ws("a").cannedReplies.list().count == 1)

        // Agents read them (the composer's "/" list), in shortcut order.
        _ = admin.post("/api/v1/canned-replies", json: #"{"shortcut":"address","text":"12 Bode Thomas St."}"#)
        #expect(agent.get("/api/v1/canned-replies").items.compactMap { $0["shortcut"] as? String } == ["address", "hours"])

        #expect(request(agent, "PUT", "/api/v1/canned-replies/\(id)", #"{"shortcut":"hours","text":"x"}"#).status == 403)
        let changed = request(admin, "PUT", "/api/v1/canned-replies/\(id)", #"{"shortcut":"open","text":"We open at 9."}"#)
        #expect(changed.status == 200)
        #expect(try f.ws("a").cannedReplies.get(id)?.text == "We open at 9.")
        #expect(request(admin, "PUT", "/api/v1/canned-replies/\(id)", #"{"shortcut":"address","text":"x"}"#).status == 409)
        #expect(request(agent, "DELETE", "/api/v1/canned-replies/\(id)").status == 403)
        #expect(request(admin, "DELETE", "/api/v1/canned-replies/\(id)").status == 200)
        #expect(request(admin, "DELETE", "/api/v1/canned-replies/\(id)").status == 404)
        #expect(try f.ws("a").cannedReplies.get(id) == nil)
    }

    @Test func labelsOnConversationsAndTheFilter() throws {
        let f = try InboxFixture()
        let order = try f.inbound("a", phone: "+2348030000001", text: "I want a cake")
        let other = try f.inbound("a", phone: "+2348030000002", text: "hello")
        let agent = f.router(as: InboxFixture.agent("a"))
        let admin = f.router(as: Self.admin("a"))

        #expect(agent.post("/api/v1/labels", json: #"{"name":"order"}"#).status == 403)
        let label = admin.post("/api/v1/labels", json: #"{"name":"order","color":"green"}"#)
        #expect(label.status == 201)
        let labelID = try #require(label.object["id"] as? String)
        #expect(admin.post("/api/v1/labels", json: #"{"name":"order"}"#).status == 409)
        #expect(admin.post("/api/v1/labels", json: #"{"name":"vip","color":"pink"}"#).status == 400)

        // Any agent labels a conversation.
        let labelled = agent.post("/api/v1/conversations/\(order.id)/labels", json: "{\"label_id\":\"\(labelID)\"}")
        #expect(labelled.status == 200, "\(labelled.text)")
        #expect((labelled.object["labels"] as? [[String: Any]])?.first?["name"] as? String == "order")
        #expect(agent.post("/api/v1/conversations/\(order.id)/labels", json: #"{"label_id":"lb_nope"}"#).status == 404)

        // The filter, and the labels in the list.
        let filtered = agent.get("/api/v1/conversations?label=\(labelID)")
        #expect(filtered.items.compactMap { $0["id"] as? String } == [order.id.rawValue])
        let all = agent.get("/api/v1/conversations").items
        #expect(all.count == 2)
        let otherRow = try #require(all.first { $0["id"] as? String == other.id.rawValue })
        #expect((otherRow["labels"] as? [Any])?.isEmpty == true)

        // Off again; a deleted label leaves every conversation.
        #expect(request(agent, "DELETE", "/api/v1/conversations/\(order.id)/labels/\(labelID)").status == 200)
        #expect(agent.get("/api/v1/conversations?label=\(labelID)").items.isEmpty)
        _ = agent.post("/api/v1/conversations/\(order.id)/labels", json: "{\"label_id\":\"\(labelID)\"}")
        #expect(request(agent, "DELETE", "/api/v1/labels/\(labelID)").status == 403)
        #expect(request(admin, "DELETE", "/api/v1/labels/\(labelID)").status == 200)
        #expect(try f.ws("a").labels.labels(of: [order.id]).isEmpty)
    }

    @Test func takeOverMovesABotConversationToTheAgent() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let agent = f.router(as: InboxFixture.agent("a", "usr_ada"))
        let r = agent.post("/api/v1/conversations/\(c.id)/takeover")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["state"] as? String == "human")
        #expect(r.object["assigned_to"] as? String == "usr_ada")
        let change = try #require(try f.ws("a").events.tail(conversation: c.id, limit: 10).first { $0.kind == .stateChanged })
        #expect(change.detail?["trigger"] == "take_over")
        #expect(change.detail?["author"] == "usr_ada")
        #expect(change.detail?["how"] == "button")
        // Only a bot conversation.
        let again = agent.post("/api/v1/conversations/\(c.id)/takeover")
        #expect(again.status == 409)
        #expect(again.object["code"] as? String == "invalid_transition")
        #expect(agent.post("/api/v1/conversations/cv_nope/takeover").status == 404)
    }

    @Test func anAgentsReplyInABotConversationTakesItOver() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        // Someone else has it: the take over keeps the assignment.
        _ = try f.ws("a").conversations.assign(c.id, to: "usr_boss")
        let agent = f.router(as: InboxFixture.agent("a", "usr_ada"))
        #expect(agent.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"I'll handle this"}"#).status == 202)
        let now = try #require(try f.ws("a").conversations.get(c.id))
        #expect(now.state == .human)
        #expect(now.assignedTo == "usr_boss")
        let kinds = try f.ws("a").events.tail(conversation: c.id, limit: 10).map(\.kind)
        #expect(kinds.firstIndex(of: .stateChanged)! < kinds.firstIndex(of: .queued)!)
        // A second reply changes nothing more.
        #expect(agent.post("/api/v1/conversations/\(c.id)/reply", json: #"{"text":"done"}"#).status == 202)
        #expect(try f.ws("a").events.tail(conversation: c.id, limit: 20).filter { $0.kind == .stateChanged }.count == 1)
        // A note is no reply: a bot conversation stays the bot's.
        let d = try f.inbound("a", phone: "+2348030000044")
        #expect(agent.post("/api/v1/conversations/\(d.id)/notes", json: #"{"text":"watch this one"}"#).status == 201)
        #expect(try f.ws("a").conversations.get(d.id)?.state == .bot)
    }

    @Test func theContactPanel() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a", name: "Ada")
        let agent = f.router(as: InboxFixture.agent("a", "usr_ada"))
        let path = "/api/v1/contacts/\(c.contactID)"
        let empty = agent.get(path)
        #expect(empty.status == 200)
        #expect((empty.object["contact"] as? [String: Any])?["profile_name"] as? String == "Ada")
        #expect((empty.object["profile"] as? [String: Any])?["name"] is NSNull)
        #expect((empty.object["conversations"] as? [[String: Any]])?.first?["id"] as? String == c.id.rawValue)

        let patched = request(agent, "PATCH", path, #"{"name":"Ada Obi","attributes":{"city":"Lagos","tier":"gold"}}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.object["name"] as? String == "Ada Obi")
        #expect(try f.ws("a").contactProfiles.profile(c.contactID).attributes == ["city": "Lagos", "tier": "gold"])
        // The name shows wherever the contact does.
        #expect(agent.get("/api/v1/contacts").items.first?["name"] as? String == "Ada Obi")
        #expect((agent.get("/api/v1/conversations/\(c.id)").object["contact"] as? [String: Any])?["name"] as? String == "Ada Obi")
        #expect((agent.get(path).object["contact"] as? [String: Any])?["name"] as? String == "Ada Obi")
        // Only the name: the attributes stay.
        #expect(request(agent, "PATCH", path, #"{"name":null}"#).status == 200)
        #expect(try f.ws("a").contactProfiles.profile(c.contactID) .attributes.count == 2)
        #expect(try f.ws("a").contactProfiles.profile(c.contactID).name == nil)
        for bad in [#"{}"#, #"{"attributes":{"city":3}}"#, #"{"attributes":"city"}"#, #"{"name":5}"#,
                    "{\"attributes\":{\"\(String(repeating: "k", count: 41))\":\"v\"}}"] {
            #expect(request(agent, "PATCH", path, bad).status == 400, "\(bad)")
        }
        #expect(try f.ws("a").contactProfiles.profile(c.contactID).attributes == ["city": "Lagos", "tier": "gold"])

        let note = agent.post(path + "/notes", json: #"{"text":"Prefers delivery after 5pm"}"#)
        #expect(note.status == 201)
        #expect(note.object["author"] as? String == "usr_ada")
        #expect(agent.post(path + "/notes", json: #"{"text":"  "}"#).status == 400)
        let detail = agent.get(path)
        #expect((detail.object["notes"] as? [[String: Any]])?.map { $0["text"] as? String } == ["Prefers delivery after 5pm"])
        #expect(agent.get("/api/v1/contacts/ct_nope").status == 404)
    }

    @Test func theUsersOfTheWorkspaceForAssignment() throws {
        let f = try InboxFixture()
        _ = try f.ws("a").users.create(email: "ada@a.test", role: .agent, passwordHash: "scrypt$x")
        _ = try f.ws("a").users.create(email: "boss@a.test", role: .owner, passwordHash: "scrypt$x")
        _ = try f.ws("b").users.create(email: "bob@b.test", role: .agent, passwordHash: "scrypt$x")
        let r = f.router(as: InboxFixture.agent("a")).get("/api/v1/users")
        #expect(r.status == 200)
        #expect(r.items.compactMap { $0["email"] as? String } == ["ada@a.test", "boss@a.test"])
        #expect(r.items.allSatisfy { $0["password_hash"] == nil })
    }

    @Test func theDailyReportForOwnersAndAdmins() throws {
        let f = try InboxFixture()
        let c = try f.inbound("a")
        let ws = f.ws("a")
        _ = try ws.events.append(NewEvent(.received, conversation: c.id, channel: "wa-main", detail: ["kind": "text"]))
        _ = try ws.events.append(NewEvent(.queued, conversation: c.id, channel: "wa-main", detail: ["in_reply_to": "m1"]))
        _ = try ws.events.append(NewEvent(.sent, conversation: c.id, channel: "wa-main", detail: [:]))
        _ = try ws.conversations.transition(c.id, .handoff, extraDetail: ["reason": "asked"])
        f.clock.advance(seconds: 90)
        _ = try ws.events.append(NewEvent(.queued, conversation: c.id, channel: "wa-main", detail: ["author": "usr_1"]))
        let today = DailyReport.dayString(f.clock.next(), timeZone: TimeZone(identifier: "Africa/Lagos")!)

        #expect(f.router(as: InboxFixture.agent("a")).get("/api/v1/reports/daily").status == 403)
        let owner = f.router(as: Self.owner("a"))
        let r = owner.get("/api/v1/reports/daily?from=\(today)&to=\(today)")
        #expect(r.status == 200, "\(r.text)")
        #expect(r.object["timezone"] as? String == "Africa/Lagos")
        let day = try #require((r.object["days"] as? [[String: Any]])?.first)
        #expect(day["date"] as? String == today)
        #expect(day["conversations_started"] as? Int == 1)
        #expect(day["messages_in"] as? Int == 1)
        #expect(day["messages_out"] as? Int == 1)
        #expect(day["handoffs"] as? Int == 1)
        #expect(day["bot_only"] as? Int == 0)
        #expect((day["first_reply_median_seconds"] as? Double).map { $0 >= 90 && $0 < 91 } == true)
        #expect((r.object["channels"] as? [[String: Any]])?.first?["channel"] as? String == "wa-main")
        // The default range: 14 days, ending today.
        let plain = owner.get("/api/v1/reports/daily")
        #expect((plain.object["days"] as? [Any])?.count == 14)
        #expect(plain.object["to"] as? String == today)

        let csv = f.router(as: Self.admin("a")).get("/api/v1/reports/daily?format=csv&from=\(today)&to=\(today)")
        #expect(csv.status == 200)
        #expect(csv.headers["Content-Type"] == "text/csv; charset=utf-8")
        #expect(csv.headers["Content-Disposition"]?.hasPrefix("attachment; filename=\"report-a-") == true)
        let lines = csv.text.split(separator: "\r\n").map(String.init)
        #expect(lines.first?.hasPrefix("date,channel,conversations_started,messages_in,messages_out,bot_only") == true)
        #expect(lines.contains { $0.hasPrefix("\(today),all,1,1,1,0,0.000,1,1,") })
        #expect(lines.contains { $0.hasPrefix("\(today),wa-main,1,") })

        for bad in ["from=2026-13-01&to=2026-12-01", "from=2026-12-02&to=2026-12-01", "from=2024-01-01&to=2026-01-01", "format=xml"] {
            #expect(owner.get("/api/v1/reports/daily?\(bad)").status == 400, "\(bad)")
        }
        // Another workspace's report is its own: empty.
        let b = f.router(as: Self.owner("b")).get("/api/v1/reports/daily?from=\(today)&to=\(today)")
        #expect((b.object["days"] as? [[String: Any]])?.first?["messages_in"] as? Int == 0)
        #expect((b.object["channels"] as? [Any])?.isEmpty == true)
    }

    @Test func csvFieldsCannotBecomeFormulas() {
        #expect(InboxAPI.csvField("wa-main") == "wa-main")
        #expect(InboxAPI.csvField("=1+1") == "'=1+1")
        #expect(InboxAPI.csvField("a,b") == "\"a,b\"")
        #expect(InboxAPI.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }
}
