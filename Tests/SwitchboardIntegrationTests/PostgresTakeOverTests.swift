import Foundation
import Testing
import SwitchboardTestSupport

/// Two `serve` hosts on one PostgreSQL: host A is SIGKILLed while it sends a reply (the
/// provider holds the call), and host B sends that reply once A's heartbeat is stale
/// (15 s: 5 s beats, 3 missed), not after the outbox lease (`outbox.lease_ms`, 300 s).
@Suite(.serialized) struct PostgresTakeOverTests {
    @Test func aReplyClaimedByAHostThatDiedIsSentByAnotherWithinTheHeartbeatThreshold() throws {
        // Two hosts, the same config: workspaces, channel, fake provider.
        let cluster = try HostCluster(count: 2, prefix: "takeover", workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
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
        #expect(after < .seconds(45), "took \(after)")
        #expect(byB(graph).first?.text == "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays.")
        print("[measure] reply of a SIGKILLed host sent by the other after \(after)")
    }
}
