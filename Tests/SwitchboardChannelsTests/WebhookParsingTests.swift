import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct WebhookParsingTests {
    let channels: [String: ChannelID] = [WhatsAppFixtures.phoneNumberID: "wa-main", "200000000000001": "wa-second"]

    func parse(_ body: [UInt8]) throws -> WhatsAppWebhookPayload {
        try WhatsAppWebhook.parse(body: Data(body), channelFor: { channels[$0] })
    }

    func parseOne(_ m: FixtureMessage) throws -> InboundMessage {
        let payload = try parse(WhatsAppFixtures.inboundBody([m]))
        #expect(payload.messages.count == 1)
        return try #require(payload.messages.first)
    }

    @Test func text() throws {
        let m = try parseOne(FixtureMessage(id: "wamid.T1", from: "5511987654321", name: "Ana Souza", timestamp: 1_760_659_225,
                                            content: .text("Olá, preciso de ajuda")))
        #expect(m.channel == "wa-main")
        #expect(m.providerMessageID == "wamid.T1")
        #expect(m.from == "5511987654321")
        #expect(m.fromUserID == nil)
        #expect(m.profileName == "Ana Souza")
        #expect(m.timestamp == Date(timeIntervalSince1970: 1_760_659_225))
        #expect(m.kind == .text)
        #expect(m.providerType == "text")
        #expect(m.text == "Olá, preciso de ajuda")
        #expect(m.context == nil)
        #expect(m.errors.isEmpty)
        #expect(m.senderAddress == "5511987654321")
        // The raw JSON is the message object exactly as the body carried it (the fixture
        // writes "from" first).
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(m.rawJSON.utf8)) as? [String: Any])
        #expect(raw["id"] as? String == "wamid.T1")
        #expect((raw["text"] as? [String: Any])?["body"] as? String == "Olá, preciso de ajuda")
        #expect(m.rawJSON.hasPrefix("{\"from\":"))
    }

    @Test func everyMediaType() throws {
        let image = try parseOne(FixtureMessage(content: .image(mediaID: "111", caption: "Foto do bolo")))
        #expect(image.kind == .image)
        #expect(image.media == InboundMedia(id: "111", mimeType: "image/jpeg", sha256: "aGVsbG8gd29ybGQgaGFzaCBmb3IgdGVzdHM=",
                                            caption: "Foto do bolo"))
        #expect(image.text == "Foto do bolo")

        let voice = try parseOne(FixtureMessage(content: .audio(mediaID: "222", voice: true)))
        #expect(voice.kind == .audio)
        #expect(voice.media?.voice == true)
        #expect(voice.media?.mimeType == "audio/ogg; codecs=opus")
        #expect(voice.text == nil)
        let audioFile = try parseOne(FixtureMessage(content: .audio(mediaID: "223", voice: false)))
        #expect(audioFile.media?.voice == false)

        let video = try parseOne(FixtureMessage(content: .video(mediaID: "333", caption: nil)))
        #expect(video.kind == .video)
        #expect(video.media?.id == "333")
        #expect(video.media?.caption == nil)

        let doc = try parseOne(FixtureMessage(content: .document(mediaID: "444", filename: "fatura.pdf", caption: "Fatura")))
        #expect(doc.kind == .document)
        #expect(doc.media?.filename == "fatura.pdf")
        #expect(doc.media?.mimeType == "application/pdf")
        #expect(doc.text == "Fatura")

        let sticker = try parseOne(FixtureMessage(content: .sticker(mediaID: "555", animated: true)))
        #expect(sticker.kind == .sticker)
        #expect(sticker.media?.animated == true)
        #expect(sticker.kind.hasMedia)
    }

    @Test func location() throws {
        let m = try parseOne(FixtureMessage(content: .location(latitude: -23.5505, longitude: -46.6333,
                                                               name: "Padaria São João", address: "Rua Augusta, 1000")))
        #expect(m.kind == .location)
        #expect(m.location == InboundLocation(latitude: -23.5505, longitude: -46.6333, name: "Padaria São João",
                                              address: "Rua Augusta, 1000"))
        let pin = try parseOne(FixtureMessage(content: .location(latitude: 6.5244, longitude: 3.3792)))
        #expect(pin.location?.name == nil)
        #expect(pin.location?.latitude == 6.5244)
    }

    @Test func contacts() throws {
        let m = try parseOne(FixtureMessage(content: .contacts(name: "João Silva", phone: "+55 11 91234-5678")))
        #expect(m.kind == .contacts)
        let json = try #require(m.contactsJSON)
        let cards = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(cards.count == 1)
        #expect((cards[0]["name"] as? [String: Any])?["formatted_name"] as? String == "João Silva")
        #expect(((cards[0]["phones"] as? [[String: Any]])?.first)?["phone"] as? String == "+55 11 91234-5678")
    }

    @Test func interactiveReplies() throws {
        let button = try parseOne(FixtureMessage(content: .buttonReply(id: "addr_yes", title: "Sim")))
        #expect(button.kind == .interactive)
        #expect(button.interactiveReply == InteractiveReply(type: .buttonReply, id: "addr_yes", title: "Sim"))
        #expect(button.text == "Sim")

        let list = try parseOne(FixtureMessage(content: .listReply(id: "row_cake", title: "Bolo de cenoura", description: "Com cobertura")))
        #expect(list.kind == .interactive)
        #expect(list.interactiveReply == InteractiveReply(type: .listReply, id: "row_cake", title: "Bolo de cenoura",
                                                          description: "Com cobertura"))
        #expect(list.text == "Bolo de cenoura")
    }

    @Test func templateButton() throws {
        let m = try parseOne(FixtureMessage(content: .templateButton(payload: "TRACK_1234", text: "Rastrear pedido")))
        #expect(m.kind == .button)
        #expect(m.button == TemplateButtonReply(payload: "TRACK_1234", text: "Rastrear pedido"))
        #expect(m.text == "Rastrear pedido")
    }

    @Test func reactionAndUnreaction() throws {
        let m = try parseOne(FixtureMessage(content: .reaction(messageID: "wamid.OUT1", emoji: "👍")))
        #expect(m.kind == .reaction)
        #expect(m.reaction == Reaction(targetMessageID: "wamid.OUT1", emoji: "👍"))
        #expect(m.text == "👍")
        let un = try parseOne(FixtureMessage(content: .reaction(messageID: "wamid.OUT1", emoji: "")))
        #expect(un.reaction?.emoji == "")
        #expect(un.text == nil)
    }

    @Test func replyAndForwardContext() throws {
        let reply = try parseOne(FixtureMessage(content: .text("Respondendo"), replyTo: "wamid.ORIGINAL"))
        #expect(reply.context == MessageContext(repliedToMessageID: "wamid.ORIGINAL",
                                                repliedToFrom: WhatsAppFixtures.displayPhoneNumber))
        let forward = try parseOne(FixtureMessage(content: .text("Encaminhado"), forwarded: true))
        #expect(forward.context?.forwarded == true)
        #expect(forward.context?.repliedToMessageID == nil)
    }

    @Test func unsupportedKeepsItsErrors() throws {
        let m = try parseOne(FixtureMessage(content: .unsupported))
        #expect(m.kind == .unsupported)
        #expect(m.providerType == "unsupported")
        #expect(m.errors == [ProviderError(code: 131051, title: "Message type unknown", message: "Message type unknown",
                                           details: "Message type is currently not supported.")])
    }

    @Test func unknownFutureTypeIsKeptNotDropped() throws {
        let m = try parseOne(FixtureMessage(id: "wamid.FUTURE", content: .unknown(type: "hologram")))
        #expect(m.kind == .unsupported)
        #expect(m.providerType == "hologram")
        #expect(m.rawJSON.contains("\"hologram\":{\"future_field\":\"future value\",\"n\":42}"))
    }

    @Test func everyTypeInOneBody() throws {
        let fixtures = WhatsAppFixtures.everyType()
        let payload = try parse(WhatsAppFixtures.inboundBody(fixtures))
        #expect(payload.messages.map(\.providerMessageID) == fixtures.map(\.id))
        #expect(payload.messages.map(\.kind) == [.text, .image, .audio, .video, .document, .sticker, .location, .contacts,
                                                 .interactive, .interactive, .button, .reaction, .text, .text,
                                                 .unsupported, .unsupported])
        #expect(payload.messages.allSatisfy { $0.profileName == "Ana Souza" })
        #expect(payload.warnings.isEmpty)
    }

    @Test func usernameUserWithOnlyABSUID() throws {
        let m = try parseOne(FixtureMessage(from: "", fromUserID: "US.13491208655302741918", name: "anasouza",
                                            content: .text("oi")))
        #expect(m.from == "")
        #expect(m.fromUserID == "US.13491208655302741918")
        #expect(m.profileName == "anasouza")
        #expect(m.senderAddress == "US.13491208655302741918")
    }

    @Test func severalEntriesChangesAndNumbersInOneBody() throws {
        let a1 = FixtureMessage(id: "wamid.A1", from: "2348031234567", name: "Titi", content: .text("one"))
        let a2 = FixtureMessage(id: "wamid.A2", from: "5511987654321", name: "Ana", content: .text("two"))
        let b1 = FixtureMessage(id: "wamid.B1", from: "2348031234567", name: "Titi", content: .text("three"))
        let a3 = FixtureMessage(id: "wamid.A3", from: "2348031234567", name: "Titi", content: .text("four"))
        let body = WhatsAppFixtures.envelope(
            [WhatsAppFixtures.change(messages: [a1, a2]),
             WhatsAppFixtures.otherFieldChange("account_update"),
             WhatsAppFixtures.change(phoneNumberID: "200000000000001", messages: [b1],
                                     statuses: [FixtureStatus(messageID: "wamid.OUT9", status: "sent")])],
            entries: [WhatsAppFixtures.entry([WhatsAppFixtures.change(messages: [a3])], businessAccountID: "999")]
        ).bytes()
        let payload = try parse(body)
        #expect(payload.batches.count == 2)
        let first = payload.batches[0], second = payload.batches[1]
        #expect(first.channel == "wa-main")
        #expect(first.phoneNumberID == WhatsAppFixtures.phoneNumberID)
        #expect(first.displayPhoneNumber == WhatsAppFixtures.displayPhoneNumber)
        #expect(first.businessAccountID == WhatsAppFixtures.businessAccountID)
        #expect(first.messages.map(\.providerMessageID) == ["wamid.A1", "wamid.A2", "wamid.A3"])
        #expect(first.messages.map(\.profileName) == ["Titi", "Ana", "Titi"])
        #expect(first.statuses.isEmpty)
        #expect(second.channel == "wa-second")
        #expect(second.messages.map(\.providerMessageID) == ["wamid.B1"])
        #expect(second.messages.allSatisfy { $0.channel == "wa-second" })
        #expect(second.statuses.map(\.providerMessageID) == ["wamid.OUT9"])
        #expect(payload.ignoredFields == ["account_update"])
        #expect(payload.unknownNumbers.isEmpty)
    }

    @Test func onlyUnknownFieldsGivesNothingToDo() throws {
        let body = WhatsAppFixtures.envelope([WhatsAppFixtures.otherFieldChange("message_template_status_update")]).bytes()
        let payload = try parse(body)
        #expect(payload.batches.isEmpty)
        #expect(payload.ignoredFields == ["message_template_status_update"])
    }

    @Test func numbersWithoutAChannelAreReportedWithTheirRawValue() throws {
        let m = FixtureMessage(id: "wamid.LOST", content: .text("hello?"))
        let payload = try parse(WhatsAppFixtures.inboundBody([m], phoneNumberID: "777"))
        #expect(payload.batches.isEmpty)
        #expect(payload.unknownNumbers.count == 1)
        let u = payload.unknownNumbers[0]
        #expect(u.phoneNumberID == "777")
        #expect(u.messageIDs == ["wamid.LOST"])
        #expect(u.statusCount == 0)
        #expect(u.rawJSON.contains("wamid.LOST"))
        #expect(u.rawJSON.contains("hello?"))
    }

    @Test func malformedBodiesAreRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("{not json", "not JSON"),
            ("[1,2]", "not a JSON object"),
            ("{\"object\":\"page\",\"entry\":[]}", "object is \"page\""),
            ("{\"object\":\"whatsapp_business_account\"}", "no entry array"),
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\"}]}", "entry[0] has no changes array"),
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{}}]}]}",
             "entry[0].changes[0].value.metadata.phone_number_id is missing"),
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"1\"},\"messages\":{}}}]}]}",
             "messages is not an array"),
            ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"1\"},\"messages\":[{\"from\":\"1\",\"type\":\"text\"}]}}]}]}",
             "messages[0].id is missing"),
        ]
        for (body, reason) in cases {
            let error = #expect(throws: WhatsAppWebhookError.self) {
                try WhatsAppWebhook.parse(body: Data(body.utf8), channelFor: { _ in "wa-main" })
            }
            #expect(error?.code == .malformed)
            #expect(error?.httpStatus == 400)
            #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "") should mention \(reason)")
        }
    }

    @Test func missingTimestampUsesReceiptTimeWithAWarning() throws {
        let body = """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"\(WhatsAppFixtures.phoneNumberID)"},"messages":[{"from":"1","id":"wamid.X","type":"text","text":{"body":"hi"}}]}}]}]}
        """
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        let payload = try WhatsAppWebhook.parse(body: Data(body.utf8), channelFor: { channels[$0] }, receivedAt: received)
        #expect(payload.messages.first?.timestamp == received)
        #expect(payload.warnings.count == 1)
    }

    // Found by fuzzing (docs/fuzzing.md; fuzz/regressions/fuzz-webhook/timestamp-17E0659226.json):
    // "17E0659226" read as infinity, and the message's Date trapped when written as
    // RFC 3339 or as milliseconds. Out-of-range timestamps are treated as missing.
    @Test func aTimestampOutOfRangeUsesReceiptTimeWithAWarning() throws {
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        for stamp in [#""17E0659226""#, #""nan""#, #""-inf""#, "1e300", "-1", #""253402300800""#] {
            let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"\(WhatsAppFixtures.phoneNumberID)"},"messages":[{"from":"1","id":"wamid.X","timestamp":\(stamp),"type":"text","text":{"body":"hi"}}],"statuses":[{"id":"wamid.O","status":"sent","timestamp":\(stamp),"recipient_id":"1"}]}}]}]}
            """
            let payload = try WhatsAppWebhook.parse(body: Data(body.utf8), channelFor: { channels[$0] }, receivedAt: received)
            let message = try #require(payload.messages.first)
            let status = try #require(payload.statuses.first)
            #expect(message.timestamp == received, "\(stamp)")
            #expect(status.timestamp == received, "\(stamp)")
            #expect(RFC3339.string(message.timestamp) == "2027-01-15T08:00:00.000Z")
            #expect(payload.warnings == [
                "entry[0].changes[0].value.messages[0].timestamp is missing, not a number or out of range; used the time of receipt",
                "entry[0].changes[0].value.statuses[0].timestamp is missing, not a number or out of range; used the time of receipt",
            ], "\(stamp)")
        }
        // The last second of year 9999 is still a time.
        let body = WhatsAppFixtures.inboundBody([FixtureMessage(timestamp: 253_402_300_799, content: .text("hi"))])
        let late = try #require(try parse(body).messages.first)
        #expect(RFC3339.string(late.timestamp) == "9999-12-31T23:59:59.000Z")
    }
}
