import Foundation
import Testing
import SwitchboardTestSupport

/// Media both ways through the running host: inbound media kept on arrival (served after
/// the provider forgot it), agents' attachments checked, stored, uploaded and sent by id.
@Suite struct MediaStoreServeTests {
    struct Setup {
        let h: PipelineHarness
        let auth: [String: String]

        func get(_ path: String) throws -> HTTPClient.Response { try h.host.client.get(path, headers: auth) }
        func conversations() throws -> [[String: Any]] {
            ((try get("/api/v1/conversations").json() as? [String: Any])?["items"] as? [[String: Any]]) ?? []
        }
        func messages(_ conversation: String) throws -> [[String: Any]] {
            ((try get("/api/v1/conversations/\(conversation)").json() as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        }
        func attach(_ conversation: String, _ bytes: [UInt8], type: String, filename: String? = nil) throws -> HTTPClient.Response {
            var path = "/api/v1/conversations/\(conversation)/attachments"
            if let filename { path += "?filename=" + (filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
            return try h.host.client.post(path, body: bytes, headers: auth.merging(["Content-Type": type]) { a, _ in a })
        }
        var mediaFiles: [String] {
            let root = h.host.dir.appendingPathComponent("media").path
            return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                .filter { !$0.hasSuffix(".tmp") && ($0 as NSString).lastPathComponent.count == 64 }
        }
    }

    static func setUp(extraHostYAML: String = "") throws -> Setup {
        // server.max_body_bytes stays at its 1 MiB: the upload route has its own limit
        // (media.max_upload_bytes), so WhatsApp's 5 MB image limit is the one checked.
        let h = try PipelineHarness(extraHostYAML: extraHostYAML)
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", h.host.configPath],
                                         cwd: h.host.dir)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try h.start()
        return Setup(h: h, auth: ["Authorization": "Bearer \(token)"])
    }

    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<40_000).map { UInt8($0 % 251) }
    static let pdf: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<20_000).map { UInt8(32 + $0 % 90) }

    /// The id of the first message of `kind` in the (only) conversation, once it is there.
    func waitForMessage(_ s: Setup, kind: String) throws -> (conversation: String, message: String) {
        for _ in 0..<500 {
            if let c = try s.conversations().first?["id"] as? String,
               let m = try s.messages(c).first(where: { $0["kind"] as? String == kind })?["id"] as? String {
                return (c, m)
            }
            usleep(10_000)
        }
        throw HTTPClient.Failure(description: "no \(kind) message arrived")
    }

