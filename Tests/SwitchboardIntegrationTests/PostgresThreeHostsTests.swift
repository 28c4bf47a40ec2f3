import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Issue 15's headline test: three `switchboard serve` hosts on one PostgreSQL behind a
/// round-robin client (Meta's webhooks spread by a load balancer), a stream of messages
/// at load, one host SIGKILLed mid-stream and restarted later on the same database.
/// What the customers see: every acknowledged message stored once and answered, a reply
/// twice only within the outbox's documented window (a reply the dead host's provider
/// call had accepted before its record committed: at most 4 per sender lane, 32 per
/// channel, README "Durability"), and each conversation's replies in the order of its
/// messages.
///
/// Each message has its own answer: sender `s` asks round `r`'s question and the FAQ
/// answers round `r` with its own text, so a reply (recipient, text) names the one
/// message it answers (as in CrashSafetyTests).
@Suite(.serialized) struct PostgresThreeHostsTests {
    static let rounds: [(question: String, answer: String)] = [
        ("What are your opening hours?", "answer-hours"),
        ("Do you deliver to Lekki?", "answer-delivery"),
        ("Do you make birthday cakes?", "answer-cakes"),
        ("Where are you located?", "answer-location"),
        ("Can I pay by card?", "answer-payment"),
        ("Is there parking near the shop?", "answer-parking"),
        ("Do you sell gluten free bread?", "answer-gluten"),
        ("How much is a meat pie?", "answer-price"),
    ]
    /// Asked by every sender at the end: a conversation's replies go out in order, so once
    /// a sender's barrier is answered every earlier reply to that sender (a duplicate
    /// included) has gone out, and the counts are final.
    static let barrier = (question: "Can I order for a wedding party?", answer: "answer-wedding")

    /// Rounds posted before the restart (the kill comes during them); the rest after it.
    static let roundsBeforeRestart = 6

    static var workspace: String { TestWorkspaces.distinctAnswers(rounds + [barrier]) }

    /// One message of the stream.
    struct Planned: Sendable {
        let sender: String
        let round: Int
        let message: FixtureMessage
    }

    /// The round-robin client: posts to the next host in turn; a post that fails (the
    /// host is dead: refused, reset, no answer) or is not 200 goes to the next host, as
    /// Meta delivers a webhook again. Returns the index of the host that answered 200.
    final class RoundRobin: @unchecked Sendable {
        let cluster: HostCluster
        private let next = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        init(_ cluster: HostCluster) { self.cluster = cluster }

        func post(_ message: FixtureMessage) -> Int? {
            let n = cluster.hosts.count
            let end = Date().addingTimeInterval(60)
            var k = next.add(1, ordering: .relaxed).oldValue
            while Date() < end {
                let i = k % n
                if let r = try? cluster.post([message], to: i, timeout: 5), r.status == 200 { return i }
                refused.add(1, ordering: .relaxed)
                k += 1
                if k % n == 0 { usleep(50_000) }   // every host refused it: a moment, then again
            }
            return nil
        }
    }

