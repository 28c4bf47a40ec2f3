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

    @Test func twoHostsKeepTheChannelsRateTogether() throws {
        // Hosts A and B: the same app, channel and workspaces, each its own folder and port.
        let cluster = try HostCluster(count: 2, prefix: "rate2", workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM],
                                      channels: Self.channel)
        let (a, b) = (cluster.hosts[0], cluster.hosts[1])
        try cluster.start()
        defer { cluster.stop() }

        // 40 customers ask at once, half through each host.
        let n = 40
        for i in 0..<n {
            let message = HostCluster.text("wen r u open on saturday?", from: "23480310000\(String(format: "%02d", i))")
            #expect(try cluster.post([message], to: i % 2).status == 200)
        }
        #expect(cluster.graph.wait(timeout: .seconds(60)) { $0.acceptedSends.count >= n }, "\(cluster.replies.count) of \(n) replies")
        let times = cluster.replies.map { $0.time.timeIntervalSince1970 }.sorted()
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
        while sent(a) + sent(b) < n && Date() < deadline { usleep(50_000) }
        let (sentA, sentB) = (sent(a), sent(b))
        #expect(sentA > 0 && sentB > 0 && sentA + sentB == n, "host A sent \(sentA), host B \(sentB)")
    }
}
