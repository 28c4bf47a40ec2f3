import Foundation
import Testing
import SwitchboardTestSupport

/// Every channel's health, through the real binary: the Cloud API's active probe finds a
/// revoked token before any customer writes; the change shows in /metrics, the journal
/// of the channel's workspace and `switchboard channels` (exit status 3 while a channel
/// is down).
@Suite(.serialized) struct ChannelHealthTests {
    func metric(_ host: TestHost, _ line: String) -> String? {
        guard let text = try? host.metricsClient.get("/metrics").text else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.map { String($0.dropFirst(line.count + 1)) }
    }

    func harness(token: String, probe: Int) throws -> PipelineHarness {
        try PipelineHarness(channels: """
            channels:
              - id: wa-main
                type: whatsapp
                app: main
                phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
                access_token: \(token)
                workspace: demo
                probe_interval_seconds: \(probe)
              - id: web-demo
                type: webchat
                workspace: demo
            """)
    }

    @Test func theProbeFindsARevokedTokenBeforeACustomerWrites() throws {
        let h = try harness(token: "a-revoked-token-789", probe: 1)
        try h.start()
        #expect(h.graph.wait(timeout: .seconds(15)) { _ in
            metric(h.host, "switchboard_channel_state{channel=\"wa-main\",state=\"auth_failed\"}") == "1"
        })
        // Found by the probe (a GET of the number), not by a send: nobody wrote.
        #expect(h.graph.sends.isEmpty)
        #expect(h.graph.requests.contains { $0.method == "GET" && $0.path == "/\(WhatsAppFixtures.phoneNumberID)" })
        // Journalled in the channel's workspace, and recorded for `switchboard channels`.
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in
            ((try? h.events()) ?? []).contains { $0.contains(" channel_state ") && $0.contains("auth_failed") }
        })
        let listed = try runSwitchboard(["channels", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(listed.status == 3)
        let line = listed.stdout.split(separator: "\n").first { $0.hasPrefix("wa-main ") }.map(String.init) ?? ""
        #expect(line.contains("whatsapp workspace=demo state=auth_failed"), "\(listed.stdout)")
        #expect(line.contains("reason="))
        #expect(listed.stdout.contains("web-demo webchat workspace=demo state=starting"))
        #expect(!h.host.logText.contains("a-revoked-token-789"))
    }

    @Test func aHealthyChannelIsListedUpAfterItsFirstSend() throws {
        let h = try harness(token: PipelineHarness.accessToken, probe: 0)
        try h.start()
        #expect(try h.post([h.text("hello")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in
            let r = try? runSwitchboard(["channels", "--config", h.host.configPath, "--json"], cwd: h.host.dir)
            return r?.stdout.contains("\"id\":\"wa-main\",\"since\"") == true && r?.stdout.contains("\"state\":\"connected\"") == true
        })
        let listed = try runSwitchboard(["channels", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(listed.status == 0)
        #expect(metric(h.host, "switchboard_channel_state{channel=\"wa-main\",state=\"connected\"}") == "1")
    }
}
