import Foundation
import Testing
import SwitchboardTestSupport

/// WhatsApp Web through a fake Evolution API gateway, against the real binary: messages
/// in and answers out, a gateway that restarts, a session logged out, a zombie session,
/// one contact for a LID and its number, and bad input.
@Suite(.serialized) struct EvolutionChannelTests {
    @Test func aMessageInAndTheAnswerOut() throws {
        let h = try EvolutionHarness()
        try h.start()
        // The webhook the host configured: this host's route, the bearer secret, our events.
        let hook = try #require(h.gateway.webhook)
        #expect(hook.url == "http://127.0.0.1:\(h.host.port)/webhooks/evolution/wa-web")
        #expect(hook.headers["Authorization"] == "Bearer \(EvolutionHarness.secret)")
        #expect(Set(hook.events) == ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED"])
        h.gateway.setReceipts(["DELIVERY_ACK", "READ"])

        let answer = try #require(h.gateway.postMessage(EvolutionHarness.text("Olá, vocês abrem domingo?")))
        #expect(answer.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        let reply = try #require(h.gateway.acceptedSends.first)
        #expect(reply.number == "5511987654321")
        #expect(reply.text == "Thanks! We will get back to you shortly.")
        #expect(h.gateway.requests.allSatisfy { $0.apikey == EvolutionHarness.apiKey })
        // The receipts come back as the gateway's messages.update and reach the journal.
        var kinds: [String] = []
        for _ in 0..<200 {
            kinds = try h.events().map { String($0.split(separator: " ")[1]) }
            if kinds.contains("read") { break }
            usleep(50_000)
        }
        // `read` implies `delivered`: the gateway posts both at once, and a `delivered`
        // committed after `read` changes nothing (a status never moves back), so it may
        // not be journalled.
        for k in ["received", "routed", "queued", "sent", "read"] {
            #expect(kinds.contains(k), "journal lacks \(k): \(kinds)")
        }
        // A redelivered webhook is stored once and answered once.
        var again = EvolutionHarness.text("again", id: "3EB0REDELIVERED00001")
        #expect(h.gateway.postMessage(again)?.status == 200)
        again.text = "again (redelivered)"
        #expect(h.gateway.postMessage(again)?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 2 })
        // What the business typed on its phone is recorded as an agent's message, not answered.
        var typed = EvolutionHarness.text("Sim, das 9h às 13h", id: "3EB0TYPEDONPHONE0001")
        typed.fromMe = true
        typed.pushName = "Loja Exemplo"
        #expect(h.gateway.postMessage(typed)?.status == 200)
        let db = try h.database
        #expect(try db.value("SELECT direction || '/' || status FROM messages WHERE provider_message_id = '3EB0TYPEDONPHONE0001'") == "outbound/sent")
        #expect(try db.value("SELECT count(*) FROM messages WHERE direction = 'inbound'") == "2")
        #expect(!h.gateway.wait(timeout: .milliseconds(500)) { $0.acceptedSends.count > 2 })
        #expect(!h.host.logText.contains(EvolutionHarness.secret))
        #expect(!h.host.logText.contains(EvolutionHarness.apiKey))
    }