    @Test func threeHostsOneKilledUnderLoadAndRestartedLoseNothingAndKeepOrder() throws {
        let started = ContinuousClock.now
        let cluster = try HostCluster(count: 3, prefix: "three", workspaces: ["demo": Self.workspace])
        try cluster.start()
        defer { cluster.stop() }
        // A Graph API call takes a while (100 ms here), so each host has replies in flight
        // at any moment: the victim dies with some.
        cluster.graph.setDelay(.milliseconds(100))
        let client = RoundRobin(cluster)
        let replies = ReplyLog(cluster.graph)

        let senders = (0..<60).map { "23480320\(String(format: "%05d", $0))" }
        var planned: [[Planned]] = []   // [round][sender]
        for r in Self.rounds.indices {
            planned.append(senders.map { Planned(sender: $0, round: r, message: FixtureMessage(
                id: WhatsAppFixtures.newMessageID(), from: $0, name: "Titi",
                timestamp: Int(Date().timeIntervalSince1970), content: .text(Self.rounds[r].question))) })
        }
        let plan = planned
        // Who acknowledged each message (nil: no host did within a minute).
        let ackedBy = Mutex<[String: Int]>([:])
        let victim = 0
        let killed = Atomic<Bool>(false)
        let killedAt = Mutex<Date?>(nil)
        let ackedAtKill = Mutex<[String: Int]>([:])
        let ackTimes = Mutex<[String: Date]>([:])

        /// Posts `rounds` with 6 client threads; thread t owns the senders s with
        /// s % 6 == t and posts each sender's messages one after the other (a message
        /// after the previous one was acknowledged), so a conversation's messages are
        /// received in round order. `killAfter`: SIGKILL the victim once that many of
        /// these posts were acknowledged.
        func stream(_ rounds: Range<Int>, killAfter: Int? = nil) {
            let acknowledged = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 6) { t in
                for r in rounds {
                    for (s, p) in plan[r].enumerated() where s % 6 == t {
                        if let killAfter, acknowledged.load(ordering: .relaxed) >= killAfter,
                           !killed.exchange(true, ordering: .relaxed) {
                            killedAt.withLock { $0 = Date() }
                            cluster.hosts[victim].signal(SIGKILL)
                            ackedAtKill.withLock { $0 = ackedBy.withLock { $0 } }
                        }
                        if let i = client.post(p.message) {
                            ackedBy.withLock { $0[p.message.id] = i }
                            ackTimes.withLock { $0[p.message.id] = Date() }
                            acknowledged.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }

        // 1. Rounds 0-5 (360 messages) through the three hosts; a quarter of the way in,
        // the victim is SIGKILLed and the client goes on with the other two.
        let firstPart = 0..<Self.roundsBeforeRestart
        stream(firstPart, killAfter: firstPart.count * senders.count / 4)
        let didKill = killed.load(ordering: .relaxed)
        #expect(didKill)
        #expect(cluster.hosts[victim].waitForExit(timeout: 10) != nil)
        let killTime = try #require(killedAt.withLock { $0 })
        let victimsBeforeKill = ackedAtKill.withLock { $0 }.filter { $0.value == victim }.map(\.key)

        // 2. The victim starts again on the same database; rounds 6-7 (120 messages) go
        // through all three again.
        try cluster.hosts[victim].restart()
        let beforeRestart = ackedBy.withLock { $0 }
        stream(Self.roundsBeforeRestart..<Self.rounds.count)
        let acked = ackedBy.withLock { $0 }
        let all = plan.flatMap { $0 }
        #expect(acked.count == all.count, "acknowledged \(acked.count) of \(all.count)")
        let throughRestarted = all[(Self.roundsBeforeRestart * senders.count)...]
            .filter { acked[$0.message.id] == victim }.count
        #expect(throughRestarted > 0, "nothing acknowledged by the restarted host")
        #expect(beforeRestart.values.contains(victim) && beforeRestart.values.contains(1) && beforeRestart.values.contains(2))

        // 3. Every acknowledged message is answered (the victim's claimed work is taken
        // once its heartbeat is 15 s stale).
        func answered(_ log: ReplyLog) -> Set<String> { Set(log.replies.map { "\($0.to)|\($0.text)" }) }
        let allAnswered = replies.wait(timeout: 120) { log in
            let done = answered(log)
            return all.allSatisfy { acked[$0.message.id] == nil || done.contains("\($0.sender)|\(Self.rounds[$0.round].answer)") }
        }
        let missing = all.filter { acked[$0.message.id] != nil && !answered(replies).contains("\($0.sender)|\(Self.rounds[$0.round].answer)") }
        #expect(allAnswered, "\(missing.count) acknowledged messages not answered, e.g. \(missing.prefix(3).map { "\($0.sender) round \($0.round)" })")

        // The barrier: afterwards no earlier reply can still come.
        for s in senders {
            let m = FixtureMessage(id: WhatsAppFixtures.newMessageID(), from: s, name: "Titi",
                                   timestamp: Int(Date().timeIntervalSince1970), content: .text(Self.barrier.question))
            #expect(client.post(m) != nil)
        }
        let barrierDone = replies.wait(timeout: 60) { log in
            let to = Set(log.replies.filter { $0.text == Self.barrier.answer }.map(\.to))
            return senders.allSatisfy { to.contains($0) }
        }
        #expect(barrierDone, "the barrier was not answered for every sender")

        // 4. Stored exactly once: one `received` event per message id.
        let received = try cluster.events(via: 1).filter { $0.contains(" received ") }
        var storedCount: [String: Int] = [:]
        for line in received {
            // The provider's id in the event's detail JSON: "wamid.…" up to its closing quote.
            guard let start = line.range(of: "\"wamid.") else { continue }
            let id = line[line.index(after: start.lowerBound)...].prefix { $0 != "\"" }
            storedCount[String(id), default: 0] += 1
        }
        let notOnce = all.filter { storedCount[$0.message.id] != 1 }
        #expect(notOnce.isEmpty, "\(notOnce.count) messages not stored exactly once, e.g. \(notOnce.prefix(3).map { "\($0.message.id): \(storedCount[$0.message.id] ?? 0)" })")
        #expect(received.count == all.count + senders.count, "\(received.count) received events")

        // 5. Duplicates only within the window: a second copy only of a reply the fake
        // accepted before the kill (the victim's call whose record had not committed),
        // and no more than the window's bound for the one host that died.
        replies.refresh()
        let known = Set((Self.rounds + [Self.barrier]).map(\.answer))
        #expect(replies.replies.allSatisfy { known.contains($0.text) }, "a reply that is no FAQ answer")
        var copies: [String: [ReplyLog.Reply]] = [:]
        for r in replies.replies { copies["\(r.to)|\(r.text)", default: []].append(r) }
        let duplicated = copies.filter { $0.value.count > 1 }
        for (key, c) in duplicated {
            #expect(c.count == 2 && c[0].time <= killTime, "\(key) sent \(c.count) times, first at \(c[0].time), kill at \(killTime)")
        }
        #expect(duplicated.count <= 32, "\(duplicated.count) replies sent twice")

        let answerTime = Dictionary(copies.map { ($0.key, $0.value[0].time) }, uniquingKeysWith: { a, _ in a })
        // 6. Order: each conversation's replies (first copies) reach the provider in the
        // order of its messages.
        var order: [String: [Int]] = [:]
        var firstSeen = Set<String>()
        let roundOf = Dictionary(uniqueKeysWithValues: (Self.rounds.map(\.answer) + [Self.barrier.answer]).enumerated().map { ($1, $0) })
        for r in replies.replies where firstSeen.insert("\(r.to)|\(r.text)").inserted {
            order[r.to, default: []].append(roundOf[r.text] ?? -1)
        }
        let outOfOrder = senders.filter { order[$0] != Array(0...Self.rounds.count) }
        // For each: the host that acknowledged each round and when, and when its reply
        // (first copy) reached the provider, in seconds after the kill.
        func story(_ sender: String) -> String {
            let plannedOf = all.filter { $0.sender == sender }
            return plannedOf.map { p in
                let ack = ackTimes.withLock { $0[p.message.id] }.map { String(format: "%.2f", $0.timeIntervalSince(killTime)) } ?? "-"
                let reply = answerTime["\(sender)|\(Self.rounds[p.round].answer)"].map { String(format: "%.2f", $0.timeIntervalSince(killTime)) } ?? "-"
                return "r\(p.round): host \(acked[p.message.id].map(String.init) ?? "-") at \(ack), reply \(reply)"
            }.joined(separator: "; ")
        }
        // And what the hosts warned about (message: count), for a failure's diagnosis.
        func warnings() -> String {
            cluster.hosts.enumerated().map { i, h in
                var counts: [String: Int] = [:]
                for l in h.logLines where ["warn", "error"].contains(l["level"] as? String ?? "") {
                    counts[l["message"] as? String ?? "?", default: 0] += 1
                }
                return "host \(i): \(counts)"
            }.joined(separator: "; ")
        }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.count) conversations out of order, e.g. \(outOfOrder.prefix(3).map { "\($0): \(order[$0] ?? []) [\(story($0))]" }); \(warnings())")

        // The victim's work the others took over: messages it acknowledged before it died
        // whose reply went out only after the take-over threshold (heartbeat 15 s stale).
        let plannedByID = Dictionary(uniqueKeysWithValues: all.map { ($0.message.id, $0) })
        let takenOver = victimsBeforeKill.compactMap { plannedByID[$0] }.filter { p in
            (answerTime["\(p.sender)|\(Self.rounds[p.round].answer)"] ?? .distantFuture).timeIntervalSince(killTime) > 10
        }.count
        print("[measure] three hosts: \(all.count + senders.count) messages, \(victimsBeforeKill.count) acknowledged by the victim before the SIGKILL "
              + "(\(takenOver) of them answered more than 10 s after it), "
              + "\(client.refused.load(ordering: .relaxed)) posts refused and sent to another host, "
              + "\(throughRestarted) acknowledged by the restarted host, \(duplicated.count) replies sent twice, "
              + "wall \(ContinuousClock.now - started)")
    }
}
