import Foundation
import Synchronization
import Testing
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// `GET /api/v1/messages/{id}/media` through a real HTTP server: inbound media downloaded
/// from the (fake) Graph API on the download pool, streamed to the agent, scoped to the
/// caller's workspace.
@Suite struct InboxMediaTests {
    /// A fixture whose media route downloads from `graph`, served on a real HTTP server
    /// (4 threads, as small as it gets) with `/healthz` beside it.
    final class Served {
        let graph: FakeGraphAPI
        let f: InboxFixture
        let downloads: MediaDownloads
        let server: HTTPServer
        let port: Int

        init(limits: HostConfig.Media = HostConfig.Media(), as context: AuthContext = InboxFixture.agent("a"),
             configure: (FakeGraphAPI) -> Void = { _ in }) throws {
            graph = try FakeGraphAPI()
            configure(graph)
            let fetcher = MediaFetcher(transports: ["wa-main": WhatsAppCloudTransport(
                channel: "wa-main",
                configuration: .init(graphURL: graph.graphURL, phoneNumberID: "106540352242922", accessToken: graph.accessToken),
                messagesPerSecond: 80, pairSpacing: .seconds(1), logger: Logger(sink: LogSink(level: .error)))])
            downloads = MediaDownloads(fetcher: fetcher, limits: limits, logger: Logger(sink: LogSink(level: .error)))
            try downloads.start()
            f = try InboxFixture(media: downloads)
            var router = f.router(as: context)
            router.get("/healthz") { _ in .text("ok") }
            server = HTTPServer(configuration: HTTPServerConfiguration(listen: "127.0.0.1:0", threadPoolSize: 4), router: router,
                                metrics: MetricsRegistry(), logger: nil)
            try server.start()
            port = Int(try #require(server.boundPort))
        }

        deinit {
            graph.holdMedia(false)
            server.stop(deadline: .seconds(2))
            downloads.stop(deadline: .now + .seconds(2))
        }

        func get(_ path: String) throws -> RawHTTP.Response { try RawHTTP(port: port, path: path).response() }
        func media(_ m: Message) throws -> RawHTTP.Response { try get("/api/v1/messages/\(m.id)/media") }

        func storeMedia(_ ws: WorkspaceID = "a", mediaID: String, kind: MessageKind = .image, wamid: String = "wamid.img1") throws -> Message {
            let w = f.ws(ws)
            let contact = try w.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil).contact
            let c = try w.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
            let type = kind.rawValue
            let payload = #"{"from":"2348031234567","id":"\#(wamid)","\#(type)":{"id":"\#(mediaID)"},"timestamp":"1","type":"\#(type)"}"#
            guard case .inserted(let m) = try w.messages.insertInbound(NewInboundMessage(
                conversationID: c.id, providerMessageID: wamid, kind: kind, text: nil, payloadJSON: payload)) else {
                throw NotInserted()
            }
            return m
        }

        func mediaRequests() -> [RecordedRequest] { graph.requests.filter { $0.path.hasPrefix("/media-download/") } }
    }

    @Test func anAgentDownloadsAnInboundImageStreamedWithSafeHeaders() throws {
        let bytes = (0..<300_000).map { UInt8($0 % 251) }
        let s = try Served { $0.addMedia(id: "1375245879353", bytes: bytes, mimeType: "image/jpeg") }
        let image = try s.storeMedia(mediaID: "1375245879353")

        let r = try s.media(image)
        #expect(r.status == 200)
        #expect(r.complete)
        #expect(r.body == bytes)
        #expect(r.headers["content-type"] == "image/jpeg")
        #expect(r.headers["x-content-type-options"] == "nosniff")
        #expect(r.headers["content-security-policy"] == "sandbox; default-src 'none'")
        #expect(r.headers["content-disposition"] == nil)       // a known-safe image is shown inline
        #expect(s.mediaRequests().first?.authorization == "Bearer \(s.graph.accessToken)")
    }

    @Test(arguments: [("application/pdf", MessageKind.document), ("image/svg+xml", .image), ("text/html", .document),
                      ("video/mp4", .video), ("image/png\r\nX-Evil: 1", .image)])
    func anythingButSafeImagesAndAudioIsAnAttachment(mime: String, kind: MessageKind) throws {
        let s = try Served { $0.addMedia(id: "4242", bytes: Array("<svg onload=alert(1)>".utf8), mimeType: mime) }
        let m = try s.storeMedia(mediaID: "4242", kind: kind)
        let r = try s.media(m)
        #expect(r.status == 200 && r.complete)
        #expect(r.headers["content-disposition"] == "attachment; filename=\"media-\(m.id)\"")
        #expect(r.headers["content-security-policy"] == "sandbox; default-src 'none'")
        #expect(r.headers["x-evil"] == nil)
    }

