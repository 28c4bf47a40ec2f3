import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Claims on PostgreSQL, where a claimer's liveness is its lease alone (`Claimer`): a
/// host that died keeps its work until the lease runs out, then another host takes it
/// once; a renewed lease keeps a live host's jobs; a host that closes its store ends its
/// leases, so the next claim takes its work at once. (SQLite's QueueStoreTests and
/// OutboxLeaseTests see a claimer's death in /proc instead; they are not repeated here.)
@Suite struct PostgresClaimTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore

    init() throws {
        store = try makeStore(dir, backend: .postgres)
        a = store.workspace("a")
    }

    @Test func inboundJobsOfAHostThatDiedAreTakenOnceTheirLeaseRunsOut() throws {
        let c = try makeConversation(a)
        let live = try secondStore(store, claimer: Claimer("host-live"))
        let dead = try secondStore(store, claimer: Claimer("host-dead"))   // never closed: it died
        let m1 = try #require(try a.messages.insertInbound(inbound(c, "wamid.1", "one")).inserted)
        let m2 = try #require(try a.messages.insertInbound(inbound(c, "wamid.2", "two")).inserted)
        let m3 = try #require(try a.messages.insertInbound(inbound(c, "wamid.3", "three")).inserted)
        let now = Date(millisecondsSince1970: 1_780_000_010_000)   // just after the stores' clocks
        let mine = try a.queue.enqueueInbound(conversation: c.id, message: m1.id, receivedAt: now)
        let theirs = try live.workspace("a").queue.enqueueInbound(conversation: c.id, message: m2.id, receivedAt: now)
        let left = try dead.workspace("a").queue.enqueueInbound(conversation: c.id, message: m3.id, receivedAt: now)
        // Every job is claimed by the host that queued it, and every lease runs.
        #expect(try store.queue.claimInbound(now: now, limit: 10).isEmpty)
        #expect(try live.queue.claimInbound(now: now, limit: 10).isEmpty)
        // The live host renews; the dead one cannot. Past the first leases, the dead
        // host's job is taken, once; the live host's is not; nobody takes back its own.
        #expect(try live.queue.renewInboundClaims(now: now.addingTimeInterval(200), lease: InboundLease.defaultSeconds) == 1)
        let later = now.addingTimeInterval(InboundLease.defaultSeconds + 1)
        #expect(try store.queue.claimInbound(now: later, limit: 10).map(\.id) == [left.id])
        #expect(try store.queue.claimInbound(now: later, limit: 10).isEmpty)
        #expect(try live.queue.claimInbound(now: later, limit: 10).map(\.id) == [mine.id])
        // A host that closes its store ends its leases: its jobs are taken at once.
        live.close()
        #expect(try store.queue.claimInbound(now: later, limit: 10).map(\.id) == [mine.id, theirs.id])
        #expect(try store.queue.pendingInbound(limit: 10).count == 3)
        dead.close()
    }

    @Test func anOutboxEntryOfAHostThatDiedIsClaimedAgainOnceItsLeaseRunsOut() throws {
        let c = try makeConversation(a)
        let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "one"))
        _ = try a.queue.enqueueOutbox(NewOutboxItem(conversationID: c.id, messageID: m.id, channelID: "wa-main",
                                                    recipient: "2348031234567", kind: .send, bodyJSON: "{\"text\":\"one\"}", receivedAt: nil))
        let t0 = Date(millisecondsSince1970: 1_790_000_000_000)
        let dead = try secondStore(store, claimer: Claimer("host-dead"))   // never closed: it died
        #expect(try dead.queue.claimOutbox(channel: "wa-main", now: t0, limit: 10, lease: 60).count == 1)
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(2), limit: 10, lease: 60).isEmpty)
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(59), limit: 10, lease: 60).isEmpty)
        let again = try store.queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(61), limit: 10, lease: 60)
        #expect(again.map(\.claim) == [2])
        dead.close()
    }
}
