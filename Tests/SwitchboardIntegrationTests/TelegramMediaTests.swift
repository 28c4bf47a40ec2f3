import Foundation
import Testing
import SwitchboardTestSupport

/// Files both ways on a Telegram bot, through the real binary against the fake Bot API:
/// a customer's photo (and voice note, and document) fetched with getFile and downloaded
/// from the file endpoint into the media store on arrival, shown in the inbox with its
/// caption and served to the agent; an agent's PDF or photo uploaded as multipart with
/// sendDocument/sendPhoto; a Bot API refusal fails that message visibly and the next one
/// still goes.
@Suite(.serialized) struct TelegramMediaTests {
    typealias Harness = TelegramChannelTests.Harness

    @Test func aCustomersPhotoIsKeptAndTheAgentSeesAndDownloadsIt() throws {
        let h = try Harness()
        let inbox = try InboxSession(h.host)
        let photoID = "AgACAgIAAxkBAAIBQ2ZfakePhotoLarge_x-1"
        h.telegram.addFile(id: photoID, path: "photos/file_7.jpg", bytes: InboxSession.jpeg)
        let voice: [UInt8] = Array("OggS".utf8) + (0..<6_000).map { UInt8($0 % 199) }
        h.telegram.addFile(id: "AwACAgIAAxkBVoiceNote01", path: "voice/file_8.oga", bytes: voice)
        try h.host.start()
        #expect(h.telegram.wait { $0.webhook != nil })

        let photo = FakeTelegramBotAPI.fileUpdate(id: 9001, chatID: 4242, field: "photo",
                                                  value: FakeTelegramBotAPI.photoSizes(fileID: photoID, size: InboxSession.jpeg.count),
                                                  caption: "our cake")
        #expect(try h.post(photo).status == 200)
        // In the inbox as an image, the caption kept as its text.
        let (_, image) = try inbox.waitForMessage { $0["kind"] as? String == "image" }
        #expect(image["text"] as? String == "our cake")
        #expect(image["direction"] as? String == "inbound")
        let id = try #require(image["id"] as? String)

        // Kept on arrival, without an agent asking: getFile for the largest size, then the file.
        let db = try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path)
        #expect(h.telegram.wait(timeout: .seconds(30)) { _ in (try? db.value("SELECT count(*) FROM media_files")) == "1" })
        #expect(h.telegram.calls.contains { $0.method == "getFile" && $0.json["file_id"] as? String == photoID })
        #expect(h.telegram.calls.contains { $0.method == "file" && $0.body == "photos/file_7.jpg" && $0.answeredStatus == 200 })
        let r = try inbox.get("/api/v1/messages/\(id)/media")
        #expect(r.status == 200)
        #expect(r.body == InboxSession.jpeg)
        #expect(r.headers["content-type"] == "image/jpeg")
        // Served from the store: no second download.
        #expect(h.telegram.calls.filter { $0.method == "file" }.count == 1)

        // A voice note: audio, typed from the file's path.
        let note = FakeTelegramBotAPI.fileUpdate(id: 9002, chatID: 4242, field: "voice", value: [
            "file_id": "AwACAgIAAxkBVoiceNote01", "file_unique_id": "AgADv", "duration": 3, "mime_type": "audio/ogg",
            "file_size": voice.count] as [String: Any], messageID: 4)
        #expect(try h.post(note).status == 200)
        let (_, audio) = try inbox.waitForMessage { $0["kind"] as? String == "audio" }
        #expect(h.telegram.wait(timeout: .seconds(30)) { _ in (try? db.value("SELECT count(*) FROM media_files")) == "2" })
        let a = try inbox.get("/api/v1/messages/\(try #require(audio["id"] as? String))/media")
        #expect(a.status == 200)
        #expect(a.body == voice)
        #expect(a.headers["content-type"] == "audio/ogg")