    @Test func anotherWorkspaceGets404AndTheProviderIsNotAsked() throws {
        let s = try Served(as: InboxFixture.agent("b")) { $0.addMedia(id: "77", bytes: [1, 2, 3], mimeType: "image/png") }
        let image = try s.storeMedia("a", mediaID: "77")
        #expect(try s.media(image).status == 404)
        #expect(s.graph.requests.isEmpty)
    }

    @Test func expiredMediaIsAClearBadGateway() throws {
        let s = try Served()
        let image = try s.storeMedia(mediaID: "999")   // the fake does not know it: gone
        let r = try s.media(image)
        #expect(r.status == 502)
        #expect(r.text.contains("the provider did not give the media"))
    }

    /// A media id is digits: `..` would climb out of the Graph API's version path.
    @Test(arguments: ["..", "../v1.0/me", "12a", "1/2", ""])
    func aMediaIDThatIsNotDigitsIs400AndNeverReachesTheProvider(bad: String) throws {
        let s = try Served()
        let m = try s.storeMedia(mediaID: bad)
        let r = try s.media(m)
        #expect(r.status == 400)
        #expect(r.text.contains("not a WhatsApp media id (digits only)"))
        #expect(s.graph.requests.isEmpty)
    }

    /// Only https on Meta's hosts, or graph_url's own origin, gets the token: a lookup
    /// that points elsewhere (here another origin of the same machine) is refused and
    /// nothing is fetched.
    @Test func aMediaURLOffMetasHostsGetsNoToken() throws {
        let s = try Served { $0.addMedia(id: "55", bytes: [9, 9, 9], mimeType: "image/png") }
        s.graph.setMediaURLBase("http://localhost:\(s.graph.port)")
        let r = try s.media(try s.storeMedia(mediaID: "55"))
        #expect(r.status == 502)
        #expect(r.text.contains("not an https URL on Meta's hosts"))
        #expect(s.mediaRequests().isEmpty)
    }

    @Test func mediaOverTheLimitIsAClearErrorBeforeAnyByte() throws {
        let s = try Served(limits: HostConfig.Media(maxBytes: 4096)) {
            $0.addMedia(id: "88", bytes: Array(repeating: 7, count: 4097), mimeType: "application/pdf")
            $0.addMedia(id: "89", bytes: Array(repeating: 7, count: 4096), mimeType: "application/pdf")
        }
        let big = try s.media(try s.storeMedia(mediaID: "88", kind: .document, wamid: "w1"))
        #expect(big.status == 502)
        #expect(big.text.contains("\"code\":\"media_too_large\""))
        #expect(big.text.contains("larger than the 4096 bytes"))
        #expect(s.mediaRequests().isEmpty)    // refused on the size the lookup reported
        let fits = try s.media(try s.storeMedia(mediaID: "89", kind: .document, wamid: "w2"))
        #expect(fits.status == 200 && fits.complete && fits.body.count == 4096)
    }

    /// The lookup under-reports the size: the download's own Content-Length is checked
    /// too, before anything is sent to the agent.
    @Test func anUnderReportedSizeIsCaughtOnTheDownloadsLength() throws {
        let bytes = Array(repeating: UInt8(3), count: 2 << 20)
        let s = try Served(limits: HostConfig.Media(maxBytes: 1 << 20)) { $0.addMedia(id: "91", bytes: bytes, mimeType: "audio/ogg") }
        s.graph.setReportedFileSize(100)
        let r = try s.media(try s.storeMedia(mediaID: "91", kind: .audio))
        #expect(r.status == 502)
        #expect(r.text.contains("\"code\":\"media_too_large\""))
        #expect(s.mediaRequests().count == 1)     // asked, and stopped at the headers
    }