    @Test func inboundMediaIsKeptOnArrivalAndServedAfterTheProviderForgetsIt() throws {
        let s = try Self.setUp()
        s.h.graph.addMedia(id: "770001", bytes: Self.jpeg, mimeType: "image/jpeg")
        s.h.graph.addMedia(id: "770002", bytes: Self.pdf, mimeType: "application/pdf")
        let now = Int(Date().timeIntervalSince1970)
        #expect(try s.h.post([FixtureMessage(from: "2348031234567", name: "Titi", timestamp: now,
                                             content: .image(mediaID: "770001", caption: "the cake")),
                              FixtureMessage(from: "2348031234567", name: "Titi", timestamp: now,
                                             content: .document(mediaID: "770002", filename: "invoice.pdf"))]).status == 200)
        let (_, image) = try waitForMessage(s, kind: "image")
        let (_, document) = try waitForMessage(s, kind: "document")
        // Downloaded on arrival, without any agent asking.
        let db = try TestDatabase(path: s.h.host.dir.appendingPathComponent("switchboard.db").path)
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in (try? db.rows("SELECT count(*) FROM media_files")) == [["2"]] })
        #expect(s.mediaFiles.count == 2)
        let lookups = s.h.graph.requests.filter { $0.path.hasPrefix("/media-download/") }.count
        #expect(lookups == 2)

        // The provider forgets (its URLs expire, the ids after 7 days): still served.
        s.h.graph.expireMediaURLs()
        let r = try s.get("/api/v1/messages/\(image)/media")
        #expect(r.status == 200)
        let imageSame = r.body == Self.jpeg
        #expect(imageSame, "\(r.body.count) bytes, not the \(Self.jpeg.count) expected")
        #expect(r.headers["content-type"] == "image/jpeg")
        #expect(r.headers["x-content-type-options"] == "nosniff")
        #expect(r.headers["content-security-policy"] == "sandbox; default-src 'none'")
        #expect(r.headers["content-disposition"] == nil)   // a safe image is shown inline
        let d = try s.get("/api/v1/messages/\(document)/media")
        #expect(d.status == 200)
        let documentSame = d.body == Self.pdf
        #expect(documentSame, "\(d.body.count) bytes, not the \(Self.pdf.count) expected")
        #expect(d.headers["content-disposition"] == "attachment; filename=\"invoice.pdf\"")
        #expect(s.h.graph.requests.filter { $0.path.hasPrefix("/media-download/") }.count == lookups)   // no provider call
    }

    @Test func aDamagedDownloadLeavesNothingInTheStore() throws {
        let s = try Self.setUp()
        // The provider reports another SHA-256 than the bytes it serves: a damaged download.
        s.h.graph.addMedia(id: "770009", bytes: Self.jpeg, mimeType: "image/jpeg", reportedSHA256: String(repeating: "ab", count: 32))
        #expect(try s.h.post([FixtureMessage(from: "2348031234567", name: "Titi", timestamp: Int(Date().timeIntervalSince1970),
                                             content: .image(mediaID: "770009"))]).status == 200)
        _ = try s.h.host.waitForLog(timeout: 10) { $0["message"] as? String == "inbound media not kept yet; trying again" }
        let root = s.h.host.dir.appendingPathComponent("media").path
        let left = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("/") && ($0 as NSString).lastPathComponent.contains(".") || ($0 as NSString).lastPathComponent.count == 64 }
        #expect(left.isEmpty, "\(left)")   // neither a file nor a temporary one
        let db = try TestDatabase(path: s.h.host.dir.appendingPathComponent("switchboard.db").path)
        #expect(try db.rows("SELECT count(*) FROM media_files") == [["0"]])
    }

    @Test func anAgentSendsADocumentUploadedAndSentById() throws {
        let s = try Self.setUp()
        #expect(try s.h.post([s.h.text("please send the price list")]).status == 200)
        let (conversation, _) = try waitForMessage(s, kind: "text")
        let r = try s.attach(conversation, Self.pdf, type: "application/pdf", filename: "price list.pdf")
        #expect(r.status == 202, "\(r.text)")
        let message = try #require(try r.json() as? [String: Any])
        #expect(message["kind"] as? String == "document")
        #expect(message["text"] as? String == "price list.pdf")
        #expect(s.h.graph.wait(timeout: .seconds(30)) { $0.acceptedSends.contains { $0.type == "document" } })
        let upload = try #require(s.h.graph.uploads.first)
        let uploadSame = upload.bytes == Self.pdf
        #expect(uploadSame, "\(upload.bytes.count) bytes, not the \(Self.pdf.count) expected")
        #expect(upload.mimeType == "application/pdf")
        #expect(upload.typeField == "application/pdf")
        #expect(upload.filename == "price list.pdf")
        let send = try #require(s.h.graph.acceptedSends.first { $0.type == "document" })
        let doc = try #require(send.json["document"] as? [String: Any])
        #expect(doc["id"] as? String == upload.id)
        #expect(doc["filename"] as? String == "price list.pdf")
        // The agent's own attachment is served from the store.
        let id = try #require(message["id"] as? String)
        let served = try s.get("/api/v1/messages/\(id)/media")
        #expect(served.status == 200)
        let servedocumentSame = served.body == Self.pdf
        #expect(servedocumentSame, "\(served.body.count) bytes, not the \(Self.pdf.count) expected")
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in
            (try? s.messages(conversation))?.first { $0["id"] as? String == id }?["status"] as? String == "read"
        })
    }

    @Test func oversizedOrWrongTypeUploadsAreRefusedBeforeAnyProviderCallAndNothingIsStored() throws {
        let s = try Self.setUp()
        #expect(try s.h.post([s.h.text("hi")]).status == 200)
        let (conversation, _) = try waitForMessage(s, kind: "text")
        let big = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 7, count: 5 << 20)   // over 5 MB
        let tooLarge = try s.attach(conversation, big, type: "image/jpeg")
        #expect(tooLarge.status == 413)
        #expect(tooLarge.text.contains("media_too_large"))
        #expect(tooLarge.text.contains("5242880"))
        let gif = try s.attach(conversation, Array("GIF89a....".utf8), type: "image/gif")
        #expect(gif.status == 415)
        #expect(gif.text.contains("unsupported_media_type"))
        #expect(gif.text.contains("image/jpeg"))   // says what is accepted
        let fake = try s.attach(conversation, Array("not a png at all".utf8), type: "image/png")
        #expect(fake.status == 415)
        #expect(fake.text.contains("media_type_mismatch"))
        let none = try s.attach(conversation, [], type: "application/pdf")
        #expect(none.status == 400)
        #expect(s.h.graph.uploads.isEmpty)
        #expect(s.h.graph.sends.filter { !$0.isMarkRead && $0.type != "text" }.isEmpty)
        // No attachment message was stored (the bot's text answer to "hi" may arrive
        // meanwhile: counting all messages raced it).
        let stored = try s.messages(conversation).filter { ($0["kind"] as? String) != "text" }
        #expect(stored.isEmpty, "\(stored)")
        #expect(s.mediaFiles.isEmpty)
    }
}

