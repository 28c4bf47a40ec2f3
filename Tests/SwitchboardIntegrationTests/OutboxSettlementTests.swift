import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import SwitchboardTestSupport

/// An outbox entry whose outcome cannot be written must not wedge its conversation: the
/// real binary against a fake Graph API that repeats message ids, against store writes
/// made to fail by a trigger planted in its database, and with a short lease against a
/// claim left by a host that died. Each test waits on what the customer sees (replies at
/// the provider, in order) and on the database, never on a fixed sleep.
@Suite(.serialized) struct OutboxSettlementTests {
    static let outbox = """
        outbox:
          retry_base_ms: 20
          retry_cap_ms: 200
          max_attempts: 8
          pair_spacing_ms: 0
        """

    /// Distinct replies per word, so order is readable at the provider.
    static let workspace = """
        id: demo
        name: Demo
        region: NG
        timezone: Africa/Lagos
        fallback: "Fallback"
        plugins:
          - name: faq
            config:
              entries:
                - {id: a, questions: ["alpha"], answer: "Reply A"}
                - {id: b, questions: ["bravo"], answer: "Reply B"}
                - {id: c, questions: ["charlie"], answer: "Reply C"}
        """

    func harness(extra: String = "") throws -> PipelineHarness {
        try PipelineHarness(workspaces: ["demo": Self.workspace], extraHostYAML: Self.outbox + "\n" + extra)
    }