    /// A provider that under-reports the size and sends no Content-Length: the headers
    /// have gone when the limit is passed, so the response is cut off (no final chunk),
    /// never ended as if it were the whole file.
    @Test func aDownloadThatGrowsPastTheLimitIsCutOffNotServedAsComplete() throws {
        let bytes = Array(repeating: UInt8(3), count: 3 << 20)
        let s = try Served(limits: HostConfig.Media(maxBytes: 1 << 20)) { $0.addMedia(id: "93", bytes: bytes, mimeType: "audio/ogg") }
        s.graph.setReportedFileSize(100)
        s.graph.setMediaChunked(true)
        let r = try s.media(try s.storeMedia(mediaID: "93", kind: .audio))
        #expect(r.status == 200)
        #expect(!r.complete, "a download stopped at the limit was ended as a complete response")
        #expect(r.body.count <= 1 << 20)
        // Within the limit, the same chunked provider serves the whole file.
        s.graph.addMedia(id: "94", bytes: Array(bytes.prefix(200_000)), mimeType: "audio/ogg")
        let ok = try s.media(try s.storeMedia(mediaID: "94", kind: .audio, wamid: "w94"))
        #expect(ok.status == 200 && ok.complete && ok.body.count == 200_000)
    }

    /// A damaged download (bytes that do not match the reported SHA-256) is cut off.
    @Test func aDownloadThatFailsItsChecksumIsCutOff() throws {
        let s = try Served { $0.addMedia(id: "92", bytes: Array(repeating: 1, count: 70_000), mimeType: "image/png",
                                         reportedSHA256: String(repeating: "ab", count: 32)) }
        let r = try s.media(try s.storeMedia(mediaID: "92"))
        #expect(r.status == 200)
        #expect(!r.complete)
    }

    /// Downloads that wait on a slow provider hold download threads, not server threads:
    /// with 24 of them pending on a 4-thread server, /healthz is answered, and answered
    /// before any of them.
    @Test func pendingDownloadsDoNotHoldTheServer() throws {
        let s = try Served(limits: HostConfig.Media(downloads: 8, downloadsPerWorkspace: 32)) {
            $0.addMedia(id: "1375245879353", bytes: Array(repeating: 5, count: 1000), mimeType: "image/jpeg")
        }
        let image = try s.storeMedia(mediaID: "1375245879353")
        s.graph.holdMedia(true)
        let pending = try (0..<24).map { _ in try RawHTTP(port: s.port, path: "/api/v1/messages/\(image.id)/media") }
        #expect(s.graph.wait(timeout: .seconds(20)) { $0.mediaLookupsWaiting == 8 })     // every download thread waits
        #expect(waitFor { s.downloads.inFlight == 24 })                                 // and the rest are queued
        let health = try s.get("/healthz")
        #expect(health.status == 200 && health.text == "ok")
        let silent = pending.filter { $0.nothingReceived }.count
        #expect(silent == 24)       // /healthz was answered before any of them
        s.graph.holdMedia(false)
        for p in pending {
            let r = try p.response()
            #expect(r.status == 200 && r.complete && r.body.count == 1000)
        }
    }

    @Test func aBusyWorkspaceGets429() throws {
        let s = try Served(limits: HostConfig.Media(downloads: 1, downloadsPerWorkspace: 2)) {
            $0.addMedia(id: "31", bytes: [1], mimeType: "image/png")
        }
        let image = try s.storeMedia(mediaID: "31")
        s.graph.holdMedia(true)
        let first = try (0..<2).map { _ in try RawHTTP(port: s.port, path: "/api/v1/messages/\(image.id)/media") }
        #expect(waitFor { s.downloads.inFlight == 2 })
        let busy = try s.media(image)
        #expect(busy.status == 429)
        #expect(busy.headers["retry-after"] == "1")
        #expect(busy.text.contains("too_many_downloads"))
        s.graph.holdMedia(false)
        for p in first { #expect(try p.response().status == 200) }
        #expect(waitFor { s.downloads.inFlight == 0 })
        #expect(try s.media(image).status == 200)
    }

    /// One download thread: 1 running and 4 waiting fill the host; the next gets 503.
    @Test func aFullHostGets503() throws {
        let s = try Served(limits: HostConfig.Media(downloads: 1, downloadsPerWorkspace: 64)) {
            $0.addMedia(id: "32", bytes: [1], mimeType: "image/png")
        }
        let image = try s.storeMedia(mediaID: "32")
        s.graph.holdMedia(true)
        let first = try (0..<5).map { _ in try RawHTTP(port: s.port, path: "/api/v1/messages/\(image.id)/media") }
        #expect(waitFor { s.downloads.inFlight == 5 })
        let full = try s.media(image)
        #expect(full.status == 503)
        #expect(full.headers["retry-after"] == "1")
        s.graph.holdMedia(false)
        for p in first { #expect(try p.response().status == 200) }
    }
}

/// Waits until `condition` holds (polling every 2 ms), at most 20 s.
func waitFor(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

struct NotInserted: Error {}
