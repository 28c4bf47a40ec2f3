import Foundation
import Testing
import SwitchboardTestSupport

/// A customer writes; the real binary stores, routes, answers and delivers through a
/// fake Graph API; statuses come back. What the business and the customer would see.
@Suite(.serialized) struct WebhookPipelineTests {
    @Test func aTextIsStoredAnsweredDeliveredAndJournalled() throws {
        let h = try PipelineHarness()
        try h.start()
        let msg = h.text("Olá, are you open on Sunday? é")
        let answer = try h.post([msg])
        #expect(answer.status == 200)
        #expect(h.waitForReplies(1))
        let reply = try #require(h.replies.first)
        #expect(reply.to == "2348031234567")
        #expect(reply.text == "Thanks! We will get back to you shortly.")
        #expect(reply.phoneNumberID == WhatsAppFixtures.phoneNumberID)
        // The fake posts sent, delivered, read back; the journal shows the whole path.
        var kinds: [String] = []
        for _ in 0..<100 {
            kinds = try h.events().map { String($0.split(separator: " ")[1]) }
            if kinds.contains("read") { break }
            usleep(100_000)
        }
        for k in ["received", "routed", "verdict", "queued", "sent", "delivered", "read"] {
            #expect(kinds.contains(k), "journal lacks \(k): \(kinds)")
        }
        #expect(kinds.firstIndex(of: "received")! < kinds.firstIndex(of: "sent")!)
        // Secrets never reach the log.
        for secret in [PipelineHarness.appSecret, PipelineHarness.accessToken, PipelineHarness.verifyToken] {
            #expect(!h.host.logText.contains(secret))
        }
    }

