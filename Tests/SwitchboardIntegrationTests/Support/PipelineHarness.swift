import Foundation
import SwitchboardTestSupport

/// A running host wired to a fake Graph API: one Meta app (`main`), one number
/// (`WhatsAppFixtures.phoneNumberID`) on channel `wa-main`, plus whatever else the test
/// adds. Webhooks are posted signed with the app secret.
final class PipelineHarness: @unchecked Sendable {
    static let appSecret = "test-app-secret-5f2c"
    static let verifyToken = "test-verify-token-9a1"
    static let accessToken = "fake-access-token-77"

    let graph: FakeGraphAPI
    let host: TestHost

    /// `channels` defaults to one number routed to workspace `demo`.
    init(channels: String? = nil, workspaces: [String: String] = ["demo": TestWorkspaces.demo],
         extraHostYAML: String = "", accessToken: String = PipelineHarness.accessToken) throws {
        graph = try FakeGraphAPI(accessToken: Self.accessToken)
        host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: Self.appYAML(
            graphURL: graph.graphURL, channels: channels ?? Self.cloudChannel(accessToken: accessToken), extra: extraHostYAML)),
                            workspaces: workspaces)
    }

    /// One Cloud API number (`WhatsAppFixtures.phoneNumberID`) routed to workspace `demo`.
    static func cloudChannel(accessToken: String = PipelineHarness.accessToken) -> String {
        """
        channels:
          - id: wa-main
            type: whatsapp
            app: main
            phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
            access_token: \(accessToken)
            workspace: demo
        """
    }

    /// The host config's Meta app `main` on the fake Graph API at `graphURL`, then
    /// `channels` and `extra`: what `TestHost.minimalHostYAML(extra:)` adds.
    static func appYAML(graphURL: String, channels: String, extra: String) -> String {
        """
        whatsapp:
          apps:
            - id: main
              app_secret: \(appSecret)
              verify_token: \(verifyToken)
              graph_url: \(graphURL)
        \(channels)
        \(extra)
        """
    }

    func start() throws {
        try host.start()
        graph.setStatusCallback(url: webhookURL, appSecret: Self.appSecret, statuses: ["sent", "delivered", "read"])
    }

    /// Starts the host again on the same folder and database (after a kill), and points
    /// the fake's status webhooks at its new port (port 0 gives a new one each start:
    /// statuses posted to the old port would wait for nobody).
    func restart() throws {
        try host.restart()
        graph.setStatusCallback(url: webhookURL, appSecret: Self.appSecret, statuses: ["sent", "delivered", "read"])
    }

    var webhookURL: String { "http://127.0.0.1:\(host.port)/webhooks/whatsapp/main" }

    /// Posts signed inbound messages; returns the HTTP status.
    @discardableResult
    func post(_ messages: [FixtureMessage], phoneNumberID: String = WhatsAppFixtures.phoneNumberID) throws -> HTTPClient.Response {
        try Self.post(messages, phoneNumberID: phoneNumberID, via: host.client)
    }

    /// Posts signed inbound messages to the Cloud API webhook `client` reaches, as Meta would.
    static func post(_ messages: [FixtureMessage], phoneNumberID: String = WhatsAppFixtures.phoneNumberID,
                     via client: HTTPClient) throws -> HTTPClient.Response {
        let signed = WhatsAppFixtures.signedInbound(messages, phoneNumberID: phoneNumberID, appSecret: appSecret)
        return try client.post("/webhooks/whatsapp/main", body: signed.body,
                               headers: ["X-Hub-Signature-256": signed.signature, "Content-Type": "application/json"])
    }

    func text(_ body: String, from: String = "2348031234567", id: String = WhatsAppFixtures.newMessageID()) -> FixtureMessage {
        Self.text(body, from: from, id: id)
    }

    /// A customer's text message, with a new provider id unless `id` is given.
    static func text(_ body: String, from: String = "2348031234567", id: String = WhatsAppFixtures.newMessageID()) -> FixtureMessage {
        FixtureMessage(id: id, from: from, name: "Titi", timestamp: Int(Date().timeIntervalSince1970), content: .text(body))
    }

    /// Accepted sends (not mark-read) so far.
    var replies: [RecordedSend] { graph.acceptedSends }

    @discardableResult
    func waitForReplies(_ n: Int, timeout: Duration = .seconds(10)) -> Bool {
        graph.wait(timeout: timeout) { $0.acceptedSends.count >= n }
    }

    /// The journal of a workspace, as `switchboard events` prints it.
    func events(workspace: String = "demo", conversation: String? = nil) throws -> [String] {
        try Self.events(of: host, workspace: workspace, conversation: conversation)
    }

    /// The journal of a workspace as `switchboard events` prints it, through `host`'s config.
    static func events(of host: TestHost, workspace: String = "demo", conversation: String? = nil) throws -> [String] {
        var args = ["events", "--config", host.configPath, "--workspace", workspace, "--limit", "1000000"]
        if let conversation { args += ["--conversation", conversation] }
        let r = try runSwitchboard(args, cwd: host.dir)
        return r.stdout.split(separator: "\n").map(String.init)
    }
}
