import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Outbox claims carry a lease: an entry left `sending` (its claimer died, hung, or could
/// not record the outcome) is claimed again once the lease runs out, without a restart;
/// a claim that lost its lease can no longer requeue the entry. And a provider id that
/// another message already holds is recorded without it, not refused. Time is the
/// claims' own `now` (no sleeping).
@Suite struct OutboxLeaseTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore
    let t0 = Date(millisecondsSince1970: 1_790_000_000_000)

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        a = store.workspace("a")
    }

    func reply(_ ws: any WorkspaceStore, _ conversation: Conversation, _ text: String) throws -> OutboxItem {
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: text))
        return try ws.queue.enqueueOutbox(NewOutboxItem(
            conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
            recipient: "2348031234567", kind: .send, bodyJSON: "{\"text\":\"\(text)\"}", receivedAt: nil))
    }

    func claim(at seconds: TimeInterval, lease: TimeInterval = 60) throws -> [OutboxItem] {
        try store.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(seconds), limit: 10, lease: lease)
    }

    @Test func anEntryWhoseLeaseRanOutIsClaimedAgain() throws {
        let c = try makeConversation(a)
        let first = try reply(a, c, "one")
        _ = try reply(a, c, "two")
        let taken = try claim(at: 1)
        #expect(taken.map(\.id) == [first.id])
        #expect(taken.first?.claim == 1)
        #expect(taken.first?.leaseUntil == t0.addingTimeInterval(61))
        // Held while the lease lasts; the conversation's next entry waits behind it.
        #expect(try claim(at: 30).isEmpty)
        #expect(try claim(at: 60.9).isEmpty)
        // Nobody settled it: past the lease, the next claim takes it again, untouched.
        let again = try claim(at: 62)
        #expect(again.map(\.id) == [first.id])
        #expect(again.first?.claim == 2)
        #expect(again.first?.attempts == 0)
        #expect(again.first?.bodyJSON == "{\"text\":\"one\"}")
        // The first claim comes back late: its requeue no longer applies.
        #expect(try a.queue.retryOutbox(first.id, claim: 1, attempts: 1, nextAttemptAt: t0, error: "late") == false)
        #expect(try claim(at: 64).isEmpty)
        // The current claim's does.
        #expect(try a.queue.retryOutbox(first.id, claim: 2, attempts: 1, nextAttemptAt: t0.addingTimeInterval(70), error: "HTTP 500"))
        let third = try claim(at: 70)
        #expect(third.map(\.id) == [first.id])
        #expect(third.first?.claim == 3)
        #expect(third.first?.lastError == "HTTP 500")
        // Once it leaves the outbox, "two" goes.
        try a.queue.finishOutbox(first.id)
        #expect(try claim(at: 71).map(\.bodyJSON) == ["{\"text\":\"two\"}"])
    }

    @Test func expiredLeasesAndDueEntriesShareOneClaimInIdOrder() throws {
        let c1 = try makeConversation(a, phone: "+2348031234567")
        let c2 = try makeConversation(a, phone: "+2348031234568")
        let stuck = try reply(a, c1, "stuck")
        #expect(try claim(at: 1, lease: 5).map(\.id) == [stuck.id])
        let fresh = try reply(a, c2, "fresh")
        let both = try claim(at: 10)
        #expect(both.map(\.id) == [stuck.id, fresh.id])
        #expect(both.map(\.claim) == [2, 1])
        #expect(try store.queue.outboxDepth() == ["wa-main": 2])
    }

    @Test func aReleaseWithoutAClaimStillApplies() throws {
        let c = try makeConversation(a)
        let first = try reply(a, c, "one")
        _ = try claim(at: 1)
        try a.queue.retryOutbox(first.id, attempts: 0, nextAttemptAt: t0, error: "")
        #expect(try claim(at: 2).map(\.claim) == [2])
    }

    @Test func theClaimOfAProcessThatDiedIsVoidBeforeItsLeaseRunsOut() throws {
        let c = try makeConversation(a)
        _ = try reply(a, c, "one")
        let crashed = try OtherProcess()
        let theirs = try secondStore(store, claimer: crashed.claimer)
        defer { theirs.close() }
        #expect(try theirs.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(1), limit: 10, lease: 60).count == 1)
        #expect(try claim(at: 2).isEmpty)    // it runs: its lease holds
        crashed.kill()
        let again = try claim(at: 3)         // well inside its 60 s lease
        #expect(again.first?.claim == 2)
    }

    @Test func theClaimsOfAClosedStoreOfThisProcessAreVoid() throws {
        let c = try makeConversation(a)
        _ = try reply(a, c, "one")
        let previous = try secondStore(store, claimer: nil)   // a host of this process, stopped before this one
        #expect(try previous.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(1), limit: 10, lease: 60).count == 1)
        #expect(try claim(at: 2).isEmpty)
        previous.close()
        #expect(try claim(at: 3).map(\.claim) == [2])
    }

    @Test func aSecondProcessKeepsItsClaimsWhileTheirLeasesRun() throws {
        let c1 = try makeConversation(a, phone: "+2348031234567")
        let c2 = try makeConversation(a, phone: "+2348031234568")
        let one = try reply(a, c1, "one")
        let two = try reply(a, c2, "two")
        let other = try OtherProcess()
        defer { other.kill() }
        let theirs = try secondStore(store, claimer: other.claimer)
        defer { theirs.close() }
        #expect(try theirs.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(1), limit: 1, lease: 60).map(\.id)
                == [one.id])
        // This host claims, looking for void claims each second of the lease: only the
        // entry nobody holds.
        #expect(try claim(at: 2).map(\.id) == [two.id])
        for second in stride(from: 3.0, to: 61, by: 1.5) { #expect(try claim(at: second).isEmpty) }
        let taken = try claim(at: 62)        // both leases ran out (one at 61, two at 62)
        #expect(taken.map(\.id) == [one.id, two.id])
        #expect(taken.map(\.claim) == [2, 2])
    }

    @Test func entriesLeftSendingByAnOlderVersionAreClaimable() throws {
        let path = dir.file("v8.db")
        let old = try SQLiteStore(path: path, options: testOptions(), schemaVersion: 8)
        _ = try old.syncWorkspaces([definition("a")])
        let c = try makeConversation(old.workspace("a"))
        let item = try reply(old.workspace("a"), c, "one")
        try old.pool.write { db in _ = try db.run("UPDATE outbox SET state = 'sending' WHERE id = ?", [item.id]) }
        old.close()
        let store = try SQLiteStore(path: path, options: testOptions())
        let taken = try store.queue.claimOutbox(channel: "wa-main", now: Date(), limit: 10, lease: 60)
        #expect(taken.map(\.id) == [item.id])
        #expect(taken.first?.claim == 1)
    }

    /// Inbound jobs queued by a version before claims (migration 16) have no claimer and
    /// no lease: the first claim after the upgrade takes them, as the start-up reload did.
    @Test func inboundJobsQueuedByAnOlderVersionAreClaimable() throws {
        let path = dir.file("v15.db")
        let old = try SQLiteStore(path: path, options: testOptions(), schemaVersion: 15)
        _ = try old.syncWorkspaces([definition("a")])
        let ws = old.workspace("a")
        let c = try makeConversation(ws)
        let m = try #require(try ws.messages.insertInbound(inbound(c, "wamid.old", "hello")).inserted)
        try old.pool.write { db in
            _ = try db.run("""
                INSERT INTO inbound_jobs (workspace_id, conversation_id, message_id, received_at, created_at)
                VALUES ('a', ?, ?, 0, 0)
                """, [c.id, m.id])
        }
        old.close()
        let store = try SQLiteStore(path: path, options: testOptions())
        defer { store.close() }
        #expect(try store.queue.claimInbound(now: t0, limit: 10).map(\.messageID) == [m.id])
        #expect(try store.queue.claimInbound(now: t0, limit: 10).isEmpty)
    }

    @Test func aProviderIDAlreadyStoredIsRecordedWithoutIt() throws {
        let c = try makeConversation(a)
        let m1 = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "one"))
        let m2 = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "two"))
        let first = try a.messages.recordSend(m1.id, status: .sent, providerMessageID: "wamid.SAME", errorCode: nil, errorTitle: nil)
        #expect(first.collision == nil)
        #expect(first.message.providerMessageID == "wamid.SAME")
        // The provider answers the second send with the same id: recorded as sent, without it.
        let second = try a.messages.recordSend(m2.id, status: .sent, providerMessageID: "wamid.SAME", errorCode: nil, errorTitle: nil)
        #expect(second.collision == ProviderIDCollision(providerMessageID: "wamid.SAME", heldBy: m1.id))
        #expect(second.message.status == .sent)
        #expect(second.message.providerMessageID == nil)
        #expect(try a.messages.get(m2.id)?.status == .sent)
        // Delivery reports for the id still reach the message that had it first.
        let report = try a.messages.updateStatus(channel: c.channelID, providerMessageID: "wamid.SAME", to: .delivered,
                                                 errorCode: nil, errorTitle: nil)
        #expect(report?.message.id == m1.id)
    }

    @Test func aCollisionInsideATransactionKeepsTheTransaction() throws {
        let c = try makeConversation(a)
        _ = try a.messages.insertInbound(inbound(c, "wamid.IN", "hi"))
        let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "reply"))
        let item = try reply(a, c, "other")
        let update = try a.transaction { a in
            let u = try a.messages.recordSend(m.id, status: .sent, providerMessageID: "wamid.IN", errorCode: nil, errorTitle: nil)
            try a.queue.finishOutbox(item.id)
            return u
        }
        #expect(update.collision?.providerMessageID == "wamid.IN")
        #expect(try a.messages.get(m.id)?.status == .sent)
        #expect(try store.queue.outboxDepth().isEmpty)
    }

    @Test func aCollisionWithAnotherWorkspaceDoesNotNameItsMessage() throws {
        let b = store.workspace("b")
        let cb = try makeConversation(b)
        _ = try b.messages.insertInbound(inbound(cb, "wamid.B", "hi"))
        let ca = try makeConversation(a)
        let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: ca.id, kind: .text, text: "reply"))
        let update = try a.messages.recordSend(m.id, status: .sent, providerMessageID: "wamid.B", errorCode: nil, errorTitle: nil)
        #expect(update.collision == ProviderIDCollision(providerMessageID: "wamid.B", heldBy: nil))
    }
}