    /// Meta may post a message's `sent`, `delivered` and `read` before the host has recorded
    /// the id its send call answered (here the fake answers the send 700 ms after it posted
    /// the receipts): they are held and applied once the send is recorded, not dropped.
    @Test func receiptsThatComeBeforeTheSendIsRecordedAreApplied() throws {
        let h = try PipelineHarness()
        try h.start()
        h.graph.setDelay(.milliseconds(700))
        #expect(try h.post([h.text("Olá, are you open on Sunday?")]).status == 200)
        #expect(h.waitForReplies(1))
        var kinds: [String] = []
        for _ in 0..<100 {
            kinds = try h.events().map { String($0.split(separator: " ")[1]) }
            if kinds.contains("read") { break }
            usleep(100_000)
        }
        for k in ["sent", "delivered", "read"] {
            #expect(kinds.contains(k), "journal lacks \(k): \(kinds)")
        }
        let db = try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path)
        #expect(try db.value("SELECT status FROM messages WHERE direction = 'outbound'") == "read")
    }

    @Test func verificationHandshake() throws {
        let h = try PipelineHarness()
        try h.start()
        let ok = try h.host.client.get("/webhooks/whatsapp/main?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\(PipelineHarness.verifyToken)")
        #expect(ok.status == 200)
        #expect(ok.text == "1158201444")
        let wrong = try h.host.client.get("/webhooks/whatsapp/main?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope")
        #expect(wrong.status == 403)
        let unknown = try h.host.client.get("/webhooks/whatsapp/other?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x")
        #expect(unknown.status == 404)
    }

    @Test func badOrMissingSignaturesAreRefusedAndNothingIsStored() throws {
        let h = try PipelineHarness()
        try h.start()
        let body = WhatsAppFixtures.inboundBody([h.text("secret body text")])
        let missing = try h.host.client.post("/webhooks/whatsapp/main", body: body)
        #expect(missing.status == 401)
        let wrong = SignedWebhook(body: body, appSecret: "not-the-secret")
        let bad = try h.host.client.post("/webhooks/whatsapp/main", body: body, headers: ["X-Hub-Signature-256": wrong.signature])
        #expect(bad.status == 401)
        // A good webhook after them is the barrier: once it is answered, the refused ones
        // would have been too; only it was stored and answered.
        #expect(try h.post([h.text("a signed one")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.graph.sends.count == 1)
        let received = try h.events().filter { $0.contains(" received ") }
        #expect(received.count == 1)
        let warnings = h.host.logLines.filter { $0["message"] as? String == "webhook signature refused; nothing stored" }
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0["app"] as? String == "main" })
        #expect(!h.host.logText.contains("secret body text"))
    }

    @Test func malformedAndOversizedBodiesAreRefused() throws {
        let h = try PipelineHarness(extraHostYAML: "")
        try h.start()
        let garbage = Array("{not json".utf8)
        let signed = SignedWebhook(body: garbage, appSecret: PipelineHarness.appSecret)
        let r = try h.host.client.post("/webhooks/whatsapp/main", body: garbage, headers: ["X-Hub-Signature-256": signed.signature])
        #expect(r.status == 400)
        let big = [UInt8](repeating: 0x20, count: 1_048_577)
        let r2 = try h.host.client.post("/webhooks/whatsapp/main", body: big, headers: ["X-Hub-Signature-256": "sha256=00"])
        #expect(r2.status == 413)
        let unknownApp = try h.host.client.post("/webhooks/whatsapp/nope", body: garbage)
        #expect(unknownApp.status == 404)
    }

    @Test func aRedeliveredWebhookIsAnsweredOnce() throws {
        let h = try PipelineHarness(workspaces: ["demo": ResponderPipelineTests.bakery])
        try h.start()
        let msg = h.text("where are you located")
        #expect(try h.post([msg]).status == 200)
        #expect(try h.post([msg]).status == 200)
        #expect(try h.post([msg, msg]).status == 200)
        // A later message of the same customer, with its own answer, is the barrier: the
        // replies of a conversation go out in order, so a second answer to the first
        // would reach the provider before the barrier's.
        #expect(try h.post([h.text("When are you open?")]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { g in g.acceptedSends.contains { $0.text?.hasPrefix("We are open") == true } })
        #expect(h.replies.map { String(($0.text ?? "").prefix(9)) } == ["We are at", "We are op"])
        let events = try h.events()
        #expect(events.filter { $0.contains(" received ") }.count == 2)
        #expect(events.filter { $0.contains(" duplicate ") }.count == 3)
    }

    @Test func aWebhookForAnUnknownNumberIsHeldNotAnswered() throws {
        let h = try PipelineHarness()
        try h.start()
        let r = try h.post([h.text("hello?")], phoneNumberID: "999999999")
        #expect(r.status == 200)
        // A routed message after it is the barrier: once that one is answered, the held
        // one would have been too; only the barrier was.
        #expect(try h.post([h.text("and this one", from: "2348039990000")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.graph.sends.count == 1)
        #expect(h.graph.sends.first?.to == "2348039990000")
        #expect(h.host.logLines.contains {
            $0["message"] as? String == "webhook for a number no channel has; held as unrouted" && $0["phone_number_id"] as? String == "999999999"
        })
        // An admin sees it.
        let held = try runSwitchboard(["unrouted", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(held.status == 0)
        #expect(held.stdout.contains("to=999999999"))
        #expect(held.stdout.contains("no channel has phone_number_id 999999999"))
    }

    @Test func everyMessageTypeIsKept() throws {
        let h = try PipelineHarness()
        try h.start()
        let all = WhatsAppFixtures.everyType(from: "2348031234567", name: "Titi")
        #expect(try h.post(all).status == 200)
        // Acknowledged means stored: the journal has them all at once.
        let received = try h.events().filter { $0.contains(" received ") }
        #expect(received.count == all.count)
        for kind in ["text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button", "reaction", "unsupported"] {
            #expect(received.contains { $0.contains("\"kind\":\"\(kind)\"") }, "no \(kind) received")
        }
    }

    @Test func aSharedNumberRoutesBySender() throws {
        let ws = { (id: String, senders: String) in """
            id: \(id)
            name: \(id)
            region: NG
            timezone: Africa/Lagos
            senders: [\(senders)]
            fallback: "This is \(id)."
            """ }
        let h = try PipelineHarness(channels: """
            channels:
              - id: wa-shared
                type: whatsapp
                app: main
                phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
                access_token: \(PipelineHarness.accessToken)
                fallback_workspace: front
            """, workspaces: [
                "clinic": ws("clinic", "\"+234 803 123 4567\""),
                "shop": ws("shop", "\"+5511987654321\""),
                "front": ws("front", ""),
            ])
        try h.start()
        #expect(try h.post([h.text("a", from: "2348031234567")]).status == 200)
        #expect(try h.post([h.text("b", from: "5511987654321")]).status == 200)
        #expect(try h.post([h.text("c", from: "4915123456789")]).status == 200)
        #expect(h.waitForReplies(3))
        let byRecipient = Dictionary(h.replies.map { ($0.to ?? "", $0.text ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(byRecipient["2348031234567"] == "This is clinic.")
        #expect(byRecipient["5511987654321"] == "This is shop.")
        #expect(byRecipient["4915123456789"] == "This is front.")
        #expect(try h.events(workspace: "clinic").filter { $0.contains(" received ") }.count == 1)
        #expect(try h.events(workspace: "shop").contains { $0.contains(" routed ") && $0.contains("\"by\":\"sender\"") })
        #expect(try h.events(workspace: "front").contains { $0.contains(" routed ") && $0.contains("\"by\":\"fallback\"") })
    }

    @Test func markReadIsAPerWorkspaceOption() throws {
        let h = try PipelineHarness(workspaces: ["demo": TestWorkspaces.demo + "\nmark_read: true\n"])
        try h.start()
        let msg = h.text("hello")
        #expect(try h.post([msg]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.graph.wait { $0.sends.contains { $0.isMarkRead } })
        let read = try #require(h.graph.sends.first { $0.isMarkRead })
        #expect(read.json["message_id"] as? String == msg.id)
        // Marked read before the reply went out.
        let order = h.graph.sends.map(\.isMarkRead)
        #expect(order.first == true)

        let plain = try PipelineHarness()
        try plain.start()
        #expect(try plain.post([plain.text("hello")]).status == 200)
        #expect(plain.waitForReplies(1))
        #expect(!plain.graph.sends.contains { $0.isMarkRead })
    }
}
