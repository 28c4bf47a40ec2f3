import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// An outbox entry claimed in the transaction that queues it
/// (`enqueueOutbox(_:claimFor:)`): born `sending` under a lease when it is the oldest
/// entry of its conversation, so no claim takes it while the lease holds; queued as
/// usual behind an older one; taken again by a claim once its lease runs out. Time is the
/// claims' own `now`.
@Suite struct OutboxHandoverStoreTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        a = store.workspace("a")
    }

    func reply(_ c: Conversation, _ text: String) throws -> NewOutboxItem {
        let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: text))
        return NewOutboxItem(conversationID: c.id, messageID: m.id, channelID: c.channelID, recipient: "2348031234567",
                             kind: .send, bodyJSON: "{\"text\":\"\(text)\"}", receivedAt: nil)
    }

    func claim(at date: Date) throws -> [OutboxItem] {
        try store.queue.claimOutbox(channel: "wa-main", now: date, limit: 10, lease: 60)
    }

    @Test func theOldestEntryOfItsConversationIsBornClaimedAndTheNextWaitsBehindIt() throws {
        let c = try makeConversation(a)
        _ = try a.messages.insertInbound(inbound(c, "wamid.1", "hi"))
        let lastInbound = try #require(try a.conversations.get(c.id)?.lastInboundAt)
        let first = try a.queue.enqueueOutbox(try reply(c, "one"), claimFor: 60)
        #expect(first.state == .sending)
        #expect(first.claim == 1)
        #expect(first.leaseUntil == first.createdAt.addingTimeInterval(60).truncatedToMilliseconds)
        #expect(first.conversationLastInboundAt == lastInbound)
        #expect(try store.queue.hasQueuedOutbox(channel: "wa-main") == false)
        // Behind it, the conversation's next reply is only queued.
        let second = try a.queue.enqueueOutbox(try reply(c, "two"), claimFor: 60)
        #expect(second.state == .queued)
        #expect(second.claim == 0)
        #expect(second.leaseUntil == nil)
        #expect(try store.queue.hasQueuedOutbox(channel: "wa-main"))
        // While the first one's lease holds, a claim takes neither.
        #expect(try claim(at: first.createdAt.addingTimeInterval(1)).isEmpty)
        #expect(try claim(at: first.createdAt.addingTimeInterval(59)).isEmpty)
        // Sent: the second is claimed as any queued entry is.
        try a.queue.finishOutbox(first.id)
        let taken = try claim(at: first.createdAt.addingTimeInterval(59.5))
        #expect(taken.map(\.id) == [second.id])
        #expect(taken.first?.claim == 1)
        #expect(try store.queue.hasQueuedOutbox(channel: "wa-main") == false)
    }

    /// The host's one look for whose senders to wake (`channelsToClaim`): a channel with a
    /// queued entry due, one whose lease ran out; not one whose entry is due later, nor one
    /// whose entry this store's claimer holds under a running lease.
    @Test func channelsToClaimNamesTheChannelsWithSomethingClaimableNow() throws {
        let main = try makeConversation(a)
        let two = try makeConversation(a, phone: "+2348031234568", channel: "wa-two")
        let three = try makeConversation(a, phone: "+2348031234569", channel: "wa-three")
        let born = try a.queue.enqueueOutbox(try reply(main, "one"), claimFor: 60)
        _ = try a.queue.enqueueOutbox(try reply(two, "two"))
        let later = try a.queue.enqueueOutbox(try reply(three, "three"))
        let t = born.createdAt
        try a.queue.retryOutbox(later.id, attempts: 1, nextAttemptAt: t.addingTimeInterval(30), error: "busy")
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(1)) == ["wa-two"])
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(31)) == ["wa-two", "wa-three"])
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(61)) == ["wa-main", "wa-two", "wa-three"])
        // Claimed and sent: nothing left to look at there.
        let claimed = try store.queue.claimOutbox(channel: "wa-two", now: t.addingTimeInterval(61), limit: 10, lease: 60)
        try a.queue.finishOutbox(try #require(claimed.first).id)
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(61)) == ["wa-main", "wa-three"])
        // One channel's look (a sender's start).
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(61), only: "wa-three") == ["wa-three"])
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(61), only: "wa-two").isEmpty)
        #expect(try store.queue.channelsToClaim(now: t.addingTimeInterval(1), only: "wa-three").isEmpty)
    }

    @Test func aBornClaimedEntryWhoseLeaseRanOutIsClaimedAgainAndItsFirstClaimNoLongerApplies() throws {
        let c = try makeConversation(a)
        let first = try a.queue.enqueueOutbox(try reply(c, "one"), claimFor: 5)
        #expect(try claim(at: first.createdAt.addingTimeInterval(4)).isEmpty)
        let again = try claim(at: first.createdAt.addingTimeInterval(6))
        #expect(again.map(\.id) == [first.id])
        #expect(again.first?.claim == 2)
        #expect(again.first?.bodyJSON == "{\"text\":\"one\"}")
        // The hand-over's claim comes back late: its requeue no longer applies.
        #expect(try a.queue.retryOutbox(first.id, claim: 1, attempts: 0, nextAttemptAt: first.createdAt, error: "") == false)
    }

    @Test func aBornClaimedEntryUndoneWithItsTransactionLeavesNothingBehind() throws {
        let c = try makeConversation(a)
        let new = try reply(c, "one")
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try a.transaction { a in
                _ = try a.queue.enqueueOutbox(new, claimFor: 60)
                throw Undo()
            }
        }
        #expect(try store.queue.outboxDepth().isEmpty)
        // The conversation's next reply is born claimed, not queued behind a ghost.
        #expect(try a.queue.enqueueOutbox(new, claimFor: 60).state == .sending)
    }
}