    func database(_ h: PipelineHarness) throws -> TestDatabase {
        try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path)
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    @discardableResult
    func waitUntil(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    func replies(_ h: PipelineHarness, to customer: String) -> [String] {
        h.replies.filter { $0.to == customer }.map { $0.text ?? "" }
    }

    func outboxRows(_ db: TestDatabase) throws -> Int {
        Int(try db.value("SELECT count(*) FROM outbox") ?? "-1") ?? -1
    }

    func logged(_ h: PipelineHarness, _ message: String) -> [[String: Any]] {
        h.host.logLines.filter { $0["message"] as? String == message }
    }

    @Test func aProviderThatRepeatsMessageIDsStillGetsEveryReplySentInOrder() throws {
        let h = try harness()
        try h.start()
        // Two ids for every send: from the third on, each id is already stored.
        h.graph.repeatMessageIDs(every: 2)
        let customers = (1...6).map { "23480311100\($0)0" }
        for word in ["alpha", "bravo", "charlie"] {
            for c in customers { #expect(try h.post([h.text(word, from: c)]).status == 200) }
        }
        #expect(h.waitForReplies(18, timeout: .seconds(30)))
        for c in customers {
            #expect(replies(h, to: c) == ["Reply A", "Reply B", "Reply C"], "order for \(c)")
        }
        let db = try database(h)
        #expect(try waitUntil { try outboxRows(db) == 0 }, "outbox entries left behind")
        // Every reply is recorded as sent (or later), none left queued or failed.
        #expect(try db.value("""
            SELECT count(*) FROM messages WHERE direction = 'outbound' AND status IN ('sent', 'delivered', 'read')
            """) == "18")
        #expect(h.replies.count == 18)
        // The collisions are journalled on the `sent` events, and nothing failed to settle.
        let sent = try h.events().filter { $0.split(separator: " ").dropFirst().first == "sent" }
        #expect(sent.count == 18)
        #expect(sent.filter { $0.contains("provider_id_collision") }.count == 16)
        #expect(logged(h, "outbox entry not settled; trying again").isEmpty)
        #expect(logged(h, "the provider answered with a message id another message already has; recorded without it").count == 16)
    }

    @Test func anOutcomeThatCannotBeWrittenIsWrittenLaterAndTheConversationGoesOn() throws {
        let h = try harness()
        try h.start()
        let db = try database(h)
        // Every entry leaving the outbox fails, as a full disk or a broken file would make it.
        try db.execute("""
            CREATE TRIGGER test_settle_fails BEFORE DELETE ON outbox
            BEGIN SELECT RAISE(ABORT, 'injected: the outbox cannot be written'); END;
            """)
        let customer = "2348031110001", other = "2348031110002"
        #expect(try h.post([h.text("alpha", from: customer)]).status == 200)
        #expect(h.waitForReplies(1))
        // The host saw the write fail, and says it will try again.
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "outbox entry not settled; trying again" }
        // The customer's next message waits behind the unsettled one. Another customer's
        // reply reaching the provider shows the sender went on meanwhile.
        #expect(try h.post([h.text("bravo", from: customer)]).status == 200)
        #expect(try h.post([h.text("alpha", from: other)]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { $0.acceptedSends.contains { $0.to == other } })
        #expect(replies(h, to: customer) == ["Reply A"])
        #expect(try db.value("SELECT state FROM outbox ORDER BY id LIMIT 1") == "sending")
        // Writes work again: the outcomes are written, and the conversation goes on.
        try db.execute("DROP TRIGGER test_settle_fails")
        #expect(h.graph.wait(timeout: .seconds(20)) { $0.acceptedSends.filter { $0.to == customer }.count >= 2 })
        #expect(try waitUntil { try outboxRows(db) == 0 })
        #expect(replies(h, to: customer) == ["Reply A", "Reply B"])
        #expect(replies(h, to: other) == ["Reply A"])
        #expect(try db.value("""
            SELECT count(*) FROM messages WHERE direction = 'outbound' AND status IN ('sent', 'delivered', 'read')
            """) == "3")
        let failures = logged(h, "outbox entry not settled; trying again")
        #expect(failures.allSatisfy { $0["outcome"] as? String == "sent" && ($0["error"] as? String ?? "").contains("injected") })
        #expect(!logged(h, "outbox entry settled after earlier attempts failed").isEmpty)
        let sent = try h.events().filter { $0.split(separator: " ").dropFirst().first == "sent" }
        #expect(sent.count == 3)
    }

    @Test func aClaimLeftByAHostThatDiedIsTakenAgainOnceItsLeaseRunsOut() throws {
        let h = try harness(extra: "  lease_ms: 1000")
        try h.start()
        let customer = "2348031110003"
        #expect(try h.post([h.text("alpha", from: customer)]).status == 200)
        #expect(h.waitForReplies(1))
        let db = try database(h)
        #expect(try waitUntil { try outboxRows(db) == 0 })
        // Another host claimed a reply of this conversation and died: the entry is
        // `sending`, its lease runs out in a second. This host never claimed it.
        let conversation = try #require(try db.value("SELECT id FROM conversations"))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let leaseUntil = now + 1000
        try db.execute("""
            INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, kind, text, status, created_at, updated_at)
            VALUES ('msg_other_host', 'demo', '\(conversation)', 'wa-main', 'outbound', 'text', 'From the host that died', 'queued', \(now), \(now));
            INSERT INTO outbox (workspace_id, conversation_id, message_id, channel_id, recipient, kind, body_json, state,
                                attempts, next_attempt_at, created_at, lease_until, claims)
            VALUES ('demo', '\(conversation)', 'msg_other_host', 'wa-main', '\(customer)', 'send',
                    '{"text":"From the host that died"}', 'sending', 0, \(now), \(now), \(leaseUntil), 1);
            """)
        // The customer writes again: that reply waits behind the stuck one.
        #expect(try h.post([h.text("bravo", from: customer)]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(20)) { $0.acceptedSends.filter { $0.to == customer }.count >= 3 })
        #expect(replies(h, to: customer) == ["Reply A", "From the host that died", "Reply B"])
        let stuck = try #require(h.replies.first { $0.text == "From the host that died" })
        #expect(Int64(stuck.time.timeIntervalSince1970 * 1000) >= leaseUntil, "taken before its lease ran out")
        #expect(try waitUntil { try outboxRows(db) == 0 })
        #expect(try db.value("SELECT status FROM messages WHERE id = 'msg_other_host'") != "queued")
        // Taken by this host's first claim of it: the second claim of the entry.
        let sentLine = try #require(try h.events().first { $0.contains("msg_other_host") && $0.contains(" sent ") })
        #expect(sentLine.contains("\"attempt\":\"1\""))
    }

    @Test func anEntryTakenAgainWhileItsOutcomeIsBeingWrittenIsNotSentTwice() throws {
        let h = try harness(extra: "  lease_ms: 1000")
        try h.start()
        let db = try database(h)
        try db.execute("""
            CREATE TRIGGER test_settle_fails BEFORE DELETE ON outbox
            BEGIN SELECT RAISE(ABORT, 'injected: the outbox cannot be written'); END;
            """)
        let customer = "2348031110004"
        #expect(try h.post([h.text("alpha", from: customer)]).status == 200)
        #expect(h.waitForReplies(1))
        // The outcome cannot be written for longer than the lease: the entry is claimed
        // again (its claim count goes up) ...
        #expect(try waitUntil { Int(try db.value("SELECT max(claims) FROM outbox") ?? "0") ?? 0 >= 2 })
        try db.execute("DROP TRIGGER test_settle_fails")
        #expect(try waitUntil { try outboxRows(db) == 0 })
        // ... but not sent again: the next message is the barrier.
        #expect(try h.post([h.text("bravo", from: customer)]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(20)) { $0.acceptedSends.filter { $0.to == customer }.count >= 2 })
        #expect(replies(h, to: customer) == ["Reply A", "Reply B"])
    }

    @Test func aReplyWhoseMessageIsErasedWhileInFlightIsDroppedNotRetriedAndTheConversationGoesOn() throws {
        let h = try harness()
        try h.start()
        let db = try database(h)
        let customer = "2348031110005"
        h.graph.setHeld(true)
        #expect(try h.post([h.text("alpha", from: customer)]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { $0.sends.contains { $0.to == customer } })
        // Erased while the provider call is in flight, as an erase of the customer's data
        // would: the outbox entry and the message.
        let message = try #require(try db.value("SELECT message_id FROM outbox LIMIT 1"))
        try db.execute("DELETE FROM outbox; DELETE FROM messages WHERE id = '\(message)';")
        h.graph.setHeld(false)
        let dropped = try h.host.waitForLog(timeout: 10) {
            $0["message"] as? String == "outbox entry's message no longer exists; its outcome is dropped"
        }
        #expect(dropped["message_id"] as? String == message)
        #expect(dropped["level"] as? String == "error")
        // The customer's next message is answered; the dropped outcome is not retried.
        #expect(try h.post([h.text("bravo", from: customer)]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { $0.acceptedSends.filter { $0.to == customer }.count >= 2 })
        #expect(replies(h, to: customer) == ["Reply A", "Reply B"])
        let metrics = try h.host.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_outbox_settles_dropped_total{channel=\"wa-main\",outcome=\"sent\"} 1"))
        #expect(metrics.contains("switchboard_outbox_unsettled 0"))
        #expect(logged(h, "outbox entry not settled; trying again").isEmpty)
    }
}