    @Test func aGatewayRestartHoldsTheOutboxThenDrainsItInOrder() throws {
        let h = try EvolutionHarness()
        try h.start()
        #expect(h.gateway.postMessage(EvolutionHarness.text("first"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        // The fake counts a send before it answers: wait for the host to have recorded the
        // answer, or the gateway would go down with its response in flight. That send is
        // ambiguous (the gateway may have sent it) and the host rightly sends it again.
        let db = try h.database
        for _ in 0..<1000 where try db.value("SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'sent'") != "1" {
            usleep(10_000)
        }
        #expect(try db.value("SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'sent'") == "1")

        // The gateway goes away; meanwhile three messages it delivered just before are answered.
        try h.gateway.setDown(true)
        for i in 1...3 {
            let body = EvolutionFixtures.upsert(EvolutionHarness.text("while down \(i)"), instance: "demo")
            #expect(try h.post(body).status == 200)
        }
        // The send fails (connection refused): the session is taken as connecting and the
        // outbox holds.
        try h.waitForState("connecting")
        // The gateway restarts: it reconnects the session and says so; the held replies go.
        try h.gateway.setDown(false)
        #expect(h.gateway.wait(timeout: .seconds(60)) { $0.acceptedSends.count == 4 })
        try h.waitForState("connected", skipping: 1)
        // In order: the replies' keys, as the gateway answered them, in the order the host
        // stored the replies.
        // Every outcome recorded (the fake counts a send before the host writes it).
        for _ in 0..<400 where try db.value("SELECT count(*) FROM outbox") != "0" { usleep(10_000) }
        #expect(try db.value("SELECT count(*) FROM outbox") == "0")
        let stored = try db.rows("SELECT provider_message_id FROM messages WHERE direction = 'outbound' ORDER BY seq").map { $0[0] ?? "" }
        #expect(stored == h.gateway.acceptedSends.map { $0.keyID ?? "-" })
        #expect(try db.value("SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'failed'") == "0")
    }

    @Test func loggedOutWaitsForAPairingWithoutAReconnectStorm() throws {
        let h = try EvolutionHarness(zombieAfterSeconds: 1)
        try h.start()
        #expect(h.gateway.logOut()?.status == 200)
        try h.waitForState("logged_out")
        // Evolution keeps posting closes while the socket winds down; a customer writes.
        for _ in 0..<20 {
            #expect(h.gateway.announceConnection("close", reason: 428)?.status == 200)
        }
        #expect(h.gateway.postMessage(EvolutionHarness.text("hello?"))?.status == 200)
        // No reconnect and no send, for as long as the zombie check would have probed twice.
        #expect(!h.gateway.wait(timeout: .seconds(3)) { $0.connectCalls > 0 || !$0.sends.isEmpty })
        #expect(h.gateway.connectCalls == 0)
        #expect(h.gateway.sends.isEmpty)
        let db = try h.database
        #expect(try db.value("SELECT count(*) FROM outbox") == "1")
        // The owner scans a new QR code: the session opens and the held answer goes out.
        #expect(h.gateway.refreshQR("2@newpairing")?.status == 200)
        try h.waitForState("needs_pairing")
        #expect(h.gateway.announceConnection("open")?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        #expect(h.gateway.connectCalls == 0)
    }

