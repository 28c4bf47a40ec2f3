import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Hosts' heartbeats on PostgreSQL (`HostHeartbeat`): a claim whose claimer stopped
/// beating is taken by another host within the threshold (`heartbeatTimeout`), long before
/// its lease runs out; a claimer that keeps beating keeps its claims; a host that stops
/// cleanly deletes its row. Beats every 100 ms, a 300 ms threshold.
@Suite(.serialized) struct PostgresHeartbeatTests {
    let dir = TempDir()
    let store: PostgresStore
    let a: any WorkspaceStore
    /// Inside every lease the test's claims take (the stores' stepping clocks start at
    /// 1_780_000_000_000 and leases last minutes).
    let now = Date(millisecondsSince1970: 1_780_000_010_000)

    static func options(_ claimer: Claimer?) -> StoreOptions {
        var options = testOptions()
        options.claimer = claimer
        options.heartbeatInterval = .milliseconds(100)
        options.heartbeatTimeout = .milliseconds(300)
        return options
    }

    init() throws {
        store = try makeStore(dir, backend: .postgres, options: Self.options(nil)) as! PostgresStore
        a = store.workspace("a")
    }

    func host(_ name: String) throws -> PostgresStore {
        try reopen(store, options: Self.options(Claimer(name))) as! PostgresStore
    }

    /// Calls `claim` until it returns something or `seconds` pass; what it returned and when.
    func waitForClaim<T>(seconds: Double = 10, _ claim: () throws -> [T]) throws -> (items: [T], after: Double) {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            let items = try claim()
            if !items.isEmpty { return (items, Date().timeIntervalSince(start)) }
            usleep(20_000)
        }
        return ([], Date().timeIntervalSince(start))
    }

    @Test func anInboundJobOfAHostThatStoppedBeatingIsTakenWithinTheThreshold() throws {
        let c = try makeConversation(a)
        let live = try host("host-live"), dead = try host("host-dead")
        let m1 = try #require(try a.messages.insertInbound(inbound(c, "wamid.1", "one")).inserted)
        let m2 = try #require(try a.messages.insertInbound(inbound(c, "wamid.2", "two")).inserted)
        let theirs = try live.workspace("a").queue.enqueueInbound(conversation: c.id, message: m1.id, receivedAt: now)
        let left = try dead.workspace("a").queue.enqueueInbound(conversation: c.id, message: m2.id, receivedAt: now)
        // Both hosts beat and their leases run: nothing to take.
        usleep(400_000)
        #expect(try store.queue.claimInbound(now: now, limit: 10).isEmpty)
        // The dead host stops beating (its process is gone; nothing was released).
        try #require(dead.heartbeat).stopBeating()
        let taken = try waitForClaim { try store.queue.claimInbound(now: now, limit: 10) }
        #expect(taken.items.map(\.id) == [left.id])
        #expect(taken.after < 3, "taken after \(taken.after) s")   // 300 ms threshold, not the 300 s lease
        // Past several thresholds, the live host's job is still its own.
        usleep(700_000)
        #expect(try store.queue.claimInbound(now: now, limit: 10).isEmpty)
        #expect(try store.queue.pendingInbound(limit: 10).map(\.id).sorted() == [theirs.id, left.id].sorted())
        live.close()
        dead.close()
        _ = theirs
    }

    @Test func anOutboxEntryOfAHostThatStoppedBeatingIsClaimedAgainWithinTheThreshold() throws {
        let c = try makeConversation(a)
        let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "one"))
        _ = try a.queue.enqueueOutbox(NewOutboxItem(conversationID: c.id, messageID: m.id, channelID: "wa-main",
                                                    recipient: "2348031234567", kind: .send, bodyJSON: "{\"text\":\"one\"}", receivedAt: nil))
        let dead = try host("host-dead")
        #expect(try dead.queue.claimOutbox(channel: "wa-main", now: now, limit: 10, lease: 300).count == 1)
        usleep(400_000)
        #expect(try store.queue.claimOutbox(channel: "wa-main", now: now, limit: 10, lease: 300).isEmpty)
        try #require(dead.heartbeat).stopBeating()
        // Time moves on (claims look for void entries once a second of their clock),
        // still well inside the 300 s lease.
        let stopped = Date()
        let again = try waitForClaim {
            try store.queue.claimOutbox(channel: "wa-main", now: now.addingTimeInterval(2 + Date().timeIntervalSince(stopped)), limit: 10, lease: 300)
        }
        #expect(again.items.map(\.claim) == [2])
        #expect(again.after < 3, "claimed again after \(again.after) s")
        dead.close()
    }

    @Test func aHostThatStopsCleanlyDeletesItsHeartbeat() throws {
        let other = try host("host-other")
        func rows() throws -> [String] {
            try store.pool.read { db in try db.query("SELECT host_id FROM host_heartbeats ORDER BY host_id") { $0.string(0) } }
        }
        #expect(try rows().contains("host-other"))
        #expect(try rows().contains(store.claimer.id))
        #expect(store.claimer.id.hasPrefix(ProcessInfo.processInfo.hostName + "/"))
        other.close()
        #expect(try !rows().contains("host-other"))
        // A command's store (heartbeat off) never counts as a host.
        var quiet = Self.options(Claimer("a-command"))
        quiet.heartbeat = false
        let command = try reopen(store, options: quiet) as! PostgresStore
        #expect(command.heartbeat == nil)
        #expect(try !rows().contains("a-command"))
        #expect(try store.liveHosts() == [store.claimer.id])
        command.close()
    }
}
