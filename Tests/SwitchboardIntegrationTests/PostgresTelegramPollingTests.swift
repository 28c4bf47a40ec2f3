import Foundation
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Two `switchboard serve` hosts on one PostgreSQL with one Telegram bot in polling mode
/// (the fake Bot API): one host polls at a time (the channel's lease, as a WhatsApp Web
/// session's), so the fake never sees two getUpdates at once and answers no 409; when the
/// poller is SIGKILLed the other takes the poll over once the lease runs out
/// (`storage.host_lease_seconds: 3`) and the message sent meanwhile is answered once.
@Suite(.serialized) struct PostgresTelegramPollingTests {
    static let polling = "this host polls the telegram bot now"
    static let fallback = "Thanks! We will get back to you shortly."

    static func lines(_ host: TestHost, _ message: String) -> [[String: Any]] {
        host.logLines.filter { $0["message"] as? String == message }
    }

    /// Polls that overlapped in time (each getUpdates should end before the next begins).
    static func overlaps(_ spans: [FakeTelegramBotAPI.PollSpan]) -> Int {
        let sorted = spans.sorted { $0.start < $1.start }
        return zip(sorted, sorted.dropFirst()).filter { $1.start < $0.end }.count
    }

    @Test func oneHostPollsABotAndAnotherTakesOverWhenItDies() throws {
        let url = try TestPostgres.freshDatabase(prefix: "tgpoll")
        let telegram = try FakeTelegramBotAPI()
        let yaml = TestHost.minimalHostYAML(extra: """
            outbox:
              retry_base_ms: 20
              retry_cap_ms: 200
            channels:
              - id: tg-poll
                type: telegram
                bot_token: "\(telegram.token)"
                api_url: \(telegram.apiURL)
                workspace: demo
                mode: polling
            """).replacingOccurrences(of: "sqlite: $DIR/switchboard.db",
                                      with: "postgres: \"\(url)\"\n  heartbeat_seconds: 1\n  host_lease_seconds: 3")
        let a = try TestHost(hostYAML: yaml, workspaces: ["demo": TestWorkspaces.demo])
        try a.start()
        #expect(telegram.wait(timeout: .seconds(10)) { !$0.pollOffsets.isEmpty })
        #expect(!Self.lines(a, Self.polling).isEmpty, "\(a.logText)")
        let b = try TestHost(hostYAML: try String(contentsOfFile: a.configPath, encoding: .utf8))
        try b.start()

        // A polls; B, on the same database, waits for the lease. A message is answered once.
        telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 900, chatID: 4001, text: "hello"))
        #expect(telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.contains { $0.chatID == 4001 } }, "\(a.logText)")
        // A second message, B running: still polled by A alone.
        telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 901, chatID: 4002, text: "still there?"))
        #expect(telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.contains { $0.chatID == 4002 } })
        #expect(Self.lines(b, Self.polling).isEmpty, "B polls beside A")
        let before = telegram.pollSpans
        #expect(!before.isEmpty)
        #expect(before.allSatisfy { $0.status == 200 }, "409s while A polled: \(before.map(\.status))")
        #expect(Self.overlaps(before) == 0, "getUpdates overlapped while A polled")
        #expect(Self.lines(a, "telegram getUpdates conflict: a webhook is set or another poller runs; backing off").isEmpty)
        #expect(Self.lines(b, "telegram getUpdates conflict: a webhook is set or another poller runs; backing off").isEmpty)

        // A dies mid long poll. A message arrives meanwhile; B takes the poll once A's
        // lease ran out, and answers it once.
        a.signal(SIGKILL)
        #expect(a.waitForExit(timeout: 10) != nil)
        let killed = ContinuousClock.now
        telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 902, chatID: 4003, text: "anyone?"))
        _ = try b.waitForLog(timeout: 30) { $0["message"] as? String == Self.polling }
        let tookOver = ContinuousClock.now - killed
        #expect(telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.contains { $0.chatID == 4003 } }, "\(b.logText)")
        // A later message is the barrier: once its answer is out, a second answer to the
        // one sent meanwhile would have been too.
        telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 903, chatID: 4004, text: "barrier"))
        #expect(telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.contains { $0.chatID == 4004 } })
        #expect(telegram.acceptedSends.filter { $0.chatID == 4003 }.map(\.text) == [Self.fallback])
        #expect(telegram.acceptedSends.filter { $0.chatID == 4001 }.count == 1)
        print("[measure] telegram poll taken over \(tookOver) after the kill (1 s beats, 3 s lease); the message sent meanwhile answered")

        // Since A died: its abandoned long poll is the only one a later poll ended (the
        // fake cannot tell a closed connection); B's polls never overlap each other.
        let after = telegram.pollSpans.filter { $0.start >= killed }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { $0.status == 200 }, "\(after.map(\.status))")
        #expect(Self.overlaps(after) == 0)
        #expect(telegram.pollSpans.filter { $0.status == 409 }.count <= 1)
        #expect(Self.lines(b, "telegram getUpdates conflict: a webhook is set or another poller runs; backing off").isEmpty, "\(b.logText)")

        // B stops cleanly and gives the lease up.
        b.signal(SIGTERM)
        #expect(b.waitForExit(timeout: 20) == 0)
        #expect(!Self.lines(b, "telegram polling lease given up").isEmpty,
                "\(b.logText.split(separator: "\n").filter { $0.contains("lease") || $0.contains("stop") }.joined(separator: "\n"))")
    }
}
