import Foundation
import SwitchboardTestSupport

/// A running host with one WhatsApp Web channel (`wa-web`, workspace `demo`) on a fake
/// Evolution API gateway. The host configures the gateway's webhook at start; the fake
/// then posts its webhooks to the host with the bearer secret.
final class EvolutionHarness: @unchecked Sendable {
    static let apiKey = "evo-test-key-31c8"
    static let secret = "evo-webhook-secret-8d02"

    let gateway: FakeEvolutionAPI
    let host: TestHost

    init(ratePerMinute: Int = 600, zombieAfterSeconds: Int = 300, workspaces: [String: String] = ["demo": TestWorkspaces.demo]) throws {
        gateway = try FakeEvolutionAPI(apiKey: Self.apiKey, instance: "demo")
        host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: """
            channels:
              - id: wa-web
                type: whatsapp_web
                gateway: evolution
                base_url: "\(gateway.baseURL)"
                api_key: \(Self.apiKey)
                instance: demo
                webhook_secret: \(Self.secret)
                workspace: demo
                rate_limit_per_minute: \(ratePerMinute)
                zombie_after_seconds: \(zombieAfterSeconds)
            """), workspaces: workspaces)
    }

    /// Starts the host and waits until it configured the gateway's webhook and found the
    /// session open (its first probe).
    func start() throws {
        try host.start()
        guard gateway.wait(until: { $0.webhook != nil && $0.stateCalls >= 1 }) else {
            throw HTTPClient.Failure(description: "the host did not configure the gateway; log:\n\(host.logText)")
        }
        _ = try waitForState("connected")
    }

    /// Waits for the channel to reach `state` (its "channel state changed" log line).
    @discardableResult
    func waitForState(_ state: String, skipping: Int = 0, timeout: Double = 45) throws -> [String: Any] {
        try host.waitForLog(timeout: timeout, skipping: skipping) {
            $0["message"] as? String == "channel state changed" && $0["to"] as? String == state && $0["channel"] as? String == "wa-web"
        }
    }

    var webhookPath: String { "/webhooks/evolution/wa-web" }

    /// Posts a body to the host's webhook directly, as the gateway would, with `secret`.
    func post(_ body: [UInt8], secret: String? = EvolutionHarness.secret, channel: String = "wa-web") throws -> HTTPClient.Response {
        var headers = ["Content-Type": "application/json"]
        if let secret { headers["Authorization"] = "Bearer \(secret)" }
        return try host.client.post("/webhooks/evolution/\(channel)", body: body, headers: headers)
    }

    static func text(_ body: String, from jid: String = "5511987654321@s.whatsapp.net", id: String = newID()) -> EvolutionFixtureMessage {
        var m = EvolutionFixtureMessage(id: id, remoteJid: jid, text: body)
        m.timestamp = Int(Date().timeIntervalSince1970)
        return m
    }

    static func newID() -> String { "3EB0" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).uppercased() }

    var database: TestDatabase { get throws { try TestDatabase(path: host.dir.appendingPathComponent("switchboard.db").path) } }

    func events(workspace: String = "demo") throws -> [String] {
        let r = try runSwitchboard(["events", "--config", host.configPath, "--workspace", workspace, "--limit", "1000000"], cwd: host.dir)
        return r.stdout.split(separator: "\n").map(String.init)
    }
}
