import Foundation
import Testing
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardTestSupport

/// Telegram files, unit by unit: updates with files read into media messages, the
/// multipart upload on the wire, getFile and the file endpoint through the transport, and
/// the Bot API's refusals classified.
@Suite struct TelegramFileTests {
    static func update(_ json: String) throws -> InboundMessage? {
        let value = try JSONReader.read(Array(json.utf8))
        return try TelegramUpdates.message(value, raw: json, channel: ChannelID("tg"), receivedAt: Date())
    }

    @Test func filesCustomersSendBecomeMediaMessages() throws {
        let photo = try #require(try Self.update(FakeTelegramBotAPI.fileUpdate(
            id: 1, chatID: 42, field: "photo", value: FakeTelegramBotAPI.photoSizes(fileID: "AgACbig", size: 9000), caption: "the cake")))
        #expect(photo.kind == .image)
        #expect(photo.media?.id == "AgACbig")   // the largest size, not the thumbnail
        #expect(photo.media?.mimeType == "image/jpeg")
        #expect(photo.text == "the cake")
        #expect(photo.media?.caption == "the cake")
        #expect(photo.sender == .telegramChat(42))

        let voice = try #require(try Self.update(FakeTelegramBotAPI.fileUpdate(id: 2, chatID: 42, field: "voice", value: [
            "file_id": "AwACvoice", "file_unique_id": "u", "duration": 2, "mime_type": "audio/ogg"] as [String: Any])))
        #expect(voice.kind == .audio)
        #expect(voice.media?.voice == true)
        #expect(voice.text == nil)

        let document = try #require(try Self.update(FakeTelegramBotAPI.fileUpdate(id: 3, chatID: 42, field: "document", value: [
            "file_id": "BQACdoc", "file_unique_id": "u", "file_name": "invoice.pdf", "mime_type": "application/pdf"] as [String: Any])))
        #expect(document.kind == .document)
        #expect(document.media?.filename == "invoice.pdf")
        #expect(document.media?.mimeType == "application/pdf")

        let sticker = try #require(try Self.update(FakeTelegramBotAPI.fileUpdate(id: 4, chatID: 42, field: "sticker", value: [
            "file_id": "CAACsticker", "file_unique_id": "u", "width": 512, "height": 512, "is_animated": true, "is_video": false] as [String: Any])))
        #expect(sticker.kind == .sticker)
        #expect(sticker.media?.animated == true)
        #expect(sticker.media?.mimeType == "application/x-tgsticker")

        // What has no file stays unsupported, its JSON kept.
        let location = try #require(try Self.update(FakeTelegramBotAPI.fileUpdate(id: 5, chatID: 42, field: "location", value: [
            "latitude": 1.0, "longitude": 2.0] as [String: Any])))
        #expect(location.kind == .unsupported)
        #expect(location.media == nil)
        // The stored payload (the update) names the file again.
        #expect(TelegramUpdates.file(inPayload: try JSONReader.read(Array(document.rawJSON.utf8)))?.id == "BQACdoc")
    }

    @Test func aDocumentIsUploadedAsMultipartWithItsExactBytes() throws {
        let fake = try FakeTelegramBotAPI()
        let api = TelegramBotAPI(apiURL: fake.apiURL, botToken: fake.token)
        // Bytes that would break a careless body: CRLFs, a boundary-like line, every byte value.
        let bytes: [UInt8] = Array("%PDF-1.4\r\n--switchboard-1\r\n".utf8) + (0..<4096).map { UInt8($0 % 256) }
        let id = try api.sendFile(chatID: -1001234567890, kind: "document", bytes: bytes, mimeType: "application/pdf",
                                  filename: "price \"list\".pdf", caption: "Prices, é")
        #expect(id == 101)
        let upload = try #require(fake.uploads.first)
        #expect(upload.method == "sendDocument")
        #expect(upload.chatID == -1001234567890)
        #expect(upload.field == "document")
        #expect(upload.filename == "price _list_.pdf")
        #expect(upload.contentType == "application/pdf")
        #expect(upload.caption == "Prices, é")
        #expect(upload.bytes == bytes)

        #expect(try api.sendFile(chatID: 7, kind: "audio", bytes: [1, 2, 3], mimeType: "audio/mpeg", filename: "a.mp3", caption: nil) == 101)
        #expect(fake.uploads.last?.method == "sendAudio")
        #expect(fake.uploads.last?.caption == nil)
    }

    @Test func refusalsAreClassified() throws {
        let fake = try FakeTelegramBotAPI()
        let api = TelegramBotAPI(apiURL: fake.apiURL, botToken: fake.token)
        fake.setMaxUploadBytes(100)
        do {
            _ = try api.sendFile(chatID: 1, kind: "document", bytes: Array(repeating: 7, count: 500), mimeType: "application/pdf",
                                 filename: "x.pdf", caption: nil)
            Issue.record("a 413 was taken as sent")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.code == "413")
            #expect(error.title == "telegram sendDocument: Request Entity Too Large")
        }
        fake.setMaxUploadBytes(50 << 20)
        do {
            _ = try api.sendFile(chatID: 1, kind: "image", bytes: Array("GIF89a".utf8), mimeType: "image/jpeg", filename: "x.jpg", caption: nil)
            Issue.record("a photo Telegram could not read was taken as sent")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.title.contains("IMAGE_PROCESS_FAILED"))
        }
        fake.failNext(with: .serverError)
        do {
            _ = try api.sendFile(chatID: 1, kind: "document", bytes: [1], mimeType: "text/plain", filename: "x.txt", caption: nil)
            Issue.record("a 500 was taken as sent")
        } catch {
            #expect(error.kind == .retryable)
        }
        do {
            _ = try api.getFile(id: "BQACnotThere")
            Issue.record("an unknown file id was found")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.title == "telegram getFile: Bad Request: wrong file identifier/HTTP URL specified")
        }
    }

    @Test func theTransportFetchesAFileWithGetFileThenTheFileEndpoint() throws {
        let fake = try FakeTelegramBotAPI()
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF] + (0..<10_000).map { UInt8($0 % 13) }
        fake.addFile(id: "AgACphoto-1_x", path: "photos/file_3.jpg", bytes: bytes)
        let transport = TelegramTransport(channel: ChannelID("tg"), apiURL: fake.apiURL, botToken: fake.token, secretToken: "s",
                                          mode: .webhook(url: nil), logger: Logger(sink: LogSink(level: .error)))
        let sink = GraphMediaBuffer()
        try transport.streamMedia(id: "AgACphoto-1_x", maxBytes: 1 << 20, to: sink)
        #expect(sink.bytes == bytes)
        #expect(sink.mimeType == "image/jpeg")
        #expect(fake.calls.map(\.method) == ["getFile", "file"])

        // Over the caller's limit: refused as too large, from getFile's file_size, before the download.
        do {
            try transport.streamMedia(id: "AgACphoto-1_x", maxBytes: 100, to: GraphMediaBuffer())
            Issue.record("a file over the limit was downloaded")
        } catch {
            #expect(error.tooLarge)
        }
        #expect(fake.calls.filter { $0.method == "file" }.count == 1)
        // Not a file id at all: refused without a call.
        #expect(throws: MediaFailure.self) { try transport.streamMedia(id: "../../etc/passwd", maxBytes: 100, to: GraphMediaBuffer()) }
        #expect(fake.calls.count == 3)
    }
}