    @Test func aLoggedOutNumberIsPairedAgainFromTheCommandLine() throws {
        let h = try EvolutionHarness()
        try h.start()
        #expect(h.gateway.logOut()?.status == 200)
        try h.waitForState("logged_out")
        let r = try runSwitchboard(["channels", "--config", h.host.configPath, "--qr", "wa-web", "--number", "+55 11 98765-4321",
                                    "--png", h.host.dir.appendingPathComponent("qr.png").path], cwd: h.host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("pairing code (Link with phone number instead): WZYE-H1YY"))
        #expect(r.stdout.contains("2@fakeQR"))
        #expect(FileManager.default.fileExists(atPath: h.host.dir.appendingPathComponent("qr.png").path))
        #expect(h.gateway.requests.last { $0.path.hasPrefix("/instance/connect/") }?.body == "5511987654321")
        // The running host heard the QR through the gateway's webhook: it waits for the scan.
        try h.waitForState("needs_pairing")
        #expect(h.gateway.announceConnection("open")?.status == 200)
        try h.waitForState("connected", skipping: 1)
        #expect(h.gateway.connectCalls == 1) // the command's, none of the host's
        // Not a whatsapp_web channel, or none: a clear refusal.
        let wrong = try runSwitchboard(["channels", "--config", h.host.configPath, "--qr", "nope"], cwd: h.host.dir)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("no channel 'nope'"))
    }

    @Test func adminsSeeTheQRCodeInTheInbox() throws {
        let h = try EvolutionHarness()
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try h.start()
        func channel() throws -> [String: Any] {
            let r = try h.host.client.get("/api/v1/channels", headers: ["Authorization": "Bearer \(token)"])
            let list = try #require((try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["channels"] as? [[String: Any]])
            return try #require(list.first { $0["id"] as? String == "wa-web" })
        }
        #expect(try channel()["state"] as? String == "connected")
        #expect(try channel()["pairing"] == nil)
        #expect(h.gateway.logOut()?.status == 200)
        #expect(h.gateway.refreshQR("2@scanme", pairingCode: "ABCD-1234")?.status == 200)
        try h.waitForState("needs_pairing")
        let waiting = try channel()
        #expect(waiting["down"] as? Bool == true)
        let pairing = try #require(waiting["pairing"] as? [String: Any])
        #expect(pairing["qr_code"] as? String == "2@scanme")
        #expect(pairing["pairing_code"] as? String == "ABCD-1234")
        #expect((pairing["qr_image"] as? String)?.hasPrefix("data:image/png;base64,") == true)
        // Scanned: the code goes away.
        #expect(h.gateway.announceConnection("open")?.status == 200)
        try h.waitForState("connected", skipping: 1)
        #expect(try channel()["pairing"] == nil)
    }

    @Test func anAgentDownloadsAPhotoThroughTheGateway() throws {
        let h = try EvolutionHarness()
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", h.host.configPath], cwd: h.host.dir)
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try h.start()
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<20_000).map { UInt8($0 % 251) }
        h.gateway.addMedia(keyID: "3EB0PHOTO0000000001", bytes: jpeg, mimeType: "image/jpeg", fileName: "cake.jpg")
        var photo = EvolutionHarness.text("", id: "3EB0PHOTO0000000001")
        photo.mediaField = "imageMessage"
        photo.mimeType = "image/jpeg"
        photo.caption = "our cake"
        #expect(h.gateway.postMessage(photo)?.status == 200)
        let db = try h.database
        let id = try #require(try db.value("SELECT id FROM messages WHERE provider_message_id = '3EB0PHOTO0000000001'"))
        #expect(try db.value("SELECT kind || '/' || text FROM messages WHERE id = '\(id)'") == "image/our cake")
        let r = try h.host.client.get("/api/v1/messages/\(id)/media", headers: ["Authorization": "Bearer \(token)"])
        #expect(r.status == 200)
        #expect(r.body == jpeg)
        #expect(r.headers["content-type"] == "image/jpeg")
        #expect(h.gateway.requests.contains { $0.path == "/chat/getBase64FromMediaMessage/demo" && $0.body.contains("3EB0PHOTO0000000001") })
    }

    @Test func throttlingAndServerErrorsAreRetriedAndNothingIsLost() throws {
        let h = try EvolutionHarness()
        try h.start()
        h.gateway.failNextSends(1, with: .tooManyRequests(retryAfter: 1))
        h.gateway.failNextSends(1, with: .serverError)
        #expect(h.gateway.postMessage(EvolutionHarness.text("are you there?"))?.status == 200)
        #expect(h.gateway.wait(timeout: .seconds(20)) { $0.acceptedSends.count == 1 })
        let sends = h.gateway.sends
        #expect(sends.map(\.answeredStatus) == [429, 500, 201])
        // Retry-After is a floor: the second try came at least a second after the 429.
        #expect(sends[1].time.timeIntervalSince(sends[0].time) >= 0.99)
        // A throttle or one 5xx from a gateway that answers is no reason to doubt the session.
        // (The one `connecting` is the start's, before the first probe found it open.)
        #expect(h.host.logLines.filter { $0["message"] as? String == "channel state changed" && $0["to"] as? String == "connecting" }.count == 1)
        let events = try h.events().map { String($0.split(separator: " ")[1]) }
        #expect(events.filter { $0 == "retry_scheduled" }.count == 2)
    }

    @Test func replacedStopsAndIsNeverFought() throws {
        let h = try EvolutionHarness(zombieAfterSeconds: 1)
        try h.start()
        #expect(h.gateway.replace()?.status == 200)
        try h.waitForState("replaced")
        #expect(h.gateway.postMessage(EvolutionHarness.text("anyone?"))?.status == 200)
        #expect(!h.gateway.wait(timeout: .seconds(3)) { $0.connectCalls > 0 || !$0.sends.isEmpty })
    }

    @Test func aZombieSessionIsFoundByTheProbeAndReconnected() throws {
        let h = try EvolutionHarness(zombieAfterSeconds: 1)
        try h.start()
        let probesBefore = h.gateway.stateCalls
        // The socket dies and no webhook says so.
        h.gateway.goZombie()
        #expect(h.gateway.wait(timeout: .seconds(20)) { $0.stateCalls > probesBefore && $0.connectCalls >= 1 })
        try h.waitForState("connecting")
        try h.waitForState("connected", skipping: 1)
        #expect(h.gateway.connectionState == "open")
        #expect(h.gateway.postMessage(EvolutionHarness.text("still there?"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
    }

    @Test func aLIDAndItsNumberAreOneContact() throws {
        let h = try EvolutionHarness()
        try h.start()
        // By number first, then by LID alone (number hidden): two contacts for now, and the
        // LID one is answered on its LID.
        #expect(h.gateway.postMessage(EvolutionHarness.text("by number"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        #expect(h.gateway.postMessage(EvolutionHarness.text("by lid", from: "214365870921346@lid"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 2 })
        #expect(h.gateway.acceptedSends.last?.number == "214365870921346@lid")
        let db = try h.database
        #expect(try db.value("SELECT count(*) FROM contacts") == "2")
        // A payload that carries both (Baileys 7: remoteJidAlt): one contact, one conversation.
        var both = EvolutionHarness.text("both", from: "214365870921346@lid")
        both.remoteJidAlt = "5511987654321@s.whatsapp.net"
        both.addressingMode = "lid"
        #expect(h.gateway.postMessage(both)?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 3 })
        #expect(try db.rows("SELECT e164 FROM contacts") == [["+5511987654321"]])
        #expect(try db.value("SELECT count(*) FROM conversations") == "1")
        #expect(try db.rows("SELECT text FROM messages WHERE direction = 'inbound' ORDER BY seq") == [["by number"], ["by lid"], ["both"]])
        #expect(try db.value("SELECT count(DISTINCT conversation_id) FROM messages") == "1")
        #expect(try h.events().contains { $0.contains(" contact_merged ") })
        // From now on the LID alone finds the number's contact, and answers go to the number.
        #expect(h.gateway.postMessage(EvolutionHarness.text("lid again", from: "214365870921346@lid"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 4 })
        #expect(try db.value("SELECT count(*) FROM contacts") == "1")
        #expect(h.gateway.acceptedSends.last?.number == "5511987654321")
    }

    @Test func badInputIsRefusedAndNothingIsStored() throws {
        let h = try EvolutionHarness()
        try h.start()
        let body = EvolutionFixtures.upsert(EvolutionHarness.text("secret body text"), instance: "demo")
        #expect(try h.post(body, secret: nil).status == 401)
        #expect(try h.post(body, secret: "wrong-secret").status == 401)
        #expect(try h.post(body, channel: "nope").status == 404)
        #expect(try h.post(Array("{not json".utf8)).status == 400)
        #expect(try h.post(Array("{\"event\":\"messages.upsert\",\"data\":{\"key\":{}}}".utf8)).status == 400)
        #expect(try h.post(EvolutionFixtures.upsert(EvolutionHarness.text("x"), instance: "someone-else")).status == 400)
        #expect(try h.post([UInt8](repeating: 0x20, count: 1_048_577)).status == 413)
        let db = try h.database
        #expect(try db.value("SELECT count(*) FROM messages") == "0")
        #expect(try db.value("SELECT count(*) FROM contacts") == "0")
        #expect(!h.host.logText.contains("secret body text"))
        // And a good one still goes through.
        #expect(try h.post(body).status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
    }
}
