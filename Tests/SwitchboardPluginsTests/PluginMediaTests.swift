import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardPlugins

/// host->media (ABI 1.1): a C plugin gets the bytes and MIME type of the message's media
/// from the source the host gives, NOT_FOUND without media, the provider's failures as
/// statuses with the reason in the log and the chain's errors; plugins of ABI 1.0 keep
/// working.
@Suite struct PluginMediaTests {
    let dir = TestSupport.tempDir()

    /// A source serving `media`, counting its calls and the limit it was given.
    final class Source: Sendable {
        let calls = Atomic<Int>(0)
        let maxBytesSeen = Atomic<Int>(0)
        let result: @Sendable (Int) throws -> PluginMedia

        init(_ result: @escaping @Sendable (Int) throws -> PluginMedia) { self.result = result }
        convenience init(mimeType: String, bytes: [UInt8]) {
            self.init { _ in PluginMedia(mimeType: mimeType, bytes: bytes) }
        }

        var fetch: PluginMediaSource {
            { max in
                self.calls.add(1, ordering: .relaxed)
                self.maxBytesSeen.store(max, ordering: .relaxed)
                return try self.result(max)
            }
        }
    }

    func chain(_ name: String, defines: [String] = [], include: String = TestSupport.include,
               logger: Logger = TestSupport.quietLogger) throws -> ResponderChain {
        try TestSupport.run(["cc", "-shared", "-fPIC", "-I", include] + defines.map { "-D" + $0 }
            + ["-o", dir + "/lib\(name).so", TestSupport.fixtures + "/testplugin.c"])
        let host = PluginHost(searchPaths: [dir], logger: logger, stateStore: InMemoryPluginStateStore())
        return try host.load(workspace: "ws-a", specs: [PluginSpec(name: name)])
    }

    func message(_ text: String, kind: MessageKind = .image, media: PluginMediaSource?) -> PluginMessage {
        var m = TestSupport.message(text)
        m.kind = kind
        m.media = media
        return m
    }

