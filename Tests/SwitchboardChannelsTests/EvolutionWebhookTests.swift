import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct EvolutionWebhookTests {
    let channel = ChannelID("wa-web")
    let secret = BearerSecret("s3cret-webhook")

    func parse(_ body: [UInt8]) throws -> EvolutionWebhookEvent {
        try EvolutionWebhook.verifyAndParse(body: body, authorization: "Bearer s3cret-webhook", secret: secret, channel: channel)
    }

    func messages(_ e: EvolutionWebhookEvent) -> [WhatsAppWebMessage] {
        if case .messages(let m) = e.kind { return m }
        Issue.record("not messages: \(e.kind)")
        return []
    }

    @Test func bearerSecretIsCheckedBeforeTheBodyIsRead() {
        let body = EvolutionFixtures.upsert(EvolutionFixtureMessage(id: "A1", remoteJid: "5511987654321@s.whatsapp.net", text: "hi"), instance: "demo")
        for header in [nil, "", "Bearer", "Bearer ", "Bearer s3cret-webhoo", "Bearer s3cret-webhookX", "Basic s3cret-webhook", "s3cret-webhook"] as [String?] {
            #expect(throws: EvolutionWebhookError.self) {
                try EvolutionWebhook.verifyAndParse(body: body, authorization: header, secret: secret, channel: channel)
            }
        }
        // Not even JSON: still 401, never 400, without the secret.
        do {
            _ = try EvolutionWebhook.verifyAndParse(body: Array("{".utf8), authorization: "Bearer nope", secret: secret, channel: channel)
            Issue.record("accepted")
        } catch { #expect(error.httpStatus == 401) }
        #expect(secret.matches(authorizationHeader: "bearer s3cret-webhook"))
    }

    @Test func textFromANumber() throws {
        var m = EvolutionFixtureMessage(id: "3EB0C431C26A1D3E9F2B", remoteJid: "5511987654321@s.whatsapp.net", text: "Olá, preciso de ajuda")
        m.timestamp = 1_760_659_225
        let e = try parse(EvolutionFixtures.upsert(m, instance: "demo"))
        #expect(e.instance == "demo")
        #expect(e.event == "messages.upsert")
        let got = try #require(messages(e).first)
        #expect(!got.fromMe)
        #expect(got.message.providerMessageID == "3EB0C431C26A1D3E9F2B")
        #expect(got.message.from == "5511987654321")
        #expect(got.message.senderAddress == "5511987654321")
        #expect(got.message.kind == .text)
        #expect(got.message.text == "Olá, preciso de ajuda")
        #expect(got.message.profileName == "Ana Souza")
        #expect(got.message.timestamp == Date(timeIntervalSince1970: 1_760_659_225))
        #expect(got.identities == ContactIdentities(e164: "+5511987654321"))
        // The raw JSON is the data object's exact bytes.
        #expect(got.message.rawJSON.hasPrefix("{"))
        #expect(got.message.rawJSON.contains("\"3EB0C431C26A1D3E9F2B\""))
        #expect(!got.message.rawJSON.contains("\"destination\""))
    }

    @Test func legacyExtendedTextAndAReply() throws {
        var m = EvolutionFixtureMessage(id: "B2", remoteJid: "5511987654321@s.whatsapp.net", text: "this one")
        m.legacyExtendedText = true
        m.quotedID = "3EB0AAAA"
        let got = try #require(messages(try parse(EvolutionFixtures.upsert(m, instance: "demo"))).first)
        #expect(got.message.text == "this one")
        #expect(got.message.context?.repliedToMessageID == "3EB0AAAA")
        var n = EvolutionFixtureMessage(id: "B3", remoteJid: "5511987654321@s.whatsapp.net", text: "and this")
        n.quotedID = "3EB0BBBB"
        let got2 = try #require(messages(try parse(EvolutionFixtures.upsert(n, instance: "demo"))).first)
        #expect(got2.message.context?.repliedToMessageID == "3EB0BBBB")
    }

    @Test func mediaWithCaption() throws {
        var m = EvolutionFixtureMessage(id: "C1", remoteJid: "5511987654321@s.whatsapp.net")
        m.mediaField = "imageMessage"
        m.mimeType = "image/jpeg"
        m.caption = "my cake"
        let got = try #require(messages(try parse(EvolutionFixtures.upsert(m, instance: "demo"))).first)
        #expect(got.message.kind == .image)
        #expect(got.message.media == InboundMedia(id: "C1", mimeType: "image/jpeg", caption: "my cake"))
        #expect(got.message.text == "my cake")
        var a = EvolutionFixtureMessage(id: "C2", remoteJid: "5511987654321@s.whatsapp.net")
        a.mediaField = "audioMessage"
        a.mimeType = "audio/ogg; codecs=opus"
        let voice = try #require(messages(try parse(EvolutionFixtures.upsert(a, instance: "demo"))).first)
        #expect(voice.message.kind == .audio)
        #expect(voice.message.media?.voice == true)
    }

    @Test func lidWithTheNumberBesideItGivesBoth() throws {
        // Baileys 7 (2.3.6): remoteJid is the LID, remoteJidAlt the number.
        var m = EvolutionFixtureMessage(id: "D1", remoteJid: "123456789012345@lid", text: "hi")
        m.remoteJidAlt = "5511987654321@s.whatsapp.net"
        m.addressingMode = "lid"
        let got = try #require(messages(try parse(EvolutionFixtures.upsert(m, instance: "demo"))).first)
        #expect(got.identities == ContactIdentities(e164: "+5511987654321", whatsAppLID: "123456789012345"))
        #expect(got.message.senderAddress == "5511987654321")
        // 2.3.3: senderPn beside the LID.
        var n = EvolutionFixtureMessage(id: "D2", remoteJid: "123456789012345@lid", text: "hi")
        n.senderPn = "5511987654321@s.whatsapp.net"
        let got2 = try #require(messages(try parse(EvolutionFixtures.upsert(n, instance: "demo"))).first)
        #expect(got2.identities == ContactIdentities(e164: "+5511987654321", whatsAppLID: "123456789012345"))
        // The LID alone: answered on the LID, which the gateway accepts as a number.
        let o = EvolutionFixtureMessage(id: "D3", remoteJid: "123456789012345:7@lid", text: "hi")
        let got3 = try #require(messages(try parse(EvolutionFixtures.upsert(o, instance: "demo"))).first)
        #expect(got3.identities == ContactIdentities(whatsAppLID: "123456789012345"))
        #expect(got3.message.from == "")
        #expect(got3.message.senderAddress == "123456789012345@lid")
    }

    @Test func fromMeIsMarkedAndKeepsNoCustomerName() throws {
        var m = EvolutionFixtureMessage(id: "E1", remoteJid: "5511987654321@s.whatsapp.net", text: "typed on the phone")
        m.fromMe = true
        m.pushName = "Loja Exemplo"
        let got = try #require(messages(try parse(EvolutionFixtures.upsert(m, instance: "demo"))).first)
        #expect(got.fromMe)
        #expect(got.message.profileName == nil)
        #expect(got.identities.e164 == "+5511987654321")
    }

    @Test func groupsStatusAndNewslettersAreSkippedWithAWarning() throws {
        for jid in ["120363025246125486@g.us", "status@broadcast", "120363@newsletter", "garbage"] {
            var m = EvolutionFixtureMessage(id: "F-\(jid)", remoteJid: jid, text: "x")
            m.participant = "5511987654321@s.whatsapp.net"
            let e = try parse(EvolutionFixtures.upsert(m, instance: "demo"))
            #expect(messages(e).isEmpty)
            #expect(e.warnings.count == 1)
        }
    }

    @Test func receiptsOfOurMessages() throws {
        for (word, status) in [("SERVER_ACK", DeliveryStatus.sent), ("DELIVERY_ACK", .delivered), ("READ", .read),
                               ("PLAYED", .read), ("ERROR", .failed)] {
            let e = try parse(EvolutionFixtures.update(keyID: "3EB0X", remoteJid: "5511987654321@s.whatsapp.net", status: word, instance: "demo"))
            guard case .receipts(let r) = e.kind else { Issue.record("not receipts"); continue }
            #expect(r.count == 1)
            #expect(r.first?.providerMessageID == "3EB0X")
            #expect(r.first?.status == status)
            #expect(r.first?.recipientID == "5511987654321")
        }
        // The customer's own message read on our side: not a receipt of ours.
        let theirs = try parse(EvolutionFixtures.update(keyID: "3EB0Y", remoteJid: "5511987654321@s.whatsapp.net", status: "READ", fromMe: false, instance: "demo"))
        guard case .receipts(let r) = theirs.kind else { Issue.record("not receipts"); return }
        #expect(r.isEmpty)
    }

    @Test func connectionAndQRCodes() throws {
        let open = try parse(EvolutionFixtures.connection(state: "open", reason: 200, instance: "demo"))
        guard case .connection(.open, let own) = open.kind else { Issue.record("\(open.kind)"); return }
        #expect(own == EvolutionFixtures.ownJID)
        let out = try parse(EvolutionFixtures.connection(state: "close", reason: 401, instance: "demo"))
        guard case .connection(.close(reason: 401), _) = out.kind else { Issue.record("\(out.kind)"); return }
        let qr = try parse(EvolutionFixtures.qrCode("2@abc", pairingCode: "WZYEH1YY", instance: "demo"))
        guard case .qrCode(let code) = qr.kind else { Issue.record("\(qr.kind)"); return }
        #expect(code.code == "2@abc")
        #expect(code.pairingCode == "WZYEH1YY")
        #expect(code.imageDataURL?.hasPrefix("data:image/png;base64,") == true)
        let limit = try parse(EvolutionFixtures.qrLimitReached(instance: "demo"))
        guard case .connection(.refused, _) = limit.kind else { Issue.record("\(limit.kind)"); return }
        let other = try parse(EvolutionFixtures.envelope(event: "presence.update", instance: "demo", data: ["id": "x"]))
        guard case .ignored("presence.update") = other.kind else { Issue.record("\(other.kind)"); return }
    }

    @Test func malformedBodiesSayWhere() {
        let cases: [(String, String)] = [
            ("[1]", "not a JSON object"),
            ("{\"data\":{}}", "event is missing"),
            ("{\"event\":\"messages.upsert\"}", "data is missing"),
            ("{\"event\":\"messages.upsert\",\"data\":{\"key\":{\"remoteJid\":\"1@s.whatsapp.net\"}}}", "data.key.id"),
            ("{\"event\":\"messages.upsert\",\"data\":{\"key\":{\"id\":\"x\"}}}", "data.key.remoteJid"),
            ("{\"event\":\"messages.upsert\",\"data\":7}", "data is not an object"),
            ("{\"event\":\"connection.update\",\"data\":{\"state\":\"weird\"}}", "weird"),
            ("{\"event\":\"messages.update\",\"data\":{\"status\":\"READ\"}}", "keyId"),
            ("not json", "not JSON"),
        ]
        for (body, words) in cases {
            do {
                _ = try EvolutionWebhook.verifyAndParse(body: Array(body.utf8), authorization: "Bearer s3cret-webhook",
                                                        secret: secret, channel: channel)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == .malformed)
                #expect(error.httpStatus == 400)
                #expect(error.reason.contains(words), "\(error.reason) for \(body)")
            }
        }
    }
}
