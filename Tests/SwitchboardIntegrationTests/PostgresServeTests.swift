import Foundation
import Testing
import SwitchboardTestSupport

/// `switchboard serve` on PostgreSQL (`storage.postgres`, one host): a customer's message
/// arrives, the FAQ answers through the outbox, the journal is read back with
/// `switchboard events`, and a wrong URL is a clear start-up error naming the setting.
@Suite(.serialized) struct PostgresServeTests {
    /// The harness's host with `storage.sqlite` replaced by `storage.postgres: url`.
    func harness(url: String, channels: String? = nil) throws -> PipelineHarness {
        let h = try PipelineHarness(channels: channels, workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
        let text = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        let sqlite = "sqlite: \(h.host.dir.path)/switchboard.db"
        #expect(text.contains(sqlite))
        try text.replacingOccurrences(of: sqlite, with: "postgres: \"\(url)\"")
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        return h
    }

    @Test func aMessageIsAnsweredAndJournalledOnPostgres() throws {
        let h = try harness(url: try TestPostgres.freshDatabase(prefix: "serve"))
        try h.start()
        #expect(try h.post([h.text("wen r u open on saturday?")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays.")
        var events: [String] = []
        for _ in 0..<100 {
            events = try h.events()
            if events.contains(where: { $0.contains(" sent ") }) { break }
            usleep(50_000)
        }
        #expect(events.contains { $0.contains(" received ") }, "\(events)")
        #expect(events.contains { $0.contains(" verdict ") && $0.contains("\"plugin\":\"faq\"") }, "\(events)")
        #expect(events.contains { $0.contains(" sent ") }, "\(events)")
        // A redelivered webhook is recognised, not answered twice.
        let again = h.text("are you open sunday?", id: "wamid.redelivered")
        #expect(try h.post([again]).status == 200)
        #expect(h.waitForReplies(2))
        #expect(try h.post([again]).status == 200)
        #expect(try h.post([h.text("thanks")]).status == 200)
        _ = h.waitForReplies(3, timeout: .seconds(5))
        #expect(h.replies.filter { $0.text?.contains("closed on Sundays") == true }.count >= 1)
        let received = try h.events().filter { $0.contains(" received ") }
        #expect(received.count == 3, "\(received)")
    }

    @Test func aWrongURLStopsTheHostWithTheSettingNamed() throws {
        let h = try harness(url: "postgresql://app:s3cret@127.0.0.1:1/db?connect_timeout=2")
        try h.host.start(waitForListening: false)
        // waitForExit also waits until the pipes are read to their end: the message is in
        // them (Process.waitUntilExit returned before the reader threads had it).
        let status = try #require(h.host.waitForExit(timeout: 60))
        #expect(status != 0)
        let text = h.host.logText + h.host.stdout
        #expect(text.contains("storage.postgres: cannot connect"), "\(text)")
        #expect(!text.contains("s3cret"))
    }
}
