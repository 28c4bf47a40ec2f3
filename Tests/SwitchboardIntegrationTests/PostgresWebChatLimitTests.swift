import Foundation
import Testing
import SwitchboardTestSupport

/// Two `switchboard serve` hosts on one PostgreSQL: a visitor's posts to the web chat
/// count on both (`WebChatPostLimits` in the store's shared meters), so posting through
/// both hosts behind a balancer gives one allowance (a burst of 20, then 2 a second),
/// not one per host.
@Suite(.serialized) struct PostgresWebChatLimitTests {
    @Test func aVisitorsPostLimitHoldsAcrossHosts() throws {
        let url = try TestPostgres.freshDatabase(prefix: "chatlimit")
        let yaml = TestHost.minimalHostYAML(extra: WebChatTests.hostExtra)
            .replacingOccurrences(of: "sqlite: $DIR/switchboard.db", with: "postgres: \"\(url)\"")
        let a = try TestHost(hostYAML: yaml, workspaces: ["demo": TestWorkspaces.demo])
        try a.start()
        let b = try TestHost(hostYAML: try String(contentsOfFile: a.configPath, encoding: .utf8))
        try b.start()

        // 40 posts from one address, every other one through each host (round robin),
        // each from another visitor (the limit is the address's; one visitor's messages
        // through two hosts at once contend for its conversation's rows).
        var statuses: [Int] = []
        let started = ContinuousClock.now
        for i in 0..<40 {
            let host = i % 2 == 0 ? a : b
            let body = Array("{\"visitor\":\"flooder-\(1000 + i)\",\"text\":\"spam \(i)\"}".utf8)
            statuses.append(try host.client.post("/chat/demo/messages", body: body).status)
        }
        let elapsed = (ContinuousClock.now - started).inSeconds
        let accepted = statuses.filter { $0 == 202 }.count
        #expect(statuses.prefix(20).allSatisfy { $0 == 202 }, "\(statuses)")
        // One bucket for both hosts: the burst of 20 plus 2 a second of refill. Two
        // buckets (one per host) would take all 40 in under 10 s.
        let allowance = 20 + Int((2 * elapsed).rounded(.up)) + 1
        #expect(accepted <= allowance, "\(accepted) posts taken in \(elapsed) s through two hosts (one allowance: \(allowance)): \(statuses)")
        #expect(statuses.filter { $0 == 429 }.count >= 40 - allowance, "\(statuses)")
        // Refused on both hosts, not only on one.
        #expect(statuses.enumerated().contains { $0.offset % 2 == 0 && $0.element == 429 }, "\(statuses)")
        #expect(statuses.enumerated().contains { $0.offset % 2 == 1 && $0.element == 429 }, "\(statuses)")
        print("[measure] web chat posts through two hosts: \(accepted) of 40 taken in \(elapsed) s")
    }
}
