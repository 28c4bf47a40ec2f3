import Foundation
import Testing
import SwitchboardTestSupport

/// Channels changed while the binary runs (`switchboard reload`): a Telegram bot token
/// revoked and replaced, a webhook secret replaced, a WhatsApp Web number moved to another
/// gateway, a bad new value refused with nothing changed, and a web chat added by a
/// reload listed with its state.
@Suite(.serialized) struct LiveChannelTests {
    static let newToken = "7000000001:AANewTokenAfterRevoke_456"

    static func reload(_ host: TestHost) throws -> CommandResult {
        try runSwitchboard(["reload", "--config", host.configPath], cwd: host.dir)
    }

    /// Rewrites the host's config file, each `(old, new)` in turn (each must be there).
    static func edit(_ host: TestHost, _ replacements: [(String, String)]) throws {
        var text = try String(contentsOfFile: host.configPath, encoding: .utf8)
        for (old, new) in replacements {
            #expect(text.contains(old), "the config lacks \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(toFile: host.configPath, atomically: true, encoding: .utf8)
    }

    /// The bot's token is revoked (@BotFather's /revoke) while the host long-polls: the
    /// update that arrives on the poll in flight is stored, its answer is refused and held
    /// (auth_failed); the new token in the config and a reload, and the held answer goes
    /// out with it, polling resumes on it from the confirmed offset, and every update is
    /// stored and answered exactly once, without a restart.
    @Test func aRevokedTelegramTokenReplacedByAReloadResumesPollingWithoutLosingOrRepeatingAnUpdate() throws {
        let h = try TelegramChannelTests.Harness(mode: "polling")
        let oldToken = h.telegram.token
        h.telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 500, chatID: 777, text: "are you open?"))
        try h.host.start()
        let pid = h.host.process.processIdentifier
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 1 })
        // The poll that confirms 500 is in flight, waiting for the next update.
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.pollOffsets.contains(501) })
        h.telegram.revokeToken(newToken: Self.newToken)
        h.telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 501, chatID: 777, text: "hello?"))
        _ = try h.host.waitForLog(timeout: 20) {
            $0["message"] as? String == "channel state changed" && $0["to"] as? String == "auth_failed"
        }
        // The answer waits in the outbox (refused by Telegram, or held once the poll's
        // 401 showed the channel as auth_failed).
        let db = try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path)
        for _ in 0..<1000 where try db.value("SELECT count(*) FROM outbox") != "1" { usleep(10_000) }
        #expect(try db.value("SELECT count(*) FROM outbox") == "1")
        #expect(h.telegram.acceptedSends.count == 1)

        try Self.edit(h.host, [(oldToken, Self.newToken)])
        let r = try Self.reload(h.host)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("credentials replaced: tg-demo"), "\(r.stdout)")
        #expect(!r.stdout.contains("needs a restart"), "\(r.stdout)")
        // The held answer goes out with the new token.
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 2 })
        h.telegram.enqueue(FakeTelegramBotAPI.textUpdate(id: 502, chatID: 778, text: "do you deliver?"))
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 3 })
        #expect(h.telegram.wait(timeout: .seconds(10)) { $0.pendingUpdates == 0 })
        // The new token polls from the offset the old one had confirmed up to (501 was
        // committed): nothing fetched twice, nothing skipped.
        let newPolls = h.telegram.polls.filter { $0.token == Self.newToken && $0.status != 401 }
        #expect(newPolls.first?.offset == 502, "\(newPolls.map { ($0.offset, $0.answered, $0.status) })")
        #expect(h.telegram.acceptedSends.map(\.chatID) == [777, 777, 778])
        let received = try h.events().filter { $0.contains(" received ") }
        #expect(received.count == 3, "\(received)")
        #expect((h.metric("switchboard_messages_duplicate_total{channel=\"tg-demo\",workspace=\"demo\"}") ?? "0") == "0")
        #expect(h.metric("switchboard_channel_state{channel=\"tg-demo\",state=\"connected\"}") == "1")
        #expect(h.host.process.processIdentifier == pid && h.host.process.isRunning)
        #expect(!h.host.logText.contains(Self.newToken))
    }

    /// Webhook mode: a token Telegram refuses, or one that is not a token, is refused by
    /// the reload and nothing changes (the bot keeps answering); a new token and secret
    /// are taken at once: setWebhook again with them, the old secret refused.
    @Test func aTelegramWebhookBotTakesANewTokenAndSecretAndABadTokenIsRefused() throws {
        let h = try TelegramChannelTests.Harness()
        try h.host.start()
        #expect(h.telegram.wait { $0.webhook != nil })
        let oldToken = h.telegram.token
        let wrong = "7000000001:AAWrongTokenNobodyIssued_789"

        try Self.edit(h.host, [(oldToken, wrong)])
        let bad = try Self.reload(h.host)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("channels[tg-demo]: Telegram refused the new bot_token"), "\(bad.stderr)")
        #expect(bad.stderr.contains("the channel keeps its running token"), "\(bad.stderr)")
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 1, chatID: 42, text: "hi")).status == 200)
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 1 })

        try Self.edit(h.host, [(wrong, "not-a-token")])
        let malformed = try Self.reload(h.host)
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("'bot_token' must be a bot token"), "\(malformed.stderr)")

        h.telegram.revokeToken(newToken: Self.newToken)
        let newSecret = "tg-new-secret_77"
        try Self.edit(h.host, [("not-a-token", Self.newToken),
                               ("secret_token: \(TelegramChannelTests.secret)", "secret_token: \(newSecret)")])
        let good = try Self.reload(h.host)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("credentials replaced: tg-demo"), "\(good.stdout)")
        #expect(!good.stdout.contains("needs a restart"), "\(good.stdout)")
        // setWebhook again, with the new token (the fake takes no other) and the new secret.
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.webhook?.secret == newSecret })
        #expect(h.telegram.webhook?.url == TelegramChannelTests.webhookURL)
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 2, chatID: 43, text: "hello"), secret: TelegramChannelTests.secret).status == 401)
        #expect(try h.post(FakeTelegramBotAPI.textUpdate(id: 3, chatID: 43, text: "hello"), secret: newSecret).status == 200)
        #expect(h.telegram.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 2 })
        #expect(h.telegram.acceptedSends.last?.chatID == 43)
        #expect(!h.host.logText.contains(newSecret))
    }

    /// A WhatsApp Web number moves to another gateway (URL, key and instance) while its
    /// old gateway is gone and replies wait: a wrong key is refused by the reload and
    /// nothing changes; the right one, and the host configures the new instance's
    /// webhook, finds the session open and sends what was held, in order, through it.
    @Test func aWhatsAppWebNumberMovedToAnotherGatewayByAReloadSendsWhatWasHeld() throws {
        let h = try EvolutionHarness()
        try h.start()
        #expect(h.gateway.postMessage(EvolutionHarness.text("first"))?.status == 200)
        #expect(h.gateway.wait { $0.acceptedSends.count == 1 })
        let db = try h.database
        let sentCount = "SELECT count(*) FROM messages WHERE direction = 'outbound' AND status = 'sent'"
        for _ in 0..<1000 where try db.value(sentCount) != "1" { usleep(10_000) }
        #expect(try db.value(sentCount) == "1")

        // The old gateway is gone; three messages it delivered just before are answered and held.
        try h.gateway.setDown(true)
        for i in 1...3 {
            #expect(try h.post(EvolutionFixtures.upsert(EvolutionHarness.text("while moving \(i)"), instance: "demo")).status == 200)
        }
        try h.waitForState("connecting")
        for _ in 0..<1000 where try db.value("SELECT count(*) FROM outbox") != "3" { usleep(10_000) }
        #expect(try db.value("SELECT count(*) FROM outbox") == "3")

        let newKey = "evo-new-key-77aa"
        let next = try FakeEvolutionAPI(apiKey: newKey, instance: "demo-2")
        try Self.edit(h.host, [("base_url: \"\(h.gateway.baseURL)\"", "base_url: \"\(next.baseURL)\""),
                               ("api_key: \(EvolutionHarness.apiKey)", "api_key: wrong-key"),
                               ("instance: demo\n", "instance: demo-2\n")])
        let bad = try Self.reload(h.host)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("channels[wa-web]: the gateway refused the new settings"), "\(bad.stderr)")
        #expect(next.webhook == nil)
        #expect(next.requests.count == 1) // the check's one GET connectionState, nothing else

        try Self.edit(h.host, [("api_key: wrong-key", "api_key: \(newKey)")])
        let good = try Self.reload(h.host)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("credentials replaced: wa-web"), "\(good.stdout)")
        #expect(!good.stdout.contains("needs a restart"), "\(good.stdout)")
        #expect(next.wait(timeout: .seconds(30)) { $0.acceptedSends.count == 3 },
                "\(next.requests.map { "\($0.method) \($0.path)" }) \(h.host.logText.split(separator: "\n").filter { !$0.contains("\"debug\"") }.suffix(40).joined(separator: "\n"))")
        let hook = try #require(next.webhook)
        #expect(hook.url == "http://127.0.0.1:\(h.host.port)/webhooks/evolution/wa-web")
        #expect(hook.headers["Authorization"] == "Bearer \(EvolutionHarness.secret)")
        #expect(next.requests.dropFirst().allSatisfy { $0.apikey == newKey })
        #expect(h.gateway.acceptedSends.count == 1)
        // In order: the stored replies' keys are the first gateway's, then the new one's.
        for _ in 0..<400 where try db.value("SELECT count(*) FROM outbox") != "0" { usleep(10_000) }
        let stored = try db.rows("SELECT provider_message_id FROM messages WHERE direction = 'outbound' ORDER BY seq").map { $0[0] ?? "" }
        #expect(stored == h.gateway.acceptedSends.map { $0.keyID ?? "-" } + next.acceptedSends.map { $0.keyID ?? "-" })
        // The new gateway's webhooks are taken and answered; the old instance's are not.
        #expect(next.postMessage(EvolutionHarness.text("hello from the new gateway"))?.status == 200)
        #expect(next.wait(timeout: .seconds(15)) { $0.acceptedSends.count == 4 })
        #expect(try h.post(EvolutionFixtures.upsert(EvolutionHarness.text("stale"), instance: "demo")).status == 400)
        #expect(!h.host.logText.contains(newKey))
    }

    /// A web chat channel added by a reload is listed with its live state by the inbox's
    /// `GET /channels` and by `switchboard channels`, like one of the start.
    @Test func aWebChatAddedByAReloadIsListedWithItsState() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", host.configPath], cwd: host.dir)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try host.start()
        func listed() throws -> [[String: Any]] {
            let r = try host.client.get("/api/v1/channels", headers: ["Authorization": "Bearer \(token)"])
            #expect(r.status == 200)
            return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["channels"] as? [[String: Any]] ?? []
        }
        #expect(try listed().isEmpty)
        let text = try String(contentsOfFile: host.configPath, encoding: .utf8)
        try (text + "\nchannels:\n  - id: web-demo\n    type: webchat\n    workspace: demo\n")
            .write(toFile: host.configPath, atomically: true, encoding: .utf8)
        let reload = try Self.reload(host)
        #expect(reload.status == 0, "\(reload.stderr)")
        let list = try listed()
        #expect(list.map { $0["id"] as? String } == ["web-demo"], "\(list)")
        #expect(list.first?["type"] as? String == "webchat")

        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        let posted = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"hello\"}".utf8),
                                          headers: ["Content-Type": "application/json"])
        #expect(posted.status == 202)
        #expect(stream.read(timeout: 10) { lines in lines.contains { $0.contains("We will get back to you shortly") } }, "\(stream.text)")
        var state: String?
        for _ in 0..<200 {
            state = try listed().first?["state"] as? String
            if state == "connected" { break }
            usleep(50_000)
        }
        #expect(state == "connected")
        var cli = try runSwitchboard(["channels", "--config", host.configPath], cwd: host.dir)
        for _ in 0..<100 where !cli.stdout.contains("web-demo webchat workspace=demo state=connected") {
            usleep(50_000)
            cli = try runSwitchboard(["channels", "--config", host.configPath], cwd: host.dir)
        }
        #expect(cli.stdout.contains("web-demo webchat workspace=demo state=connected"), "\(cli.stdout)")
        #expect(cli.status == 0)
    }
}