        // A document Telegram no longer knows: the message is there, its download is a
        // clear 502 naming Telegram's answer.
        let lost = FakeTelegramBotAPI.fileUpdate(id: 9003, chatID: 4242, field: "document", value: [
            "file_id": "BQACAgIAAxkBGoneDocument", "file_unique_id": "AgADd", "file_name": "invoice.pdf",
            "mime_type": "application/pdf", "file_size": 1234] as [String: Any], messageID: 5)
        #expect(try h.post(lost).status == 200)
        let (_, document) = try inbox.waitForMessage { $0["kind"] as? String == "document" }
        let d = try inbox.get("/api/v1/messages/\(try #require(document["id"] as? String))/media")
        #expect(d.status == 502)
        #expect(d.text.contains("wrong file identifier"), "\(d.text)")
    }

    @Test func anAgentsPDFAndPhotoAreUploadedAsMultipart() throws {
        let h = try Harness()
        let inbox = try InboxSession(h.host)
        try h.host.start()
        #expect(h.telegram.wait { $0.webhook != nil })
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 9100, chatID: 5151, text: "send me the price list")).status == 200)
        let (conversation, _) = try inbox.waitForMessage { $0["direction"] as? String == "inbound" }

        let queued = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "price-list.pdf",
                                      caption: "Our prices")
        #expect(queued.status == 202, "\(queued.text)")
        let pdfMessage = try #require((try queued.json() as? [String: Any])?["id"] as? String)
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedUploads.count == 1 })
        let upload = try #require(h.telegram.acceptedUploads.first)
        #expect(upload.method == "sendDocument")
        #expect(upload.chatID == 5151)
        #expect(upload.field == "document")
        #expect(upload.filename == "price-list.pdf")
        #expect(upload.contentType == "application/pdf")
        #expect(upload.caption == "Our prices")
        #expect(upload.bytes == InboxSession.pdf)
        let sent = try inbox.waitForOutcome(conversation, message: pdfMessage)
        #expect(sent["status"] as? String == "sent")
        #expect(sent["kind"] as? String == "document")

        // A photo goes with sendPhoto.
        let photo = try inbox.attach(conversation, InboxSession.jpeg, type: "image/jpeg")
        #expect(photo.status == 202, "\(photo.text)")
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedUploads.count == 2 })
        let second = try #require(h.telegram.acceptedUploads.last)
        #expect(second.method == "sendPhoto")
        #expect(second.field == "photo")
        #expect(second.bytes == InboxSession.jpeg)
        #expect(second.caption == nil)
    }

    @Test func aBotAPIRefusalFailsTheAttachmentVisiblyAndTheNextOneGoes() throws {
        let h = try Harness()
        let inbox = try InboxSession(h.host)
        try h.host.start()
        #expect(h.telegram.wait { $0.webhook != nil })
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 9200, chatID: 6262, text: "hello")).status == 200)
        let (conversation, _) = try inbox.waitForMessage { $0["direction"] as? String == "inbound" }

        // Telegram refuses the upload as too large: failed at once (a retry would not help).
        h.telegram.setMaxUploadBytes(10_000)
        let big = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "catalogue.pdf")
        #expect(big.status == 202)
        let failed = try inbox.waitForOutcome(conversation, message: try #require((try big.json() as? [String: Any])?["id"] as? String))
        #expect(failed["status"] as? String == "failed")
        #expect(failed["error_code"] as? String == "413")
        #expect((failed["error_title"] as? String)?.contains("Request Entity Too Large") == true, "\(failed)")
        #expect(h.telegram.uploads.map(\.answeredStatus) == [413])

        // The next one goes.
        h.telegram.setMaxUploadBytes(50 << 20)
        let next = try inbox.attach(conversation, InboxSession.pdf, type: "application/pdf", filename: "catalogue.pdf")
        let ok = try inbox.waitForOutcome(conversation, message: try #require((try next.json() as? [String: Any])?["id"] as? String))
        #expect(ok["status"] as? String == "sent")
        #expect(h.telegram.uploads.map(\.answeredStatus) == [413, 200])
        #expect(h.telegram.acceptedUploads.last?.bytes == InboxSession.pdf)

        // A type Telegram does not take is refused before anything is stored.
        let gif = try inbox.attach(conversation, Array("GIF89a".utf8) + [0, 1, 2], type: "image/gif")
        #expect(gif.status == 415)
        #expect(gif.text.contains("Telegram does not take 'image/gif'"), "\(gif.text)")
    }
}

extension TelegramMediaTests {
    /// A responder plugin reads a Telegram customer's photo (`host->media`): the host asks
    /// `getFile` and downloads the file with the bot's token, as it does for the Cloud API.
    @Test func aPluginReadsTheCustomersPhotoThroughGetFile() throws {
        let telegram = try FakeTelegramBotAPI()
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: """
            media:
              keep_inbound: false
            channels:
              - id: tg-demo
                type: telegram
                bot_token: "\(telegram.token)"
                api_url: \(telegram.apiURL)
                workspace: demo
                secret_token: \(TelegramChannelTests.secret)
            """), workspaces: ["demo": PluginMediaPipelineTests.workspace])
        telegram.addFile(id: "AgACpluginPhoto", path: "photos/file_9.jpg", bytes: InboxSession.jpeg)
        try host.start()
        let update = FakeTelegramBotAPI.fileUpdate(id: 9300, chatID: 7373, field: "photo",
                                                   value: FakeTelegramBotAPI.photoSizes(fileID: "AgACpluginPhoto", size: InboxSession.jpeg.count),
                                                   caption: "our cake")
        let r = try host.client.post("/webhooks/telegram/tg-demo", body: Array(update.utf8), headers: [
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TelegramChannelTests.secret])
        #expect(r.status == 200)
        #expect(telegram.wait(timeout: .seconds(20)) { $0.acceptedSends.count >= 1 })
        #expect(telegram.acceptedSends.first?.text == "Thanks for the picture (\(InboxSession.jpeg.count) bytes, image/jpeg).")
        // Not kept on arrival: the plugin's own download is the only one.
        #expect(telegram.calls.filter { $0.method == "file" }.count == 1)
    }
}
