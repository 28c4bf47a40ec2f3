import Foundation
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Two `switchboard serve` hosts on one PostgreSQL database with one WhatsApp Web channel
/// (the fake Evolution gateway): one host supervises the session at a time (a lease),
/// the other's replies wait in the outbox for it, and when the owner is killed the other
/// takes the session within the lease's time and sends what waited, once.
@Suite(.serialized) struct PostgresSessionLeaseTests {
    static let supervising = "this host supervises the whatsapp web session now"
    static let hours = "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays."

    static func yaml(gateway: FakeEvolutionAPI, url: String) -> String {
        HostCluster.hostYAML(url: url, extra: """
            channels:
              - id: wa-web
                type: whatsapp_web
                gateway: evolution
                base_url: "\(gateway.baseURL)"
                api_key: \(EvolutionHarness.apiKey)
                instance: demo
                webhook_secret: \(EvolutionHarness.secret)
                workspace: demo
                rate_limit_per_minute: 600
            """)
    }

    /// Posts a customer's message to `host`'s Evolution webhook, as the gateway would.
    static func post(_ host: TestHost, from jid: String) throws -> Int {
        let body = EvolutionFixtures.upsert(EvolutionHarness.text("wen r u open on saturday?", from: jid), instance: "demo")
        return try host.client.post("/webhooks/evolution/wa-web", body: body,
                                    headers: ["Content-Type": "application/json", "Authorization": "Bearer \(EvolutionHarness.secret)"]).status
    }

    static func lines(_ host: TestHost, _ message: String) -> [[String: Any]] {
        host.logLines.filter { $0["message"] as? String == message }
    }

    @Test func oneHostSupervisesAndAnotherTakesOverWhenItDies() throws {
        let url = try TestPostgres.freshDatabase(prefix: "lease")
        let gateway = try FakeEvolutionAPI(apiKey: EvolutionHarness.apiKey, instance: "demo")
        let a = try TestHost(hostYAML: Self.yaml(gateway: gateway, url: url),
                             workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
        #expect(try String(contentsOfFile: a.configPath, encoding: .utf8).contains("postgres:"))
        try a.start()
        _ = try a.waitForLog(timeout: 10) { $0["message"] as? String == Self.supervising }
        #expect(gateway.wait(until: { $0.webhook?.url.contains(":\(a.port)/") == true }), "\(String(describing: gateway.webhook))")

        // B starts on the same database: its first lease round is done once it listens.
        let b = try TestHost(hostYAML: try String(contentsOfFile: a.configPath, encoding: .utf8))
        try b.start()
        #expect(Self.lines(b, Self.supervising).isEmpty, "\(b.logText)")
        #expect(gateway.webhook?.url.contains(":\(a.port)/") == true)
        // An agent on B sees the session as A recorded it, not B's hold.
        let agent = try InboxSession(b)
        let listed = (try agent.get("/api/v1/channels").json() as? [String: Any])?["channels"] as? [[String: Any]] ?? []
        #expect(listed.first { $0["id"] as? String == "wa-web" }?["state"] as? String == "connected", "\(listed)")

        // A customer's message arrives through B: the reply is sent through the session by
        // A, its supervisor; B sends nothing.
        let first = "5511911110001"
        #expect(try Self.post(b, from: "\(first)@s.whatsapp.net") == 200)
        #expect(gateway.wait(until: { $0.sends.contains { $0.number == first } }), "\(a.logText)")
        #expect(gateway.acceptedSends.filter { $0.number == first }.map(\.text) == [Self.hours])
        _ = try a.waitForLog(timeout: 10) { $0["message"] as? String == "message sent" }
        #expect(Self.lines(b, "message sent").isEmpty)
        #expect(Self.lines(b, "send attempted").isEmpty)

        // A dies without giving its lease up. A message arrives through B at once: its
        // reply waits in the outbox until B holds the session, then goes out once.
        a.signal(SIGKILL)
        #expect(a.waitForExit(timeout: 10) != nil)
        let killed = Date()
        let second = "5511922220002"
        #expect(try Self.post(b, from: "\(second)@s.whatsapp.net") == 200)
        _ = try b.waitForLog(timeout: 30) { $0["message"] as? String == Self.supervising }
        let tookOver = Date().timeIntervalSince(killed)
        // The lease (15 s) runs out, and B's next round (every 5 s) takes it.
        #expect(tookOver <= 15 + 5 + 2, "took \(tookOver) s")
        #expect(gateway.wait(until: { $0.webhook?.url.contains(":\(b.port)/") == true }), "\(String(describing: gateway.webhook))")
        #expect(gateway.wait(until: { $0.sends.contains { $0.number == second } }), "\(b.logText)")
        _ = try b.waitForLog(timeout: 10) { $0["message"] as? String == "message sent" }
        // Once: the fake answered one send for it, and the journal tells of one.
        #expect(gateway.acceptedSends.filter { $0.number == second }.map(\.text) == [Self.hours])
        let events = try runSwitchboard(["events", "--config", b.configPath, "--workspace", "demo", "--limit", "1000"],
                                        cwd: b.dir).stdout.split(separator: "\n")
        #expect(events.filter { $0.contains(" sent ") }.count == 2, "\(events)")
        #expect(gateway.acceptedSends.filter { $0.number == first }.count == 1)

        // B stops cleanly and gives the lease up: nobody holds it.
        b.signal(SIGTERM)
        #expect(b.waitForExit(timeout: 20) == 0)
        #expect(!Self.lines(b, "whatsapp web session lease given up").isEmpty, "\(b.logText)")
    }
}
