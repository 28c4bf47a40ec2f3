import Foundation
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A WhatsApp Web session added by a reload (`switchboard reload` after the host config
/// gained the channel: `SessionLeases.add`) on two hosts sharing PostgreSQL: exactly one
/// host supervises it (only its webhook is set on the gateway, and the replies to
/// messages either host receives go out through it), and when that host is SIGKILLed the
/// other takes the session over and sends what waited, once. PostgresSessionLeaseTests
/// does the same for a channel of the start.
@Suite(.serialized) struct PostgresReloadSessionLeaseTests {
    static let supervising = PostgresSessionLeaseTests.supervising
    static let hours = PostgresSessionLeaseTests.hours

    /// The URLs the hosts set as the gateway's webhook, in order.
    static func webhookURLs(_ gateway: FakeEvolutionAPI) -> [String] {
        gateway.requests.filter { $0.method == "POST" && $0.path.contains("/webhook/set/") }.map { r in
            let j = r.json
            return ((j["webhook"] as? [String: Any])?["url"] as? String) ?? (j["url"] as? String) ?? r.body
        }
    }

    @Test func aSessionAddedByAReloadIsSupervisedByOneHostAndTakenOverWhenItDies() throws {
        let url = try TestPostgres.freshDatabase(prefix: "reloadlease")
        let gateway = try FakeEvolutionAPI(apiKey: EvolutionHarness.apiKey, instance: "demo")
        let workspaces = ["demo": ResponderPipelineTests.bakeryWithoutLLM]
        // Both hosts start without the channel.
        let hosts = try (0..<2).map { _ in try TestHost(hostYAML: HostCluster.hostYAML(url: url), workspaces: workspaces) }
        for h in hosts { try h.start() }
        defer {
            for h in hosts where h.process.isRunning { h.signal(SIGTERM) }
            for h in hosts { _ = h.waitForExit(timeout: 30) }
        }
        #expect(gateway.requests.isEmpty)

        // The operator adds the session to every host's config and reloads each (SIGHUP:
        // `switchboard reload` finds a host by the pid file beside its SQLite database,
        // and a host on PostgreSQL has none).
        let withChannel = PostgresSessionLeaseTests.yaml(gateway: gateway, url: url)
        for h in hosts {
            try withChannel.replacingOccurrences(of: "$DIR", with: h.dir.path).write(toFile: h.configPath, atomically: true, encoding: .utf8)
            h.signal(SIGHUP)
            let reloaded = try h.waitForLog(timeout: 20) { $0["message"] as? String == "config reloaded" }
            #expect(reloaded["channels_started"] as? String == "wa-web", "\(reloaded)")
        }
        let reloaded = Date()

        // One of them takes the lease at its next round and supervises the session: it
        // points the gateway's webhook at itself.
        func supervisors() -> [TestHost] { hosts.filter { !PostgresSessionLeaseTests.lines($0, Self.supervising).isEmpty } }
        #expect(gateway.wait(timeout: .seconds(20), until: { $0.webhook != nil }), "no host set the gateway's webhook")
        let owner = try #require(hosts.first { gateway.webhook?.url.contains(":\($0.port)/") == true },
                                 "\(String(describing: gateway.webhook))")
        let other = hosts.first { $0 !== owner }!
        #expect((try? owner.waitForLog(timeout: 10) { $0["message"] as? String == Self.supervising }) != nil,
                "the host the gateway's webhook names did not take the lease")

        // A customer writes through the other host: the reply goes out through the session
        // by the owner. Once it has, the other host has had its lease rounds (every 5 s)
        // since the reload: it never supervised, never pointed the gateway at itself,
        // never sent.
        let first = "5511933330001"
        #expect(try PostgresSessionLeaseTests.post(other, from: "\(first)@s.whatsapp.net") == 200)
        #expect(gateway.wait(timeout: .seconds(20), until: { $0.sends.contains { $0.number == first } }), "\(owner.logText)")
        #expect((try? owner.waitForLog(timeout: 10) { $0["message"] as? String == "message sent" }) != nil,
                "the owner did not send the reply")
        // Absence needs a time: each host runs a lease round every 5 s, so 6 s after its
        // reload the other has tried at least once; it must not have taken the session.
        let roundDone = reloaded.addingTimeInterval(6)
        while Date() < roundDone && supervisors().count == 1 { usleep(100_000) }
        #expect(supervisors().count == 1, "\(supervisors().count) hosts logged that they supervise the session")
        #expect(PostgresSessionLeaseTests.lines(other, Self.supervising).isEmpty)
        #expect(Self.webhookURLs(gateway).allSatisfy { $0.contains(":\(owner.port)/") }, "\(Self.webhookURLs(gateway))")
        #expect(PostgresSessionLeaseTests.lines(other, "message sent").isEmpty)
        #expect(gateway.acceptedSends.filter { $0.number == first }.map(\.text) == [Self.hours])

        // The owner dies without giving the lease up; a message arrives through the other
        // at once. The other takes the session once the lease runs out and sends it, once.
        owner.signal(SIGKILL)
        #expect(owner.waitForExit(timeout: 10) != nil)
        let killed = Date()
        let second = "5511944440002"
        #expect(try PostgresSessionLeaseTests.post(other, from: "\(second)@s.whatsapp.net") == 200)
        _ = try other.waitForLog(timeout: 30) { $0["message"] as? String == Self.supervising }
        let tookOver = Date().timeIntervalSince(killed)
        #expect(tookOver <= 15 + 5 + 2, "took \(tookOver) s")
        #expect(gateway.wait(until: { $0.webhook?.url.contains(":\(other.port)/") == true }), "\(String(describing: gateway.webhook))")
        #expect(gateway.wait(timeout: .seconds(10), until: { $0.sends.contains { $0.number == second } }), "\(other.logText)")
        _ = try other.waitForLog(timeout: 10) { $0["message"] as? String == "message sent" }
        #expect(gateway.acceptedSends.filter { $0.number == second }.map(\.text) == [Self.hours])
        #expect(gateway.acceptedSends.filter { $0.number == first }.count == 1)
        print("[measure] a session added by a reload taken over \(String(format: "%.1f", tookOver)) s after its owner's SIGKILL")
    }
}
