import Foundation
import Testing
import SwitchboardTestSupport

/// Two `switchboard serve` processes on one PostgreSQL, both sending through one Cloud
/// API channel (`rate_limit: 5`) to the fake Graph API: the sends the fake receives keep
/// the channel's rate in total (issue 15: "a channel's rate limit holds across hosts").
/// Each host sends the replies to the messages it received (its worker hands them to its
/// own sender), so both send; with each host limiting on its own they would go out at 10/s.
@Suite(.serialized) struct PostgresSharedRateTests {
    static let channel = """
        channels:
          - id: wa-main
            type: whatsapp
            app: main
            phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
            access_token: \(PipelineHarness.accessToken)
            workspace: demo
            rate_limit: 5
        """

    /// `host`'s config with `storage.sqlite` replaced by `storage.postgres: url`.
    static func usePostgres(_ host: TestHost, url: String) throws {
        let text = try String(contentsOfFile: host.configPath, encoding: .utf8)
        let sqlite = "sqlite: \(host.dir.path)/switchboard.db"
        #expect(text.contains(sqlite))
        try text.replacingOccurrences(of: sqlite, with: "postgres: \"\(url)\"")
            .write(toFile: host.configPath, atomically: true, encoding: .utf8)
    }

    @Test func twoHostsKeepTheChannelsRateTogether() throws {
        let url = try TestPostgres.freshDatabase(prefix: "rate2")
        let workspaces = ["demo": ResponderPipelineTests.bakeryWithoutLLM]
        let a = try PipelineHarness(channels: Self.channel, workspaces: workspaces)
        try Self.usePostgres(a.host, url: url)
        // Host B: the same app, channel and workspaces, its own folder and port.
        let b = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: """
            whatsapp:
              apps:
                - id: main
                  app_secret: \(PipelineHarness.appSecret)
                  verify_token: \(PipelineHarness.verifyToken)
                  graph_url: \(a.graph.graphURL)
            \(Self.channel)
            """), workspaces: workspaces)
        try Self.usePostgres(b, url: url)
        try a.start()
        try b.start()

        // 40 customers ask at once, half through each host.
        let n = 40
        for i in 0..<n {
            let message = a.text("wen r u open on saturday?", from: "23480310000\(String(format: "%02d", i))")
            let signed = WhatsAppFixtures.signedInbound([message], phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                        appSecret: PipelineHarness.appSecret)
            let client = i % 2 == 0 ? a.host.client : b.client
            let r = try client.post("/webhooks/whatsapp/main", body: signed.body,
                                    headers: ["X-Hub-Signature-256": signed.signature, "Content-Type": "application/json"])
            #expect(r.status == 200)
        }
        #expect(a.waitForReplies(n, timeout: .seconds(60)), "\(a.replies.count) of \(n) replies")
        let times = a.replies.map { $0.time.timeIntervalSince1970 }.sorted()
        guard times.count >= n else { return }
        // A token bucket of 5 (a second's worth) refilled at 5/s: at most 5 + 5 × w in any
        // w seconds. Margin: one send (the fake stamps arrival, after the network).
        var busiest = 0, j = 0
        for i in times.indices {
            while j < times.count && times[j] < times[i] + 1 { j += 1 }
            busiest = max(busiest, j - i)
        }
        #expect(busiest <= 10 + 1, "\(busiest) sends in one second")
        let span = times[n - 1] - times[0]
        #expect(span >= Double(n - 5) / 5 - 0.5, "\(n) sends in \(span) s: faster than 5/s")
        // Both hosts sent (each the replies to what it received): their journal lines.
        // (Their log lines come through a pipe: wait for them.)
        func sent(_ host: TestHost) -> Int { host.logText.components(separatedBy: "\"message\":\"message sent\"").count - 1 }
        let deadline = Date().addingTimeInterval(10)
        while sent(a.host) + sent(b) < n && Date() < deadline { usleep(50_000) }
        let (sentA, sentB) = (sent(a.host), sent(b))
        #expect(sentA > 0 && sentB > 0 && sentA + sentB == n, "host A sent \(sentA), host B \(sentB)")
    }
}