/// An agent's picture in a web chat conversation reaches the visitor: on the stream with
/// its kind, and as a file only that visitor can fetch.
@Suite struct WebChatMediaTests {
    @Test func theVisitorSeesTheAgentsPictureAndNobodyElseCanFetchIt() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: WebChatTests.hostExtra), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let token = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", host.configPath], cwd: host.dir)
        let auth = ["Authorization": "Bearer \(try #require(token.stdout.split(separator: "\n").last.map(String.init)))"]
        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        #expect(try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"what does it look like?\"}".utf8),
                                     headers: ["Content-Type": "application/json"]).status == 202)
        var conversation: String?
        for _ in 0..<500 where conversation == nil {
            let list = try host.client.get("/api/v1/conversations", headers: auth)
            conversation = ((try? list.json()) as? [String: Any]).flatMap { $0["items"] as? [[String: Any]] }?.first?["id"] as? String
            if conversation == nil { usleep(10_000) }
        }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<500).map { UInt8($0 % 256) }
        let r = try host.client.post("/api/v1/conversations/\(try #require(conversation))/attachments?caption=our%20cake", body: png,
                                     headers: auth.merging(["Content-Type": "image/png"]) { a, _ in a })
        #expect(r.status == 202, "\(r.text)")
        let id = try #require((try r.json() as? [String: Any])?["id"] as? String)
        #expect(stream.read(timeout: 10) { lines in lines.contains { $0.contains(id) } }, "stream: \(stream.text)")
        let shown = stream.dataLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["id"] as? String == id }
        #expect(shown?["kind"] as? String == "image")
        #expect(shown?["text"] as? String == "our cake")

        let file = try host.client.get("/chat/demo/media/\(id)?visitor=\(visitor)")
        #expect(file.status == 200)
        let same = file.body == png
        #expect(same, "\(file.body.count) bytes")
        #expect(file.headers["x-content-type-options"] == "nosniff")
        #expect(file.headers["content-security-policy"] == "sandbox; default-src 'none'")
        // Another visitor, or no visitor: nothing.
        #expect(try host.client.get("/chat/demo/media/\(id)?visitor=someone-else-123").status == 404)
        #expect(try host.client.get("/chat/demo/media/\(id)").status == 400)
    }
}
