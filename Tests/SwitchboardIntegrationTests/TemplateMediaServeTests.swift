import Foundation
import Testing
import SwitchboardTestSupport

/// Templates with a media header through the running host and the fake Graph API: the
/// agent's file is checked against the header (kind, type, size, signature) before
/// anything is stored, kept in the media store, uploaded by the sender and named by its id
/// in the template; or an https link is passed on. Refusals leave nothing behind.
@Suite struct TemplateMediaServeTests {
    static let cake = FakeTemplate(name: "cake_ready", body: "Your cake is ready, {{1}}!", headerFormat: "IMAGE")
    static let menu = FakeTemplate(name: "menu", body: "Our new menu, {{1}}", headerFormat: "DOCUMENT")
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<30_000).map { UInt8($0 % 253) }

    /// A multipart/form-data body as a browser's FormData sends it.
    static func form(_ template: String, file: (bytes: [UInt8], type: String, name: String)?) -> (body: [UInt8], contentType: String) {
        let boundary = "----sbFormBoundary7MA4YWxkTrZu0gW"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"template\"\r\n\r\n\(template)\r\n".utf8)
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"header_file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    func postForm(_ s: TemplateServeTests.Setup, _ template: String, file: (bytes: [UInt8], type: String, name: String)?) throws -> HTTPClient.Response {
        let f = Self.form(template, file: file)
        return try s.h.host.client.post("/api/v1/conversations/\(s.conversation)/template", body: f.body,
                                        headers: s.auth.merging(["Content-Type": f.contentType]) { a, _ in a })
    }

    func mediaFiles(_ s: TemplateServeTests.Setup) -> [String] {
        let root = s.h.host.dir.appendingPathComponent("media").path
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix(".tmp") && ($0 as NSString).lastPathComponent.count == 64 }
    }

    @Test func anImageHeaderIsTheAgentsFileUploadedThenNamedByItsId() throws {
        let s = try TemplateServeTests.setUp(templates: [Self.cake])
        let items = try #require((try s.get("/api/v1/conversations/\(s.conversation)/templates").json() as? [String: Any])?["items"] as? [[String: Any]])
        let listed = try #require(items.first)
        #expect(listed["header_media"] as? String == "image")
        #expect(listed["header_media_types"] as? [String] == ["image/jpeg", "image/png"])
        #expect(listed["unavailable"] is NSNull, "\(listed)")

        let r = try postForm(s, #"{"name":"cake_ready","language":"en_US","body":["Ngozi"]}"#, file: (Self.jpeg, "image/jpeg", "cake.jpg"))
        #expect(r.status == 202, "\(r.text)")
        let message = try #require(try r.json() as? [String: Any])
        #expect(message["kind"] as? String == "template")
        #expect(message["text"] as? String == "Your cake is ready, Ngozi!")
        #expect(s.h.graph.wait(timeout: .seconds(30)) { $0.acceptedSends.contains { $0.type == "template" } })
        let upload = try #require(s.h.graph.uploads.first)
        let same = upload.bytes == Self.jpeg
        #expect(same, "\(upload.bytes.count) bytes uploaded, not the \(Self.jpeg.count) given")
        #expect(upload.mimeType == "image/jpeg")
        let template = try #require(s.templateSends.first?.json["template"] as? [String: Any])
        let components = try #require(template["components"] as? [[String: Any]])
        #expect(components.map { $0["type"] as? String } == ["header", "body"])
        let header = try #require((components[0]["parameters"] as? [[String: Any]])?.first)
        #expect(header["type"] as? String == "image")
        #expect((header["image"] as? [String: Any])?["id"] as? String == upload.id)
        // The header's picture is kept with the message and served to the agents.
        let id = try #require(message["id"] as? String)
        let served = try s.get("/api/v1/messages/\(id)/media")
        #expect(served.status == 200)
        #expect(served.body == Self.jpeg)
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in
            (try? s.messages())?.first { $0["id"] as? String == id }?["status"] as? String == "read"
        })
    }

    @Test func aDocumentHeaderMayBeAnHttpsLink() throws {
        let s = try TemplateServeTests.setUp(templates: [Self.menu])
        let r = try s.post("/api/v1/conversations/\(s.conversation)/template",
                           #"{"name":"menu","language":"en_US","body":["Ngozi"],"header_media":{"link":"https://bakery.example/menu.pdf","filename":"menu.pdf"}}"#)
        #expect(r.status == 202, "\(r.text)")
        #expect(s.h.graph.wait(timeout: .seconds(30)) { $0.acceptedSends.contains { $0.type == "template" } })
        let template = try #require(s.templateSends.first?.json["template"] as? [String: Any])
        let header = try #require(((template["components"] as? [[String: Any]])?.first?["parameters"] as? [[String: Any]])?.first)
        let document = try #require(header["document"] as? [String: Any])
        #expect(document["link"] as? String == "https://bakery.example/menu.pdf")
        #expect(document["filename"] as? String == "menu.pdf")
        #expect(s.h.graph.uploads.isEmpty)
    }

    @Test func headerMediaIsCheckedBeforeTheGraphCallAndNothingIsStored() throws {
        let s = try TemplateServeTests.setUp(templates: [Self.cake])
        let before = try s.messages().count
        let send = #"{"name":"cake_ready","language":"en_US","body":["Ngozi"]}"#
        // No picture at all.
        let missing = try s.post("/api/v1/conversations/\(s.conversation)/template", send)
        #expect(missing.status == 400)
        #expect(missing.text.contains("invalid_parameters") && missing.text.contains("image header"), "\(missing.text)")
        // A type WhatsApp does not take in an image header.
        let gif = try postForm(s, send, file: (Array("GIF89a.....".utf8), "image/gif", "dance.gif"))
        #expect(gif.status == 400)
        #expect(gif.text.contains("image/gif") && gif.text.contains("image/jpeg"), "\(gif.text)")
        // Bytes that are not the type claimed.
        let fake = try postForm(s, send, file: (Array("not a jpeg".utf8), "image/jpeg", "cake.jpg"))
        #expect(fake.status == 400)
        #expect(fake.text.contains("signature"), "\(fake.text)")
        // Over WhatsApp's 5 MB for images.
        let big = try postForm(s, send, file: ([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 5 << 20), "image/jpeg", "big.jpg"))
        #expect(big.status == 400)
        #expect(big.text.contains("5 MB"), "\(big.text)")
        // A link that is not https.
        let http = try s.post("/api/v1/conversations/\(s.conversation)/template",
                              #"{"name":"cake_ready","language":"en_US","body":["Ngozi"],"header_media":{"link":"http://bakery.example/a.jpg"}}"#)
        #expect(http.status == 400)
        #expect(http.text.contains("https://"))
        // A multipart body without the template part.
        let noTemplate = Self.form("{}", file: nil)
        let bad = try s.h.host.client.post("/api/v1/conversations/\(s.conversation)/template",
                                           body: Array(String(decoding: noTemplate.body, as: UTF8.self).replacingOccurrences(of: "name=\"template\"", with: "name=\"other\"").utf8),
                                           headers: s.auth.merging(["Content-Type": noTemplate.contentType]) { a, _ in a })
        #expect(bad.status == 400)
        #expect(bad.text.contains("template"))

        #expect(s.h.graph.uploads.isEmpty)
        #expect(s.templateSends.isEmpty)
        #expect(try s.messages().count == before)
        #expect(mediaFiles(s).isEmpty)
        #expect(try s.db.rows("SELECT count(*) FROM media_files") == [["0"]])
    }
}

/// Agents' uploads have their own limit (`media.max_upload_bytes`), applied to the upload
/// routes only and before the file is read; the rest of the API keeps
/// `server.max_body_bytes` (1 MiB). A large attachment is streamed to the provider intact.
@Suite struct UploadLimitServeTests {
    static func setUp(extra: String = "") throws -> (MediaStoreServeTests.Setup, String) {
        let s = try MediaStoreServeTests.setUp(extraHostYAML: extra)
        #expect(try s.h.post([s.h.text("please send the catalogue")]).status == 200)
        let (conversation, _) = try MediaStoreServeTests().waitForMessage(s, kind: "text")
        return (s, conversation)
    }

    static func pdf(_ size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var x: UInt32 = 88172645
        for i in bytes.indices {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            bytes[i] = UInt8(truncatingIfNeeded: x)
        }
        bytes.replaceSubrange(0..<5, with: Array("%PDF-".utf8))
        return bytes
    }

    @Test func anAttachmentOverTheAPIsBodyLimitIsUploadedIntact() throws {
        // 4 MB: four times `server.max_body_bytes`, streamed by the sender (20 MB took a
        // minute in a debug build).
        let (s, conversation) = try Self.setUp()
        let file = Self.pdf(4 << 20)
        var client = s.h.host.client
        client.timeout = 120
        let path = "/api/v1/conversations/\(conversation)/attachments?filename=catalogue.pdf"
        let r = try client.post(path, body: file, headers: s.auth.merging(["Content-Type": "application/pdf"]) { a, _ in a })
        #expect(r.status == 202, "\(r.text)")
        // Slow in a debug build in the whole suite on a loaded machine (an upload that times
        // out is retried): a condition wait, not a sleep.
        #expect(s.h.graph.wait(timeout: .seconds(300)) { $0.acceptedSends.contains { $0.type == "document" } })
        let upload = try #require(s.h.graph.uploads.first)
        #expect(upload.bytes.count == file.count)
        let same = upload.bytes == file
        #expect(same, "the uploaded bytes differ from the attachment")
        #expect(upload.filename == "catalogue.pdf")
    }

    @Test func uploadsOverTheLimitAreRefusedNamingItAndTheRestOfTheAPIKeepsItsOwn() throws {
        let (s, conversation) = try Self.setUp(extra: "media:\n  max_upload_bytes: 2097152")
        let attach = "/api/v1/conversations/\(conversation)/attachments?filename=catalogue.pdf"
        let headers = s.auth.merging(["Content-Type": "application/pdf"]) { a, _ in a }
        // Above server.max_body_bytes (1 MiB), within the upload limit: taken.
        let ok = try s.h.host.client.post(attach, body: Self.pdf(1_500_000), headers: headers)
        #expect(ok.status == 202, "\(ok.text)")
        // Above the upload limit: refused on the announced length, with the limit's name.
        let tooLarge = try s.h.host.client.postHead(attach, contentLength: 3 << 20, headers: headers)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.text.contains("media.max_upload_bytes") && tooLarge.text.contains("2 MB"), "\(tooLarge.text)")
        let template = try s.h.host.client.postHead("/api/v1/conversations/\(conversation)/template", contentLength: 3 << 20,
                                                    headers: s.auth.merging(["Content-Type": "multipart/form-data; boundary=x"]) { a, _ in a })
        #expect(template.status == 413)
        // Without credentials, the upload is refused on its headers: the file is never read.
        let anonymous = try s.h.host.client.postHead(attach, contentLength: 1_500_000, headers: ["Content-Type": "application/pdf"])
        #expect(anonymous.status == 401)
        // The rest of the API keeps the server's 1 MiB.
        let reply = try s.h.host.client.postHead("/api/v1/conversations/\(conversation)/reply", contentLength: 1_500_000,
                                                 headers: s.auth.merging(["Content-Type": "application/json"]) { a, _ in a })
        #expect(reply.status == 413)
        #expect(!reply.text.contains("media.max_upload_bytes"))
        #expect(s.h.graph.wait(timeout: .seconds(30)) { $0.uploads.count == 1 })
    }
}
