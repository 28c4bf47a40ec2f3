import Foundation
import Testing
import SwitchboardTestSupport

/// An agent's attachment through a WhatsApp Web channel, against the real binary and the
/// fake Evolution API: `POST /message/sendMedia/{instance}` with the file as base64 and
/// the right `mediatype`, `mimetype` and `fileName`; a gateway refusal fails that message
/// visibly, and the next one still goes.
@Suite(.serialized) struct EvolutionMediaTests {
    /// A started harness with one conversation (the customer wrote, the bot answered).
    func conversation() throws -> (EvolutionHarness, InboxSession, String) {
        let h = try EvolutionHarness()
        let inbox = try InboxSession(h.host)
        try h.start()
        #expect(h.gateway.postMessage(EvolutionHarness.text("Vocês têm o catálogo?"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        let (conversation, _) = try inbox.waitForMessage { $0["direction"] as? String == "inbound" }
        return (h, inbox, conversation)
    }

    @Test func anAgentsAttachmentGoesThroughSendMedia() throws {
        let (h, inbox, conversation) = try conversation()
        let queued = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "catalogo.pdf",
                                      caption: "Nosso catálogo")
        #expect(queued.status == 202, "\(queued.text)")
        let id = try #require((try queued.json() as? [String: Any])?["id"] as? String)
        #expect(h.gateway.wait { $0.acceptedSends.count == 2 })
        let media = try #require(h.gateway.acceptedSends.last)
        #expect(media.endpoint == "sendMedia")
        #expect(media.number == "5511987654321")
        #expect(media.mediaType == "document")
        #expect(media.mimeType == "application/pdf")
        #expect(media.fileName == "catalogo.pdf")
        #expect(media.text == "Nosso catálogo")
        #expect(media.mediaBytes == InboxSession.pdf)
        let sent = try inbox.waitForOutcome(conversation, message: id)
        #expect(sent["status"] as? String == "sent")
        let db = try h.database
        #expect(try db.value("SELECT provider_message_id FROM messages WHERE id = '\(id)'") == media.keyID)

        // A photo: mediatype image, no file name needed.
        let photo = try inbox.attach(conversation, InboxSession.jpeg, type: "image/jpeg")
        #expect(photo.status == 202, "\(photo.text)")
        #expect(h.gateway.wait { $0.acceptedSends.count == 3 })
        let image = try #require(h.gateway.acceptedSends.last)
        #expect(image.mediaType == "image")
        #expect(image.mimeType == "image/jpeg")
        #expect(image.mediaBytes == InboxSession.jpeg)
        #expect(h.gateway.requests.filter { $0.path == "/message/sendMedia/demo" }.allSatisfy { $0.apikey == EvolutionHarness.apiKey })
    }

    @Test func aGatewayRefusalFailsTheAttachmentVisiblyAndTheNextOneGoes() throws {
        let (h, inbox, conversation) = try conversation()
        // WhatsApp refused the upload (Evolution's 400 envelope): failed, with its words.
        h.gateway.failNextSends(1, with: .badRequest("Error: Media upload failed on all hosts"))
        let first = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "catalogo.pdf")
        let failed = try inbox.waitForOutcome(conversation, message: try #require((try first.json() as? [String: Any])?["id"] as? String))
        #expect(failed["status"] as? String == "failed")
        #expect(failed["error_code"] as? String == "400")
        #expect((failed["error_title"] as? String)?.contains("Media upload failed on all hosts") == true, "\(failed)")

        // The next one goes.
        let second = try inbox.attach(conversation, InboxSession.jpeg, type: "image/jpeg")
        let sent = try inbox.waitForOutcome(conversation, message: try #require((try second.json() as? [String: Any])?["id"] as? String))
        #expect(sent["status"] as? String == "sent")

        // A gateway whose body limit is below the file: 413, failed with a clear reason.
        h.gateway.setMaxBodyBytes(10_000)
        let third = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "catalogo.pdf")
        let tooLarge = try inbox.waitForOutcome(conversation, message: try #require((try third.json() as? [String: Any])?["id"] as? String))
        #expect(tooLarge["status"] as? String == "failed")
        #expect(tooLarge["error_code"] as? String == "413")
        #expect((tooLarge["error_title"] as? String)?.contains("too large") == true, "\(tooLarge)")
        #expect(h.gateway.sends.filter { $0.endpoint == "sendMedia" }.map(\.answeredStatus) == [400, 201, 413])
        // Nothing left in the outbox; the session stayed open.
        let db = try h.database
        #expect(try db.value("SELECT count(*) FROM outbox") == "0")
        #expect(h.gateway.connectCalls == 0)
    }
}

extension EvolutionMediaTests {
    /// A customer's photo on WhatsApp Web is kept on arrival like the Cloud API's (it was
    /// fetched only when an agent asked): the gateway's copy can go, the inbox still has it.
    @Test func aCustomersPhotoIsKeptOnArrival() throws {
        let h = try EvolutionHarness()
        let inbox = try InboxSession(h.host)
        try h.start()
        h.gateway.addMedia(keyID: "3EB0KEPTPHOTO000001", bytes: InboxSession.jpeg, mimeType: "image/jpeg", fileName: "bolo.jpg")
        var photo = EvolutionHarness.text("", id: "3EB0KEPTPHOTO000001")
        photo.mediaField = "imageMessage"
        photo.mimeType = "image/jpeg"
        photo.caption = "o bolo"
        #expect(h.gateway.postMessage(photo)?.status == 200)
        let db = try h.database
        #expect(h.gateway.wait(timeout: .seconds(30)) { _ in (try? db.value("SELECT count(*) FROM media_files")) == "1" })
        let fetches = h.gateway.requests.filter { $0.path == "/chat/getBase64FromMediaMessage/demo" }
        #expect(fetches.count == 1)
        let (_, image) = try inbox.waitForMessage { $0["kind"] as? String == "image" }
        #expect(image["text"] as? String == "o bolo")
        let r = try inbox.get("/api/v1/messages/\(try #require(image["id"] as? String))/media")
        #expect(r.status == 200)
        #expect(r.body == InboxSession.jpeg)
        // Served from the store: the gateway was not asked again.
        #expect(h.gateway.requests.filter { $0.path == "/chat/getBase64FromMediaMessage/demo" }.count == 1)
    }
}
