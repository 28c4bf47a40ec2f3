import Foundation
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The database going away mid-traffic (issue 15): a host on PostgreSQL whose server
/// stops answers the provider's webhooks 503 at once (not a hang, not a 200 for a message
/// it did not store; Meta delivers them again), keeps running, and when the server is
/// back stores what is delivered again, once, and answers everything, the replies that
/// waited in the outbox included. The server is the test's own (`ThrowawayPostgres`):
/// the shared one serves other suites meanwhile.
@Suite(.serialized) struct PostgresOutageTests {
    static func message(_ sender: String, round: Int) -> FixtureMessage {
        FixtureMessage(id: WhatsAppFixtures.newMessageID(), from: sender, name: "Titi",
                       timestamp: Int(Date().timeIntervalSince1970),
                       content: .text(PostgresThreeHostsTests.rounds[round].question))
    }

    @Test func webhooksAnswer503WhileTheDatabaseIsAwayAndNothingIsLostWhenItIsBack() throws {
        let started = ContinuousClock.now
        let pg = try ThrowawayPostgres()
        // The Cloud API number and a web chat of the same workspace.
        let cluster = try HostCluster(count: 1, prefix: "outage", url: pg.url,
                                      workspaces: ["demo": PostgresThreeHostsTests.workspace],
                                      channels: PipelineHarness.cloudChannel() + """

                                            - id: web-demo
                                              type: webchat
                                              workspace: demo
                                          """)
        let host = cluster.hosts[0]
        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        func chatPost(_ id: String) throws -> HTTPClient.Response {
            try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"wen r u open?\",\"id\":\"\(id)\"}".utf8))
        }
        try cluster.start()
        defer { cluster.stop() }
        let replies = ReplyLog(cluster.graph)
        let senders = (0..<20).map { "23480330\(String(format: "%05d", $0))" }
        func answered(_ sender: String, _ round: Int) -> Bool {
            replies.replies.contains { $0.to == sender && $0.text == PostgresThreeHostsTests.rounds[round].answer }
        }

        // 1. Traffic flows: round 0 is stored and answered.
        var all: [(sender: String, round: Int, message: FixtureMessage)] = []
        for s in senders {
            let m = Self.message(s, round: 0)
            #expect(try cluster.post([m], to: 0).status == 200)
            all.append((s, 0, m))
        }
        #expect(replies.wait(timeout: 60) { _ in senders.allSatisfy { answered($0, 0) } }, "round 0 not answered")
        // Round 1 is acknowledged, and the provider holds the host's calls for its replies:
        // they are in flight when the server stops, and their outcome is written after.
        cluster.graph.setHeld(true)
        let sendsBefore = cluster.graph.sends.count
        for s in senders {
            let m = Self.message(s, round: 1)
            #expect(try cluster.post([m], to: 0).status == 200)
            all.append((s, 1, m))
        }
        #expect(cluster.graph.wait(timeout: .seconds(20)) { $0.sends.dropFirst(sendsBefore).contains { !$0.isMarkRead } },
                "the host called the provider for no round 1 reply")

        // 2. The server stops; then the provider answers the calls it held. Every webhook
        // now answers 503, promptly, and the host runs.
        try pg.stop()
        let stoppedAt = Date()
        cluster.graph.setHeld(false)
        var refused: [FixtureMessage] = []
        var statuses: [Int: Int] = [:]
        for s in senders {
            let m = Self.message(s, round: 2)
            all.append((s, 2, m))
            let before = ContinuousClock.now
            let r = try cluster.post([m], to: 0, timeout: 15)
            let took = ContinuousClock.now - before
            statuses[r.status, default: 0] += 1
            #expect(took < .seconds(11), "a webhook took \(took) to be answered while the database was away")
            if r.status == 503 {
                #expect(r.headers["retry-after"] != nil, "no Retry-After on the 503")
                refused.append(m)
            }
        }
        #expect(statuses == [503: senders.count], "answers while the database was away: \(statuses)")
        // The web chat's post too: 503, so the page says "not sent" and the visitor sends again.
        let chatAway = try chatPost("m0000001")
        #expect(chatAway.status == 503, "a web chat post while the database was away: \(chatAway.status) \(chatAway.text)")
        #expect(chatAway.headers["retry-after"] != nil)
        // The replies the provider accepted meanwhile wait to be recorded (the settler
        // tries again until the database is back).
        _ = try host.waitForLog(timeout: 20) { $0["message"] as? String == "outbox entry not settled; trying again" }
        #expect(host.process.isRunning, "the host exited: \(host.logTail())")
        #expect(!host.logLines.filter { $0["message"] as? String == "webhook not stored; answering 503 so the provider delivers it again" }.isEmpty)
        let away = Date().timeIntervalSince(stoppedAt)

        // 3. The server is back on the same port with its data. Meta delivers the refused
        // webhooks again (it keeps trying): each is stored, once.
        try pg.resume()
        let resumedAt = ContinuousClock.now
        for m in refused {
            let status = Self.redeliver { try cluster.post([m], to: 0).status }
            #expect(status == 200, "a redelivered webhook was answered \(status) after the database came back")
        }
        let storingAgainAfter = ContinuousClock.now - resumedAt
        #expect(try chatPost("m0000001").status == 202, "the web chat post sent again was not stored")
        // New traffic goes on as before.
        for s in senders {
            let m = Self.message(s, round: 3)
            #expect(try cluster.post([m], to: 0).status == 200)
            all.append((s, 3, m))
        }

        // 4. Everything is answered (round 1's waiting replies included), each message
        // stored once.
        let done = replies.wait(timeout: 90) { _ in all.allSatisfy { answered($0.sender, $0.round) } }
        let missing = all.filter { !answered($0.sender, $0.round) }
        #expect(done, "\(missing.count) messages not answered (rounds \(Set(missing.map(\.round)).sorted())); log: \(host.logTail())")
        #expect(try Self.expectStoredOnce(all, cluster) == all.count + 1)   // and the web chat's message, once
        // Answered once each (the host never died: no window for a duplicate).
        replies.refresh()
        var copies: [String: Int] = [:]
        for r in replies.replies { copies["\(r.to)|\(r.text)", default: 0] += 1 }
        #expect(copies.values.allSatisfy { $0 == 1 }, "\(copies.filter { $0.value > 1 })")
        #expect(host.process.isRunning)
        print("[measure] database away \(String(format: "%.1f", away)) s: \(refused.count) webhooks answered 503; "
              + "storing again \(storingAgainAfter) after the server was back; wall \(ContinuousClock.now - started)")
    }

    /// Two hosts lose the database for longer than the heartbeat threshold (15 s): when it
    /// is back each host's heartbeat is old until its next beat, though neither died.
    /// Both resume by themselves; nothing acknowledged is lost, neither takes the other's
    /// claims (so no reply goes out twice, the provider's answers to calls made before
    /// the server went are recorded by their own host), and each conversation's replies
    /// keep their order.
    @Test func twoHostsResumeAfterTheDatabaseWasAwayLongerThanTheHeartbeatThreshold() throws {
        let started = ContinuousClock.now
        let pg = try ThrowawayPostgres()
        let cluster = try HostCluster(count: 2, prefix: "outage2", url: pg.url,
                                      workspaces: ["demo": PostgresThreeHostsTests.workspace])
        try cluster.start()
        defer { cluster.stop() }
        let replies = ReplyLog(cluster.graph)
        let senders = (0..<20).map { "23480340\(String(format: "%05d", $0))" }
        let rounds = PostgresThreeHostsTests.rounds
        func answered(_ sender: String, _ round: Int) -> Bool {
            replies.replies.contains { $0.to == sender && $0.text == rounds[round].answer }
        }
        var all: [(sender: String, round: Int, message: FixtureMessage)] = []
        var turn = 0
        /// Posts to the hosts in turn; returns the status.
        func post(_ m: FixtureMessage) throws -> Int {
            turn += 1
            return try cluster.post([m], to: turn % 2, timeout: 15).status
        }

        // Round 0 through both hosts, answered; round 1 acknowledged while the provider
        // holds the calls for its replies.
        for s in senders {
            let m = Self.message(s, round: 0)
            #expect(try post(m) == 200)
            all.append((s, 0, m))
        }
        #expect(replies.wait(timeout: 60) { _ in senders.allSatisfy { answered($0, 0) } }, "round 0 not answered")
        cluster.graph.setHeld(true)
        let sendsBefore = cluster.graph.sends.count
        for s in senders {
            let m = Self.message(s, round: 1)
            #expect(try post(m) == 200)
            all.append((s, 1, m))
        }
        #expect(cluster.graph.wait(timeout: .seconds(20)) { $0.sends.dropFirst(sendsBefore).contains { !$0.isMarkRead } },
                "the hosts called the provider for no round 1 reply")

        // The server stops for longer than the heartbeat threshold; the provider answers
        // the held calls. Meta keeps delivering round 2 meanwhile (every 500 ms, to both
        // hosts): every delivery is refused with 503.
        try pg.stop()
        let stoppedAt = Date()
        cluster.graph.setHeld(false)
        var statuses: [Int: Int] = [:]
        let round2: [FixtureMessage] = senders.map { Self.message($0, round: 2) }
        var k = 0
        while Date().timeIntervalSince(stoppedAt) < 17 {
            statuses[try post(round2[k % round2.count]), default: 0] += 1
            k += 1
            usleep(500_000)   // the pace of the redeliveries, not a wait for the host
        }
        #expect(statuses.keys.sorted() == [503], "answers while the database was away: \(statuses)")
        for h in cluster.hosts { #expect(h.process.isRunning, "a host exited: \(h.logTail())") }

        // Back: the hosts resume; the redeliveries are stored, once; new traffic flows.
        try pg.resume()
        let resumedAt = Date()
        for (i, m) in round2.enumerated() {
            let status = Self.redeliver { try post(m) }
            #expect(status == 200, "a redelivered webhook was answered \(status) after the database came back")
            all.append((senders[i], 2, m))
        }
        for s in senders {
            let m = Self.message(s, round: 3)
            #expect(try post(m) == 200)
            all.append((s, 3, m))
        }
        // Round 3 is the last and nothing fails after it: once each sender's round 3 is
        // answered, every earlier reply to that sender (a second copy included) is out,
        // replies keeping their conversation's order (checked below).
        let done = replies.wait(timeout: 90) { _ in all.allSatisfy { answered($0.sender, $0.round) } }
        let missing = all.filter { !answered($0.sender, $0.round) }
        #expect(done, "\(missing.count) messages not answered (rounds \(Set(missing.map(\.round)).sorted()))")

        #expect(try Self.expectStoredOnce(all, cluster) == all.count)
        replies.refresh()
        var copies: [String: [ReplyLog.Reply]] = [:]
        for r in replies.replies { copies["\(r.to)|\(r.text)", default: []].append(r) }
        let duplicated = copies.filter { $0.value.count > 1 }
        // None twice: every host's beat was old when the server came back, but no host
        // judges another dead before it has beaten steadily itself for the threshold, by
        // which time every live host has beaten again (HostHeartbeat.isSteady).
        #expect(duplicated.isEmpty, "\(duplicated.count) replies sent twice: \(duplicated.keys.sorted().prefix(5))")
        let roundOf = Dictionary(uniqueKeysWithValues: rounds.map(\.answer).enumerated().map { ($1, $0) })
        var order: [String: [Int]] = [:]
        var firstSeen = Set<String>()
        for r in replies.replies where firstSeen.insert("\(r.to)|\(r.text)").inserted {
            order[r.to, default: []].append(roundOf[r.text] ?? -1)
        }
        let outOfOrder = senders.filter { order[$0] != [0, 1, 2, 3] }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.count) conversations out of order, e.g. \(outOfOrder.prefix(3).map { "\($0): \(order[$0] ?? [])" })")
        for h in cluster.hosts { #expect(h.process.isRunning) }
        print("[measure] two hosts, database away \(String(format: "%.1f", resumedAt.timeIntervalSince(stoppedAt))) s: "
              + "\(k) deliveries refused with 503, \(duplicated.count) replies sent twice; wall \(ContinuousClock.now - started)")
    }

    /// Meta's redelivery of a refused webhook: `post` again every 200 ms until it is
    /// answered 200 or 30 s pass. The last status (0: no answer).
    static func redeliver(_ post: () throws -> Int) -> Int {
        var status = 0
        let end = Date().addingTimeInterval(30)
        while Date() < end {
            status = (try? post()) ?? 0
            if status == 200 { break }
            usleep(200_000)
        }
        return status
    }

    /// Expects each message of `all` in the journal as received exactly once; returns how
    /// many messages the journal has as received (the web chat's included).
    static func expectStoredOnce(_ all: [(sender: String, round: Int, message: FixtureMessage)], _ cluster: HostCluster) throws -> Int {
        let received = try cluster.events().filter { $0.contains(" received ") }
        for p in all {
            let n = received.filter { $0.contains(p.message.id) }.count
            #expect(n == 1, "message \(p.message.id) (round \(p.round)) stored \(n) times")
        }
        return received.count
    }
}