    @Test func aPluginGetsTheBytesAndTheMIMEType() throws {
        let c = try chain("mediaok")
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]
        let source = Source(mimeType: "image/jpeg", bytes: bytes)
        let r = c.runBlocking(message: message("media", media: source.fetch))
        #expect(r.verdict == .reply(text: "got 7 bytes of image/jpeg (sum \(bytes.reduce(0) { $0 + Int($1) }))", buttons: []))
        #expect(r.errors.isEmpty)
        #expect(source.calls.load(ordering: .relaxed) == 1)
        // The host asks for no more than a plugin may receive.
        #expect(source.maxBytesSeen.load(ordering: .relaxed) == 16 * 1024 * 1024)
        c.shutdown()
    }

    @Test func aTextMessageHasNoMedia() throws {
        let c = try chain("medianone")
        #expect(c.runBlocking(message: message("media", kind: .text, media: nil)).verdict == .reply(text: "no media", buttons: []))
        c.shutdown()
    }

    @Test func aNullVisitorIsInvalid() throws {
        let c = try chain("medianull")
        let source = Source(mimeType: "image/png", bytes: [1])
        #expect(c.runBlocking(message: message("media-null", media: source.fetch)).verdict == .reply(text: "status=3", buttons: []))
        #expect(source.calls.load(ordering: .relaxed) == 0)
        c.shutdown()
    }

    @Test func theBytesAreDownloadedOncePerChainRun() throws {
        let c = try chain("mediatwice")
        let source = Source(mimeType: "audio/ogg; codecs=opus", bytes: Array(repeating: 7, count: 1000))
        #expect(c.runBlocking(message: message("media-twice", kind: .audio, media: source.fetch)).verdict
            == .reply(text: "1000+1000 bytes", buttons: []))
        #expect(source.calls.load(ordering: .relaxed) == 1)
        // Another message (another run) downloads its own.
        _ = c.runBlocking(message: message("media", kind: .audio, media: source.fetch))
        #expect(source.calls.load(ordering: .relaxed) == 2)
        c.shutdown()
    }

    @Test func aRetryableProviderFailureReachesTheChainAndTheLog() throws {
        let logDir = TestSupport.tempDir()
        let (logger, logPath) = try TestSupport.fileLogger(logDir)
        let c = try chain("mediaretry", logger: logger)
        let source = Source { _ in throw PluginMediaError(retryable: true, message: "graph api retryable (HTTP 503): try later") }
        let m = message("media", media: source.fetch)
        let r = c.runBlocking(message: m)
        #expect(r.verdict == .pass)
        let failure = try #require(r.errors.first)
        #expect(failure.kind == .retryable)
        #expect(failure.plugin == "mediaretry")
        // The plugin wrote no message: the host's reason stands in for it in the journal.
        #expect(failure.message == "status 1, no message (after host->media failed: graph api retryable (HTTP 503): try later)")
        let line = try #require(TestSupport.lines(logPath).first { $0["message"] == "message media download failed" })
        #expect(line["plugin"] == "mediaretry" && line["workspace"] == "ws-a")
        #expect(line["message_id"] == m.message.rawValue && line["retryable"] == "true" && line["level"] == "warn")
        #expect(line["error"] == "graph api retryable (HTTP 503): try later")
        c.shutdown()
    }

    @Test func aPermanentFailureAndAnyOtherErrorArePermanent() throws {
        struct Odd: Error {}
        let c = try chain("mediaperm")
        let expired = Source { _ in throw PluginMediaError(retryable: false, message: "media 123 expired") }
        let r = c.runBlocking(message: message("media", media: expired.fetch))
        #expect(r.errors.map(\.kind) == [.permanent])
        #expect(r.errors.first?.status == 2)
        #expect(r.errors.first?.message.contains("media 123 expired") == true)
        let odd = Source { _ in throw Odd() }
        #expect(c.runBlocking(message: message("media", media: odd.fetch)).errors.map(\.kind) == [.permanent])
        c.shutdown()
    }

    @Test func mediaOverTheLimitIsRefused() throws {
        let c = try chain("mediabig")
        // A source that ignores the limit it is given.
        let source = Source(mimeType: "video/mp4", bytes: [UInt8](repeating: 0, count: PluginMedia.maxBytes + 1))
        let r = c.runBlocking(message: message("media", kind: .video, media: source.fetch))
        #expect(r.verdict == .pass)
        #expect(r.errors.first?.kind == .permanent)
        #expect(r.errors.first?.message.contains("more than the 16777216 a plugin may receive") == true)
        c.shutdown()
    }

    @Test func aFailedDownloadIsNotKept() throws {
        let attempts = Atomic<Int>(0)
        let media = MessageMedia { _ in
            if attempts.add(1, ordering: .relaxed).newValue == 1 { throw PluginMediaError(retryable: true, message: "timeout") }
            return PluginMedia(mimeType: "image/webp", bytes: [9])
        }
        #expect(throws: PluginMediaError(retryable: true, message: "timeout")) { try media.get() }
        #expect(try media.get() == PluginMedia(mimeType: "image/webp", bytes: [9]))
        #expect(try media.get() == PluginMedia(mimeType: "image/webp", bytes: [9]))
        #expect(attempts.load(ordering: .relaxed) == 2)
    }

    @Test func aPluginBuiltWithTheOneZeroHeaderStillWorks() throws {
        // A frozen copy of the ABI 1.0 header: the plugin knows nothing of media.
        let c = try chain("oldheader", include: TestSupport.fixtures + "/abi-1.0")
        #expect(c.instances.first?.info.abi == "1.0")
        let source = Source(mimeType: "image/jpeg", bytes: [1])
        #expect(c.runBlocking(message: message("media", media: source.fetch)).verdict == .reply(text: "built without media", buttons: []))
        #expect(c.runBlocking(message: message("reply:still here", media: source.fetch)).verdict == .reply(text: "still here", buttons: []))
        #expect(c.runBlocking(message: message("set:k=v", kind: .text, media: nil)).verdict == .reply(text: "ok", buttons: []))
        #expect(c.runBlocking(message: message("history", kind: .text, media: nil)).verdict == .reply(text: "0 ", buttons: []))
        #expect(source.calls.load(ordering: .relaxed) == 0)
        c.shutdown()
    }

    @Test func aPluginDeclaringOneZeroMayStillUseMediaAfterCheckingTheHost() throws {
        // Built with the 1.1 header but declaring 1.0 (to load on 1.0 hosts too): it checks
        // host->abi_minor and uses media on this host.
        let c = try chain("declares10", defines: ["TEST_ABI_MINOR=0"])
        #expect(c.instances.first?.info.abi == "1.0")
        let source = Source(mimeType: "application/pdf", bytes: [37, 80, 68, 70])
        #expect(c.runBlocking(message: message("media", kind: .document, media: source.fetch)).verdict
            == .reply(text: "got 4 bytes of application/pdf (sum 255)", buttons: []))
        c.shutdown()
    }
}
