import Foundation
import Testing
import SwitchboardTestSupport

/// Two `serve` hosts on one PostgreSQL: host A is SIGKILLed while it sends a reply (the
/// provider holds the call), and host B sends that reply once A's heartbeat is stale
/// (15 s: 5 s beats, 3 missed), not after the outbox lease (`outbox.lease_ms`, 300 s).
@Suite(.serialized) struct PostgresTakeOverTests {
    @Test func aReplyClaimedByAHostThatDiedIsSentByAnotherWithinTheHeartbeatThreshold() throws {
        let url = try TestPostgres.freshDatabase(prefix: "takeover")
        let a = try PipelineHarness(workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
        let text = try String(contentsOfFile: a.host.configPath, encoding: .utf8)
        let sqlite = "sqlite: \(a.host.dir.path)/switchboard.db"
        #expect(text.contains(sqlite))
        let yaml = text.replacingOccurrences(of: sqlite, with: "postgres: \"\(url)\"")
        try yaml.write(toFile: a.host.configPath, atomically: true, encoding: .utf8)
        let b = try TestHost(hostYAML: yaml)   // the same config: workspaces, channel, fake provider
        try a.start()
        try b.start()

        a.graph.setHeld(true)
        #expect(try a.post([a.text("wen r u open on saturday?")]).status == 200)
        #expect(a.graph.wait(timeout: .seconds(10)) { $0.sends.contains { !$0.isMarkRead } }, "A never called the provider")
        a.host.signal(SIGKILL)
        _ = a.host.waitForExit(timeout: 10)
        let killed = ContinuousClock.now
        let sentByA = a.graph.sends.count   // A's call, held when it died
        a.graph.setHeld(false)

        // B takes the entry A claimed once A's heartbeat is stale, and sends it.
        func byB(_ g: FakeGraphAPI) -> [RecordedSend] {
            g.sends.dropFirst(sentByA).filter { $0.answeredStatus == 200 && !$0.isMarkRead }
        }
        #expect(a.graph.wait(timeout: .seconds(45)) { !byB($0).isEmpty },
                "no reply sent \(ContinuousClock.now - killed) after the kill; sends: \(a.graph.sends.count)")
        let after = ContinuousClock.now - killed
        #expect(after < .seconds(45), "took \(after)")
        #expect(byB(a.graph).first?.text == "We are open 8am to 7pm, Monday to Saturday. We are closed on Sundays.")
        print("[measure] reply of a SIGKILLed host sent by the other after \(after)")
        b.signal(SIGTERM)
        _ = b.waitForExit(timeout: 30)
    }
}
