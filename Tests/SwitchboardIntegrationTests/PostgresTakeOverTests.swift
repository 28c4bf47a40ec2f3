import Foundation
import Testing
import SwitchboardTestSupport

/// Two `serve` hosts on one PostgreSQL: host A is SIGKILLed while it sends a reply (the
/// provider holds the call), and host B sends that reply once A's heartbeat is stale
/// (15 s by default: `storage.host_lease_seconds`, beats every `storage.heartbeat_seconds`,
/// 5 s), not after the outbox lease (`outbox.lease_ms`, 300 s).
@Suite(.serialized) struct PostgresTakeOverTests {
    @Test func aReplyClaimedByAHostThatDiedIsSentByAnotherWithinTheHeartbeatThreshold() throws {
        let (after, silentMS) = try takeOver()
        #expect(after < .seconds(45), "took \(after)")
        #expect(silentMS >= 15_000, "B took A's reply when A had been silent \(silentMS) ms, under host_lease_seconds")
    }

    /// `storage.heartbeat_seconds: 1`, `host_lease_seconds: 3`: B takes the reply once A
    /// has been silent 3 s, while with the defaults A would still count as alive (its
    /// last beat, in the database's clock, is less than 15 s old when B's reply arrives).
    @Test func aShortHeartbeatMovesADeadHostsReplySooner() throws {
        let (after, silentMS) = try takeOver(storage: "  heartbeat_seconds: 1\n  host_lease_seconds: 3\n")
        #expect(silentMS >= 3_000, "B took A's reply when A had been silent \(silentMS) ms, under host_lease_seconds")
        #expect(silentMS < 15_000, "A had been silent \(silentMS) ms when B's reply arrived: no sooner than the default 15 s")
        #expect(after < .seconds(15), "took \(after)")
    }

    /// Runs the take-over; returns how long after the kill B's reply arrived, and how long
    /// A had been silent then (the age of its last beat in the database's clock).
    private func takeOver(storage extra: String = "") throws -> (after: Duration, silentMS: Int) {
        // Two hosts, the same config: workspaces, channel, fake provider.
        let cluster = try HostCluster(count: 2, prefix: "takeover", workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM],
                                      storageYAML: extra)
        let (a, graph) = (cluster.hosts[0], cluster.graph)   // A; B is hosts[1]
        try cluster.start()
        defer { cluster.stop() }

        graph.setHeld(true)
        #expect(try cluster.post([HostCluster.text("wen r u open on saturday?")], to: 0).status == 200)
        #expect(graph.wait(timeout: .seconds(10)) { $0.sends.contains { !$0.isMarkRead } }, "A never called the provider")
        a.signal(SIGKILL)
        _ = a.waitForExit(timeout: 10)
        let killed = ContinuousClock.now
        let sentByA = graph.sends.count   // A's call, held when it died
        graph.setHeld(false)

        // B takes the entry A claimed once A's heartbeat is stale, and sends it.
        func byB(_ g: FakeGraphAPI) -> [RecordedSend] {
            g.sends.dropFirst(sentByA).filter { $0.answeredStatus == 200 && !$0.isMarkRead }
        }
        #expect(graph.wait(timeout: .seconds(45)) { !byB($0).isEmpty },
                "no reply sent \(ContinuousClock.now - killed) after the kill; sends: \(graph.sends.count)")
        let after = ContinuousClock.now - killed
        // The silent host's beat is the oldest (B beats on).
        let silent = try TestPostgres.query(cluster.url, """
            SELECT max((extract(epoch FROM clock_timestamp()) * 1000)::bigint - beat_at) FROM host_heartbeats
            """).first.flatMap { Int($0) } ?? -1
        #expect(byB(graph).count == 1)
        #expect(byB(graph).first?.text == "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays.")
        print("[measure] reply of a SIGKILLed host sent by the other after \(after) (\(extra.isEmpty ? "default heartbeat" : "1 s beats, 3 s lease"); the dead host silent \(silent) ms)")
        return (after, silent)
    }
}
