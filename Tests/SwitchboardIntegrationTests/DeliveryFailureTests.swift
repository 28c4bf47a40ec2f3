import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import SwitchboardTestSupport

/// How the host behaves when the Graph API fails: each error class, a provider down for
/// a while, credentials refused. Retries are made fast through the outbox settings.
@Suite(.serialized) struct DeliveryFailureTests {
    static let fastOutbox = """
        outbox:
          retry_base_ms: 20
          retry_cap_ms: 200
          max_attempts: 8
          breaker_failures: 3
          breaker_cooldown_ms: 300
          pair_spacing_ms: 0
        """

    /// A workspace whose FAQ answers "alpha", "bravo", "charlie" with distinct texts, so
    /// the order of replies can be read at the provider.
    static let ordered = """
        id: demo
        name: Demo
        region: NG
        timezone: Africa/Lagos
        fallback: "Fallback"
        plugins:
          - name: faq
            config:
              entries:
                - {id: a, questions: ["alpha"], answer: "Reply A"}
                - {id: b, questions: ["bravo"], answer: "Reply B"}
                - {id: c, questions: ["charlie"], answer: "Reply C"}
        """

    func harness(accessToken: String = PipelineHarness.accessToken) throws -> PipelineHarness {
        try PipelineHarness(workspaces: ["demo": Self.ordered], extraHostYAML: Self.fastOutbox, accessToken: accessToken)
    }

    func kinds(_ h: PipelineHarness) throws -> [String] {
        try h.events().map { String($0.split(separator: " ")[1]) }
    }

    /// Waits until the journal has `count` events of `kind` and returns every kind; a
    /// timeout is a test failure, reported at the caller.
    func waitForEvent(_ h: PipelineHarness, _ kind: String, count: Int = 1, timeout: Double = 15,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let end = Date().addingTimeInterval(timeout)
        while true {
            let k = try kinds(h)
            if k.filter({ $0 == kind }).count >= count { return k }
            if Date() >= end {
                Issue.record("no \(count) '\(kind)' events in the journal after \(timeout) s; kinds: \(k)", sourceLocation: sourceLocation)
                return k
            }
            usleep(50_000)
        }
    }

    /// The metric line's value, if the host reports it.
    func metric(_ h: PipelineHarness, _ line: String) -> String? {
        guard let text = try? h.host.metricsClient.get("/metrics").text else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.map { String($0.dropFirst(line.count + 1)) }
    }

