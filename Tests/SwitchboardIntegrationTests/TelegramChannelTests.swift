import Foundation
import Testing
import SwitchboardTestSupport

/// A Telegram bot channel through the real binary against the fake Bot API: webhook mode
/// (setWebhook at start, the secret checked, update_id deduplicated), long polling (the
/// offset confirmed only after the commit), the Bot API's 429 honoured and its one
/// message a second per chat kept, and bad input refused with nothing stored.
@Suite(.serialized) struct TelegramChannelTests {
    static let secret = "tg-secret_token-42"
    static let webhookURL = "https://bot.example.test/webhooks/telegram/tg-demo"
    static let fallback = "Thanks! We will get back to you shortly."

    final class Harness: @unchecked Sendable {
        let telegram: FakeTelegramBotAPI
        let host: TestHost

        init(mode: String = "webhook") throws {
            telegram = try FakeTelegramBotAPI()
            let modeYAML = mode == "webhook"
                ? "secret_token: \(TelegramChannelTests.secret)\n    webhook_url: \(TelegramChannelTests.webhookURL)"
                : "mode: polling"
            host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: """
                outbox:
                  retry_base_ms: 20
                  retry_cap_ms: 200
                channels:
                  - id: tg-demo
                    type: telegram
                    bot_token: "\(telegram.token)"
                    api_url: \(telegram.apiURL)
                    workspace: demo
                    \(modeYAML)
                """), workspaces: ["demo": TestWorkspaces.demo])
        }

        func post(_ body: String, secret: String? = TelegramChannelTests.secret, channel: String = "tg-demo") throws -> HTTPClient.Response {
            var headers = ["Content-Type": "application/json"]
            if let secret { headers["X-Telegram-Bot-Api-Secret-Token"] = secret }
            return try host.client.post("/webhooks/telegram/\(channel)", body: Array(body.utf8), headers: headers)
        }

        func events() throws -> [String] {
            let r = try runSwitchboard(["events", "--config", host.configPath, "--workspace", "demo", "--limit", "100000"], cwd: host.dir)
            return r.stdout.split(separator: "\n").map(String.init)
        }

        func metric(_ line: String) -> String? {
            guard let text = try? host.metricsClient.get("/metrics").text else { return nil }
            return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.map { String($0.dropFirst(line.count + 1)) }
        }
    }

    @Test func webhookMessageInAnswerOutOnceEvenWhenDeliveredTwice() throws {
        let h = try Harness()
        try h.host.start()
        // setWebhook at start, with our secret.
        #expect(h.telegram.wait { $0.webhook != nil })
        #expect(h.telegram.webhook?.url == Self.webhookURL)
        #expect(h.telegram.webhook?.secret == Self.secret)

        let update = FakeTelegramBotAPI.textUpdate(id: 872349001, chatID: 123456789, text: "hello bot")
        #expect(try h.post(update).status == 200)
        #expect(try h.post(update).status == 200)   // Telegram redelivers: the same update_id
        // A second, distinct update is the barrier: once its answer is out, a duplicate
        // answer to the first would have been too.
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 872349002, chatID: 123456789, text: "again")).status == 200)
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count >= 2 })
        let sends = h.telegram.acceptedSends
        #expect(sends.count == 2)
        #expect(sends.allSatisfy { $0.chatID == 123456789 && $0.text == Self.fallback })
        #expect(h.metric("switchboard_messages_duplicate_total{channel=\"tg-demo\",workspace=\"demo\"}") == "1")
        #expect(h.metric("switchboard_channel_state{channel=\"tg-demo\",state=\"connected\"}") == "1")
        // One contact for the chat, named from the update.
        let received = try h.events().filter { $0.contains(" received ") }
        #expect(received.count == 2)
    }

    @Test func badInputIsRefusedAndNothingIsStored() throws {
        let h = try Harness()
        try h.host.start()
        let update = FakeTelegramBotAPI.textUpdate(id: 1, chatID: 42, text: "hi")
        #expect(try h.post(update, secret: nil).status == 401)
        #expect(try h.post(update, secret: "not-the-secret").status == 401)
        #expect(try h.post(update, channel: "nobody").status == 404)
        #expect(try h.post("{\"update_id\": 3, \"message\": ", secret: Self.secret).status == 400)
        #expect(try h.post("{\"message\": {\"chat\": {\"id\": 1}}}").status == 400)
        #expect(try h.post("[1,2,3]").status == 400)
        let big = "{\"update_id\": 5, \"message\": {\"chat\": {\"id\": 1}, \"text\": \"" + String(repeating: "x", count: 300_000) + "\"}}"
        #expect(try h.post(big).status == 413)
        // An update type we skip is acknowledged and stores nothing either.
        #expect(try h.post("{\"update_id\": 6, \"my_chat_member\": {}}").status == 200)
        // (The workspace's sync and the channel's own state changes are journalled too.)
        let events = try h.events().filter { !$0.contains(" workspace_synced ") && !$0.contains(" channel_state ") }
        #expect(events.isEmpty, "\(events)")
        #expect(h.telegram.sends.isEmpty)
        #expect(h.metric("switchboard_webhooks_total{app=\"tg-demo\",outcome=\"bad_signature\"}") == "2")
    }

    @Test func pollingAnswersAndConfirmsTheOffsetOnlyAfterTheCommit() throws {
        let h = try Harness(mode: "polling")
        h.telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 500, chatID: 777, text: "are you open?"))
        h.telegram.enqueue(FakeTelegramBotAPI.callbackUpdate(id: 501, chatID: 778, data: "Opening hours"))
        try h.host.start()
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count >= 2 })
        #expect(Set(h.telegram.acceptedSends.map(\.chatID)) == [777, 778])
        // The next poll carries offset 502: both updates are confirmed and forgotten.
        #expect(h.telegram.wait(timeout: .seconds(10)) { $0.pendingUpdates == 0 })
        #expect(h.telegram.pollOffsets.first == .some(nil))
        #expect(h.telegram.pollOffsets.contains(502))
        #expect(h.telegram.calls.contains { $0.method == "deleteWebhook" })
        let interactive = try h.events().filter { $0.contains(" received ") && $0.contains("interactive") }
        #expect(interactive.count == 1)
    }

    @Test func aTooManyRequestsAnswerIsRetriedNoSoonerThanRetryAfter() throws {
        let h = try Harness()
        h.telegram.failNext(1, with: .tooManyRequests(retryAfter: 2))
        try h.host.start()
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 10, chatID: 99, text: "hi")).status == 200)
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count >= 1 })
        let sends = h.telegram.sends
        #expect(sends.count == 2)
        #expect(sends.first?.answeredStatus == 429)
        if sends.count == 2 {
            #expect(sends[0].time.duration(to: sends[1].time) >= .seconds(2))
        }
    }

    @Test func oneMessageASecondPerChat() throws {
        let h = try Harness()
        try h.host.start()
        for i in 0..<3 {
            #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 20 + Int64(i), chatID: 55, text: "msg \(i)")).status == 200)
        }
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count >= 3 })
        let times = h.telegram.acceptedSends.map(\.time)
        for i in 1..<times.count {
            #expect(times[i - 1].duration(to: times[i]) >= .milliseconds(950), "gap \(i)")
        }
    }
}
