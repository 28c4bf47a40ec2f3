import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardTestSupport
import Testing

/// Agents' files through the Evolution API gateway: the transport's connection posts
/// `sendMedia` with the file as base64 and the right fields, and the gateway's refusals
/// (Evolution's 400 envelope, nested schema messages, the body parser's 413) are
/// classified and worded.
@Suite struct EvolutionMediaSendTests {
    static func file(_ bytes: [UInt8], type: String, kind: String, name: String?, caption: String? = nil) throws -> OutboundFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evo-media-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return OutboundFile(kind: kind, mimeType: type, path: path, sha256: "ab12", filename: name, caption: caption)
    }

    func transport(_ fake: FakeEvolutionAPI) -> EvolutionTransport {
        EvolutionTransport(configuration: .init(
            channel: ChannelID("wa-web"),
            client: .init(baseURL: fake.baseURL, apiKey: fake.apiKey, instance: fake.instance, requestTimeout: .seconds(5)),
            webhookSecret: "s", webhookURL: { nil }, ratePerMinute: 6000), logger: Logger(sink: LogSink(level: .error)))
    }

    @Test func aDocumentGoesAsBase64WithItsTypeAndName() throws {
        let fake = try FakeEvolutionAPI()
        let connection = transport(fake).connect()
        let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<3000).map { UInt8($0 % 256) }
        let receipt = try connection.send(.media(to: .phone("+5511987654321"),
                                                 media: Self.file(pdf, type: "application/pdf", kind: "document", name: "lista.pdf", caption: "Preços")))
        let s = try #require(fake.acceptedSends.first)
        #expect(receipt.providerMessageID == s.keyID)
        #expect(s.endpoint == "sendMedia")
        #expect(s.number == "5511987654321")
        #expect(s.mediaType == "document")
        #expect(s.mimeType == "application/pdf")
        #expect(s.fileName == "lista.pdf")
        #expect(s.text == "Preços")
        #expect(s.mediaBytes == pdf)

        // A document without a name still gets one (Evolution refuses base64 documents without).
        _ = try connection.send(.media(to: .whatsAppUser("12345678901234@lid"),
                                       media: Self.file(pdf, type: "application/pdf", kind: "document", name: nil)))
        #expect(fake.acceptedSends.last?.fileName == "document")
        #expect(fake.acceptedSends.last?.number == "12345678901234@lid")
    }

    @Test func theGatewaysRefusalsAreClassifiedAndWorded() throws {
        let fake = try FakeEvolutionAPI()
        let client = EvolutionClient(configuration: .init(baseURL: fake.baseURL, apiKey: fake.apiKey, instance: fake.instance,
                                                          requestTimeout: .seconds(5)))
        func failure(_ body: () throws -> Void) -> EvolutionError? {
            do { try body(); return nil } catch let e as EvolutionError { return e } catch { return nil }
        }
        let b64 = Data([1, 2, 3]).base64EncodedString()
        // Evolution's own checks, as the fake reproduces them.
        let noName = try #require(failure { _ = try client.sendMedia(number: "5511", mediaType: "document", media: b64,
                                                                     mimeType: "application/pdf", caption: nil, fileName: nil) })
        #expect(noName.kind == .permanent)
        #expect(noName.httpStatus == 400)
        #expect(noName.title == "For base64 the file name must be informed.")
        let sticker = try #require(failure { _ = try client.sendMedia(number: "5511", mediaType: "sticker", media: b64,
                                                                      mimeType: "image/webp", caption: nil, fileName: "s") })
        #expect(sticker.kind == .permanent)
        #expect(sticker.title == "mediatype is not one of enum values: image,document,video,audio")
        let notMedia = try #require(failure { _ = try client.sendMedia(number: "5511", mediaType: "image", media: "not base64!",
                                                                       mimeType: "image/jpeg", caption: nil, fileName: nil) })
        #expect(notMedia.title == "Owned media must be a url or base64")
        // The body parser's limit: 413, permanent, and says so.
        fake.setMaxBodyBytes(100)
        let big = try #require(failure { _ = try client.sendMedia(number: "5511", mediaType: "image",
                                                                  media: Data(repeating: 9, count: 400).base64EncodedString(),
                                                                  mimeType: "image/jpeg", caption: nil, fileName: nil) })
        #expect(big.kind == .permanent)
        #expect(big.httpStatus == 413)
        #expect(big.title.contains("too large"))
        #expect(big.title.contains("request entity too large"))
        fake.setMaxBodyBytes(1 << 20)
        // Throttled and failing gateways are retried, as for texts.
        fake.failNextSends(1, with: .serverError)
        #expect(failure { _ = try client.sendMedia(number: "5511", mediaType: "image", media: b64, mimeType: "image/jpeg",
                                                   caption: nil, fileName: nil) }?.kind == .retryable)
        fake.failNextSends(1, with: .tooManyRequests(retryAfter: 3))
        let limited = try #require(failure { _ = try client.sendMedia(number: "5511", mediaType: "image", media: b64,
                                                                      mimeType: "image/jpeg", caption: nil, fileName: nil) })
        #expect(limited.kind == .rateLimited)
        #expect(limited.retryAfter == .seconds(3))
    }

    @Test func aFileGoneFromTheStoreOrOverTheLimitFailsForGoodWithoutACall() throws {
        let fake = try FakeEvolutionAPI()
        let connection = transport(fake).connect()
        var gone = try Self.file([1, 2, 3], type: "application/pdf", kind: "document", name: "x.pdf")
        try FileManager.default.removeItem(atPath: gone.path)
        gone.sha256 = "feedbeef"
        do {
            _ = try connection.send(.media(to: .phone("+5511987654321"), media: gone))
            Issue.record("a missing file was sent")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.title.contains("no longer in the media store (feedbeef)"))
        }
        let gif = try Self.file(Array("GIF89a".utf8), type: "image/gif", kind: "image", name: nil)
        do {
            _ = try connection.send(.media(to: .phone("+5511987654321"), media: gif))
            Issue.record("a type WhatsApp Web does not take was sent")
        } catch {
            #expect(error.kind == .permanent)
        }
        #expect(fake.sends.isEmpty)
    }
}
