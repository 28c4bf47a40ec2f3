import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// Templates and media on the client, against the fake Graph API over real HTTP: the
/// template list followed across pages, template and media bodies in the wire format,
/// the provider's template errors classified, a multipart upload answered with an id.
@Suite struct GraphTemplatesMediaTests {
    let fake: FakeGraphAPI
    let client: GraphAPIClient
    let waba = WhatsAppFixtures.businessAccountID

    init() throws {
        fake = try FakeGraphAPI(accessToken: "token-abc")
        client = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                     accessToken: "token-abc", connectTimeout: .seconds(2), requestTimeout: .seconds(3)))
    }

    @Test func theTemplateListIsReadAcrossPages() throws {
        fake.setTemplates([
            FakeTemplate(name: "order_ready", body: "Hi {{1}}, order {{2}} is ready.", header: "Order {{1}}"),
            FakeTemplate(name: "promo", status: "PAUSED", category: "MARKETING", body: "Sale today"),
            FakeTemplate(name: "receipt", body: "Your receipt, {{1}}", headerFormat: "DOCUMENT"),
        ], waba: waba)
        fake.setTemplatePageSize(1)
        let list = try client.listTemplates(wabaID: waba, channel: "wa")
        #expect(list.map(\.name) == ["order_ready", "promo", "receipt"])
        #expect(fake.requests.filter { $0.path.hasSuffix("/message_templates") }.count == 3)
        let ready = list[0]
        #expect(ready.status == .approved && ready.headerParameters == 1 && ready.bodyParameters == 2)
        #expect(ready.bodyText == "Hi {{1}}, order {{2}} is ready.")
        #expect(ready.componentsJSON.contains("\"BODY\""))
        #expect(list[1].status == .paused)
        #expect(list[2].mediaHeader == "DOCUMENT")
        #expect(throws: GraphError.self) { try client.listTemplates(wabaID: "../x", channel: "wa") }
    }

    @Test func aTemplateSendHasTheWireFormatAndTheProvidersRefusalsAreClassified() throws {
        fake.setTemplates([FakeTemplate(name: "order_ready", body: "Hi {{1}}, order {{2}} is ready.", header: "Order {{1}}"),
                           FakeTemplate(name: "off", status: "DISABLED", body: "x")], waba: waba)
        let p = MessageTemplate.Parameters(header: ["#12"], body: ["Ana", "#12"])
        let receipt = try client.sendTemplate(to: .phone("5511987654321"), name: "order_ready", language: "en_US", parameters: p)
        #expect(receipt.providerMessageID.hasPrefix("wamid."))
        let body = try #require(fake.sends.last?.json)
        #expect(body["type"] as? String == "template")
        #expect(body["to"] as? String == "5511987654321")
        let template = try #require(body["template"] as? [String: Any])
        #expect((template["language"] as? [String: Any])?["code"] as? String == "en_US")
        let components = try #require(template["components"] as? [[String: Any]])
        #expect(components.map { $0["type"] as? String } == ["header", "body"])

        func code(_ name: String, _ parameters: MessageTemplate.Parameters) -> Int? {
            do {
                _ = try client.sendTemplate(to: .phone("5511987654321"), name: name, language: "en_US", parameters: parameters)
                return nil
            } catch {
                #expect(error.kind == .permanent, "\(error)")
                return error.code
            }
        }
        #expect(code("order_ready", .init(header: ["#12"], body: ["Ana"])) == 132000)
        #expect(code("nope", .init()) == 132001)
        #expect(code("off", .init()) == 132016)
        #expect(code("order_ready", .init(header: ["#12"], body: ["Ana", "two\nlines"])) == 132012)
    }

    @Test func aFileIsUploadedAsMultipartAndSentById() throws {
        let pdf = Array("%PDF-1.4\n\r\n--not-a-boundary\r\n".utf8) + [0, 255, 13, 10]
        let id = try client.uploadMedia(pdf, mimeType: "application/pdf", filename: "price \"list\".pdf")
        let upload = try #require(fake.uploads.first { $0.id == id })
        #expect(upload.bytes == pdf)
        #expect(upload.mimeType == "application/pdf" && upload.typeField == "application/pdf")
        #expect(upload.filename == "price _list_.pdf")
        _ = try client.sendMedia(to: .phone("5511987654321"), kind: "document", mediaID: id, caption: "Prices", filename: "prices.pdf")
        let doc = try #require(fake.sends.last?.json["document"] as? [String: Any])
        #expect(doc["id"] as? String == id && doc["caption"] as? String == "Prices" && doc["filename"] as? String == "prices.pdf")
        // An id the provider never gave: refused (131053), permanent.
        #expect(throws: GraphError.self) {
            try client.sendMedia(to: .phone("5511987654321"), kind: "image", mediaID: "123", caption: nil, filename: nil)
        }
    }

    @Test func aTemplateWithAMediaHeaderGoesByUploadedIdOrByLinkAndTheProviderChecksIt() throws {
        fake.setTemplates([FakeTemplate(name: "menu", body: "Our menu, {{1}}", headerFormat: "DOCUMENT"),
                           FakeTemplate(name: "cake", body: "Your cake, {{1}}", headerFormat: "IMAGE")], waba: waba)
        let pdf = Array("%PDF-1.4\nmenu".utf8)
        let id = try client.uploadMedia(pdf, mimeType: "application/pdf", filename: "menu.pdf")
        let byID = MessageTemplate.Parameters(body: ["Ana"], headerMedia: .init(kind: "document", source: .id(id), filename: "menu.pdf"))
        _ = try client.sendTemplate(to: .phone("5511987654321"), name: "menu", language: "en_US", parameters: byID)
        let components = try #require((fake.sends.last?.json["template"] as? [String: Any])?["components"] as? [[String: Any]])
        #expect(components.map { $0["type"] as? String } == ["header", "body"])
        let header = try #require((components[0]["parameters"] as? [[String: Any]])?.first)
        #expect(header["type"] as? String == "document")
        #expect((header["document"] as? [String: Any])?["id"] as? String == id)
        #expect((header["document"] as? [String: Any])?["filename"] as? String == "menu.pdf")

        let byLink = MessageTemplate.Parameters(body: ["Ana"], headerMedia: .init(kind: "image", source: .link("https://bakery.example/cake.jpg")))
        _ = try client.sendTemplate(to: .phone("5511987654321"), name: "cake", language: "en_US", parameters: byLink)
        let linked = try #require(((fake.sends.last?.json["template"] as? [String: Any])?["components"] as? [[String: Any]])?.first)
        let image = try #require((linked["parameters"] as? [[String: Any]])?.first?["image"] as? [String: Any])
        #expect(image["link"] as? String == "https://bakery.example/cake.jpg")
        #expect(image["filename"] == nil)   // only documents have a file name

        // The provider's refusals: the wrong kind (132012), no header (132012), an id it never gave (131053).
        func code(_ name: String, _ media: MessageTemplate.HeaderMedia?) -> Int? {
            do {
                _ = try client.sendTemplate(to: .phone("5511987654321"), name: name, language: "en_US",
                                            parameters: .init(body: ["Ana"], headerMedia: media))
                return nil
            } catch {
                #expect(error.kind == .permanent, "\(error)")
                return error.code
            }
        }
        #expect(code("cake", .init(kind: "video", source: .id(id))) == 132012)
        #expect(code("cake", nil) == 132012)
        #expect(code("menu", .init(kind: "document", source: .id("123"))) == 131053)
        // A file not uploaded yet never reaches the provider.
        let before = fake.sends.count
        #expect(throws: GraphError.self) {
            try client.sendTemplate(to: .phone("5511987654321"), name: "menu", language: "en_US",
                                    parameters: .init(body: ["Ana"], headerMedia: .init(kind: "document", source: .file(mimeType: "application/pdf", size: 3))))
        }
        #expect(fake.sends.count == before)
    }

    @Test func aLargeFileIsStreamedFromDiskAndArrivesIntact() throws {
        // 4 MB (four times the API's body limit, many times libcurl's buffers) with a pattern
        // that repeats nowhere in the multipart delimiters. (20 MB took 45 s in a debug build.)
        var bytes = [UInt8](repeating: 0, count: 4 << 20)
        var x: UInt32 = 2463534242
        for i in bytes.indices {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            bytes[i] = UInt8(truncatingIfNeeded: x)
        }
        bytes.replaceSubrange(0..<5, with: Array("%PDF-".utf8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sb-upload-\(UInt64.random(in: 1...UInt64.max)).pdf").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Its own client with a long transfer timeout: a debug build of the fake in the whole
        // suite on a loaded machine is slow.
        let patient = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                          accessToken: "token-abc", connectTimeout: .seconds(2),
                                                          requestTimeout: .seconds(3), downloadTimeout: .seconds(300)))
        let id = try patient.uploadMedia(fileAt: path, mimeType: "application/pdf", filename: "catalogue.pdf")
        let upload = try #require(fake.uploads.first { $0.id == id })
        #expect(upload.bytes.count == bytes.count)
        let same = upload.bytes == bytes
        #expect(same, "the uploaded bytes differ from the file")
        #expect(upload.filename == "catalogue.pdf" && upload.typeField == "application/pdf")
        // A file that is gone: permanent, no call.
        let calls = fake.requests.count
        #expect(throws: GraphError.self) {
            try client.uploadMedia(fileAt: path + ".gone", mimeType: "application/pdf", filename: "x.pdf")
        }
        #expect(fake.requests.count == calls)
    }
}