    @Test(arguments: [FakeGraphFailure.serverError, .htmlBadGateway, .throughputLimit, .reset])
    func retryableFailuresAreRetriedUntilSent(_ failure: FakeGraphFailure) throws {
        let h = try harness()
        try h.start()
        h.graph.failNext(2, with: failure)
        #expect(try h.post([h.text("alpha")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.map(\.text) == ["Reply A"])
        let k = try waitForEvent(h, "sent")
        #expect(k.filter { $0 == "retry_scheduled" }.count == 2)
        #expect(k.filter { $0 == "sent" }.count == 1)
        let metrics = try h.host.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_send_retries_total{channel=\"wa-main\",workspace=\"demo\"} 2"))
        #expect(metrics.contains("switchboard_messages_sent_total{channel=\"wa-main\",workspace=\"demo\"} 1"))
    }

    @Test func reengagementIsRecordedAsFailedAndNotRetried() throws {
        let h = try harness()
        try h.start()
        h.graph.failNext(1, with: .reengagement)
        #expect(try h.post([h.text("alpha")]).status == 200)
        let events = try waitForEvent(h, "failed")
        #expect(events.contains("failed"))
        // A later reply in the same conversation is the barrier: replies of a conversation
        // go out in order, so a retry of the failed one would reach the provider first.
        #expect(try h.post([h.text("bravo")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.graph.sends.filter { !$0.isMarkRead }.map(\.text) == ["Reply A", "Reply B"])
        let line = try #require(try h.events().first { $0.contains(" failed ") })
        #expect(line.contains("\"reengagement\":\"true\""))
        #expect(line.contains("131047"))
    }

    @Test func aPermanentErrorFailsTheMessageAndTheNextOneStillGoes() throws {
        let h = try harness()
        try h.start()
        h.graph.failNext(1, with: .invalidParameter)
        #expect(try h.post([h.text("alpha")]).status == 200)
        _ = try waitForEvent(h, "failed")
        #expect(try h.post([h.text("bravo")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.map(\.text) == ["Reply B"])
    }

    @Test func theProviderDownForAWhileThenBackDeliversEverythingInOrder() throws {
        let h = try harness()
        try h.start()
        try h.graph.setDown(true)
        let customers = ["2348031110001", "2348031110002", "2348031110003"]
        for word in ["alpha", "bravo", "charlie"] {
            for c in customers { #expect(try h.post([h.text(word, from: c)]).status == 200) }
        }
        // Down until the sender has felt it: its breaker opened.
        _ = try h.host.waitForLog(timeout: 20) { $0["message"] as? String == "circuit breaker opened: provider calls paused" }
        #expect(h.replies.isEmpty)
        try h.graph.setDown(false)
        #expect(h.waitForReplies(9, timeout: .seconds(30)))
        for c in customers {
            #expect(h.replies.filter { $0.to == c }.map(\.text) == ["Reply A", "Reply B", "Reply C"], "order for \(c)")
        }
        #expect(h.replies.count == 9)
        // The channel went degraded and its breaker opened while the provider was down,
        // then closed again.
        #expect(h.host.logLines.contains { $0["message"] as? String == "channel state changed" && $0["to"] as? String == "degraded" })
        #expect(h.host.logLines.contains { $0["message"] as? String == "circuit breaker opened: provider calls paused" })
        #expect(h.host.logLines.contains { $0["message"] as? String == "circuit breaker closed: provider answers again" })
    }

    @Test func refusedCredentialsHoldMessagesUntilTheTokenIsFixed() throws {
        let h = try harness(accessToken: "an-expired-token-123")
        try h.start()
        #expect(try h.post([h.text("alpha")]).status == 200)
        #expect(try h.post([h.text("bravo", from: "2348039990000")]).status == 200)
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "channel credentials refused; sending paused, messages held until the access token is replaced" }
        // Both replies are in the outbox, held.
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in
            metric(h, "switchboard_outbox_depth{channel=\"wa-main\"}") == "2"
        })
        #expect(metric(h, "switchboard_channel_state{channel=\"wa-main\",state=\"auth_failed\"}") == "1")
        // At most one refused call per held reply (a lane that had taken the other reply
        // before the pause may still be in its call), then nothing: the sender holds.
        #expect((1...2).contains(h.graph.sends.count))
        // A third customer's reply is the barrier: once it is queued (the outbox holds 3),
        // a sender that did not hold would have been woken for it; still no call for it,
        // and no reply tried twice.
        #expect(try h.post([h.text("charlie", from: "2348039990001")]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in
            metric(h, "switchboard_outbox_depth{channel=\"wa-main\"}") == "3"
        })
        _ = try waitForEvent(h, "queued", count: 3)
        let recipients = h.graph.sends.map { $0.json["to"] as? String ?? "?" }
        #expect(recipients.count == Set(recipients).count, "a held reply was tried twice: \(recipients)")
        #expect(!recipients.contains("2348039990001"), "the reply queued while held was sent: \(recipients)")
        #expect((1...2).contains(recipients.count))
        #expect(h.replies.isEmpty)
        let metrics = try h.host.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_channel_state{channel=\"wa-main\",state=\"auth_failed\"} 1"))
        #expect(metrics.contains("switchboard_outbox_depth{channel=\"wa-main\"} 3"))

        // The admin fixes the token and restarts: the held messages go out.
        let config = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "an-expired-token-123", with: PipelineHarness.accessToken)
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        try h.restart()
        #expect(h.waitForReplies(3))
        #expect(Set(h.replies.compactMap(\.text)) == ["Reply A", "Reply B", "Reply C"])
        #expect(!h.host.logText.contains("an-expired-token-123"))
    }

    @Test func aConfigReloadWithTheFixedTokenSendsTheHeldMessages() throws {
        let h = try harness(accessToken: "an-expired-token-456")
        try h.start()
        #expect(try h.post([h.text("alpha")]).status == 200)
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "channel credentials refused; sending paused, messages held until the access token is replaced" }
        #expect(h.replies.isEmpty)

        // A broken config is refused and changes nothing.
        let good = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        try (good + "\nbogus: 1\n").write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        h.host.signal(SIGHUP)
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "config reload refused; the running config stays" }
        #expect(h.replies.isEmpty)

        // The admin fixes the token and sends SIGHUP: the held reply goes out, no restart.
        try good.replacingOccurrences(of: "an-expired-token-456", with: PipelineHarness.accessToken)
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        h.host.signal(SIGHUP)
        #expect(h.waitForReplies(1))
        #expect(h.replies.map(\.text) == ["Reply A"])
        #expect(h.host.process.isRunning)
        #expect(h.host.logLines.contains { $0["message"] as? String == "config reloaded" && $0["credentials_replaced"] as? String == "wa-main" })
        #expect(!h.host.logText.contains("an-expired-token-456"))
    }
}
