import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The pipeline's durable queues: inbound jobs, the outbox's per-conversation order and
/// retries, recovery after a crash, and unrouted messages.
@Suite struct QueueStoreTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore
    let b: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        a = store.workspace("a")
        b = store.workspace("b")
    }

    func reply(_ ws: any WorkspaceStore, _ conversation: Conversation, _ text: String) throws -> OutboxItem {
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: text))
        return try ws.queue.enqueueOutbox(NewOutboxItem(
            conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
            recipient: "2348031234567", kind: .send, bodyJSON: "{\"text\":\"\(text)\"}", receivedAt: nil))
    }

    @Test func inboundJobsArePendingUntilCompleted() throws {
        let c = try makeConversation(a)
        let m = try #require(try a.messages.insertInbound(inbound(c, "wamid.1", "hi")).inserted)
        let at = Date(millisecondsSince1970: 1_700_000_000_123)
        let job = try a.queue.enqueueInbound(conversation: c.id, message: m.id, receivedAt: at)
        #expect(try store.queue.pendingInbound(limit: 10) == [job])
        #expect(job.receivedAt == at)
        // Another workspace cannot complete it.
        try b.queue.completeInbound(job.id)
        #expect(try store.queue.pendingInbound(limit: 10).count == 1)
        try a.queue.completeInbound(job.id)
        #expect(try store.queue.pendingInbound(limit: 10).isEmpty)
    }

    @Test func claimTakesOnlyTheOldestEntryOfEachConversation() throws {
        let c1 = try makeConversation(a, phone: "+2348031234567")
        let c2 = try makeConversation(a, phone: "+2348031234568")
        let first = try reply(a, c1, "one")
        _ = try reply(a, c1, "two")
        let other = try reply(a, c2, "other")
        let claimed = try store.queue.claimOutbox(channel: "wa-main", now: Date().addingTimeInterval(60), limit: 10)
        #expect(claimed.map(\.id) == [first.id, other.id])
        #expect(claimed.allSatisfy { $0.state == .sending })
        // While "one" is in flight, "two" waits.
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: Date().addingTimeInterval(60), limit: 10).isEmpty)
        try a.queue.finishOutbox(first.id)
        let next = try store.queue.claimOutbox(channel: "wa-main", now: Date().addingTimeInterval(60), limit: 10)
        #expect(next.map(\.recipient).count == 1)
        #expect(next.first?.bodyJSON == "{\"text\":\"two\"}")
    }

    @Test func aRetryWaitsUntilDueAndStillBlocksLaterMessages() throws {
        let c = try makeConversation(a)
        let first = try reply(a, c, "one")
        _ = try reply(a, c, "two")
        let now = Date().addingTimeInterval(1)
        _ = try store.queue.claimOutbox(channel: "wa-main", now: now, limit: 10)
        let due = now.addingTimeInterval(30)
        try a.queue.retryOutbox(first.id, attempts: 1, nextAttemptAt: due, error: "HTTP 500")
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: now, limit: 10).isEmpty)
        #expect(try store.queue.nextOutboxDue(channel: "wa-main")?.millisecondsSince1970 == due.millisecondsSince1970)
        let later = try store.queue.claimOutbox(channel: "wa-main", now: due, limit: 10)
        #expect(later.map(\.id) == [first.id])
        #expect(later.first?.attempts == 1)
        #expect(later.first?.lastError == "HTTP 500")
    }

    @Test func entriesInFlightAtACrashAreClaimedAgain() throws {
        let c = try makeConversation(a)
        _ = try reply(a, c, "one")
        let crashed = try OtherProcess()
        let theirs = try secondStore(store, claimer: crashed.claimer)
        defer { theirs.close() }
        _ = try theirs.queue.claimOutbox(channel: "wa-main", now: Date().addingTimeInterval(1), limit: 10)
        crashed.kill()
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: Date().addingTimeInterval(1), limit: 10).count == 1)
        #expect(try store.queue.outboxDepth() == ["wa-main": 1])
    }

    @Test func inboundJobsOfAProcessThatDiedAreClaimedAgainAndALiveOnesAreNot() throws {
        let c = try makeConversation(a)
        let other = try OtherProcess()
        let crashed = try OtherProcess()
        let live = try secondStore(store, claimer: other.claimer)
        let dead = try secondStore(store, claimer: crashed.claimer)
        defer { live.close(); dead.close(); other.kill() }
        let m1 = try #require(try a.messages.insertInbound(inbound(c, "wamid.1", "one")).inserted)
        let m2 = try #require(try a.messages.insertInbound(inbound(c, "wamid.2", "two")).inserted)
        let m3 = try #require(try a.messages.insertInbound(inbound(c, "wamid.3", "three")).inserted)
        let now = Date(millisecondsSince1970: 1_780_000_010_000)   // just after the store's clock
        let mine = try a.queue.enqueueInbound(conversation: c.id, message: m1.id, receivedAt: now)
        let theirs = try live.workspace("a").queue.enqueueInbound(conversation: c.id, message: m2.id, receivedAt: now)
        let left = try dead.workspace("a").queue.enqueueInbound(conversation: c.id, message: m3.id, receivedAt: now)
        // Every job is claimed by the host that queued it: nothing to take while all run.
        #expect(try store.queue.claimInbound(now: now, limit: 10).isEmpty)
        crashed.kill()
        #expect(try store.queue.claimInbound(now: now, limit: 10).map(\.id) == [left.id])
        #expect(try store.queue.claimInbound(now: now, limit: 10).isEmpty)      // now this host's
        // A host renews the leases of what it holds; once a lease runs out unrenewed, the
        // job is taken by another claimer (never by its own: it holds the job in memory).
        let later = now.addingTimeInterval(InboundLease.defaultSeconds + 1)
        #expect(try live.queue.renewInboundClaims(now: now.addingTimeInterval(200), lease: InboundLease.defaultSeconds) == 1)
        #expect(try live.queue.claimInbound(now: later, limit: 10).map(\.id) == [mine.id, left.id])
        #expect(try store.queue.claimInbound(now: later, limit: 10).isEmpty)   // theirs is renewed; mine and left now theirs
        let muchLater = later.addingTimeInterval(InboundLease.defaultSeconds)
        #expect(try store.queue.claimInbound(now: muchLater, limit: 10).map(\.id) == [mine.id, theirs.id, left.id])
        #expect(try store.queue.claimInbound(now: muchLater.addingTimeInterval(InboundLease.defaultSeconds + 1), limit: 10).isEmpty)
        #expect(try store.queue.pendingInbound(limit: 10).count == 3)
    }

    @Test func outboxOfOneChannelIsNotClaimedByAnother() throws {
        let c = try makeConversation(a)
        _ = try reply(a, c, "one")
        #expect(try store.queue.claimOutbox(channel: "wa-other", now: Date().addingTimeInterval(1), limit: 10).isEmpty)
    }

    @Test func unroutedMessagesAreHeldOnce() throws {
        #expect(try store.queue.holdUnrouted(channel: nil, providerAddress: "999", providerMessageID: "wamid.X",
                                             sender: "2348031234567", reason: "unknown phone_number_id", payloadJSON: "{}"))
        #expect(try !store.queue.holdUnrouted(channel: nil, providerAddress: "999", providerMessageID: "wamid.X",
                                              sender: "2348031234567", reason: "unknown phone_number_id", payloadJSON: "{}"))
        let held = try store.queue.unrouted(limit: 10)
        #expect(held.count == 1)
        #expect(held.first?.reason == "unknown phone_number_id")
    }
}
