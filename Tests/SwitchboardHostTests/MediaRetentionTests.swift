import Foundation
import Testing
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore
@testable import SwitchboardHost

/// The media store and its retention, on a real store and real files: a workspace's
/// files older than its `media_retention_days` are deleted (another workspace's, and
/// newer ones, stay), and the inbox then answers 410 for that message's media.
@Suite struct MediaRetentionTests {
    let logger = Logger(sink: LogSink(level: .error))

    func fixture() throws -> (InboxFixture, MediaStore) {
        let downloads = MediaDownloads(fetcher: MediaFetcher(transports: [:]), limits: .init(), logger: logger)
        let f = try InboxFixture(media: downloads)
        let media = MediaStore(root: f.dir + "/media")
        downloads.mediaStore = media
        return (f, media)
    }

    /// An inbound image of `workspace` with its file kept.
    func image(_ f: InboxFixture, _ media: MediaStore, _ workspace: WorkspaceID, bytes: [UInt8]) throws -> Message {
        let c = try f.inbound(workspace)
        guard case .inserted(let m) = try f.ws(workspace).messages.insertInbound(NewInboundMessage(
            conversationID: c.id, providerMessageID: "wamid.\(UUID().uuidString)", kind: .image, text: nil,
            payloadJSON: #"{"type":"image","image":{"id":"123"}}"#)) else { throw MediaStore.Failure(description: "not inserted") }
        let (sha, _) = try media.put(bytes, workspace: workspace)
        try f.ws(workspace).media.insert(StoredMedia(messageID: m.id, sha256: sha, mimeType: "image/png", size: bytes.count,
                                                     filename: nil, origin: .inbound))
        return m
    }

    @Test func filesPastTheRetentionAreDeletedAndAnswer410() throws {
        let (f, media) = try fixture()
        let old = try image(f, media, "a", bytes: [0x89, 0x50, 1, 2, 3])
        let other = try image(f, media, "b", bytes: [0x89, 0x50, 9, 9, 9])
        let router = f.router(as: InboxFixture.agent("a"))
        let before = router.get("/api/v1/messages/\(old.id)/media")
        #expect(before.status == 200)
        #expect(before.body == [0x89, 0x50, 1, 2, 3])
        #expect(before.headers["X-Content-Type-Options"] == "nosniff")

        f.clock.advance(seconds: 8 * 86_400)
        let recent = try image(f, media, "a", bytes: [0x89, 0x50, 4, 5, 6])
        MediaRetention(store: f.store, media: media, days: ["a": 7], logger: logger).run(now: f.clock.next())

        let gone = router.get("/api/v1/messages/\(old.id)/media")
        #expect(gone.status == 410)
        #expect(gone.object["code"] as? String == "media_deleted")
        #expect(!media.exists(workspace: "a", sha256: try #require(try f.ws("a").media.get(old.id)).sha256))
        #expect(router.get("/api/v1/messages/\(recent.id)/media").status == 200)
        // Workspace b has no retention: its older file stays.
        let b = f.router(as: InboxFixture.agent("b"))
        #expect(b.get("/api/v1/messages/\(other.id)/media").status == 200)
        // And a's router cannot read b's media.
        #expect(router.get("/api/v1/messages/\(other.id)/media").status == 404)
    }

    @Test func theSameFileSentAgainLaterIsKeptForTheNewerMessage() throws {
        let (f, media) = try fixture()
        let bytes: [UInt8] = [0x89, 0x50, 7, 7, 7]
        let first = try image(f, media, "a", bytes: bytes)
        f.clock.advance(seconds: 8 * 86_400)
        let again = try image(f, media, "a", bytes: bytes)
        MediaRetention(store: f.store, media: media, days: ["a": 7], logger: logger).run(now: f.clock.next())
        let router = f.router(as: InboxFixture.agent("a"))
        #expect(router.get("/api/v1/messages/\(first.id)/media").status == 410)
        #expect(router.get("/api/v1/messages/\(again.id)/media").body == bytes)
    }

    @Test func aPathCannotClimbOutOfTheStore() {
        let media = MediaStore(root: "/tmp/x")
        #expect(throws: MediaStore.Failure.self) { try media.path(workspace: "a", sha256: "../../etc/passwd") }
        #expect(throws: MediaStore.Failure.self) { try media.path(workspace: "..", sha256: String(repeating: "a", count: 64)) }
        #expect(throws: MediaStore.Failure.self) { try media.path(workspace: "a", sha256: String(repeating: "A", count: 64)) }
    }
}
