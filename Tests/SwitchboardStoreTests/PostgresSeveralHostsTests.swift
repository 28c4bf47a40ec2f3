import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// Two stores on one PostgreSQL database, as two hosts would be: claims on the same
/// channel never take an entry twice and keep each conversation's order (`FOR UPDATE
/// SKIP LOCKED`), a webhook redelivered to both hosts at once is stored once, a person's
/// first messages on both find one contact and conversation, and two hand-overs of one
/// conversation claim only the first.
@Suite struct PostgresSeveralHostsTests {
    let hosts: [PostgresStore]

    init() throws {
        let url = try TestPostgres.freshDatabase(prefix: "hosts")
        let first = try PostgresStore(url: url, poolSize: 6, options: testOptions())
        _ = try first.syncWorkspaces([definition("a"), definition("b")])
        hosts = [first, try PostgresStore(url: url, poolSize: 6, options: testOptions())]
    }

    func reply(_ ws: any WorkspaceStore, _ conversation: Conversation, _ text: String) throws -> OutboxItem {
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: text))
        return try ws.queue.enqueueOutbox(NewOutboxItem(
            conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
            recipient: "2348031234567", kind: .send, bodyJSON: "{}", receivedAt: nil))
    }

    @Test func claimsOfTwoHostsAreDisjointAndKeepEachConversationsOrder() throws {
        let a = hosts[0].workspace("a")
        var queued: [ConversationID: [Int64]] = [:]
        for c in 0..<8 {
            let conversation = try makeConversation(a, phone: "+23480300001\(c)")
            for i in 0..<4 { queued[conversation.id, default: []].append(try reply(a, conversation, "\(c).\(i)").id) }
        }
        let total = queued.values.reduce(0) { $0 + $1.count }
        // Each host's senders claim a few at a time and finish what they claimed; the
        // order in which entries were claimed is recorded across both hosts.
        let claimed = LockedBox<[(Int64, ConversationID)]>([])
        let errors = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let store = hosts[worker % 2]
            let deadline = Date().addingTimeInterval(30)
            while claimed.get().count < total && Date() < deadline {
                do {
                    let items = try store.queue.claimOutbox(channel: "wa-main", now: Date(), limit: 3, lease: 60)
                    claimed.update { $0 += items.map { ($0.id, $0.conversationID) } }
                    for item in items { try store.workspace(item.workspaceID).queue.finishOutbox(item.id) }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
        }
        #expect(errors.get() == [])
        let order = claimed.get()
        #expect(order.count == total, "every entry claimed once")
        #expect(Set(order.map(\.0)).count == order.count, "no entry claimed twice")
        for (conversation, ids) in queued {
            #expect(order.filter { $0.1 == conversation }.map(\.0) == ids, "\(conversation) left in order")
        }
    }

    @Test func aWebhookRedeliveredToBothHostsAtOnceIsStoredOnce() throws {
        let conversation = try makeConversation(hosts[0].workspace("a"))
        for round in 0..<5 {
            let outcomes = LockedBox<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { i in
                do {
                    let result = try hosts[i % 2].workspace("a").messages.insertInbound(inbound(conversation, "wamid.r\(round)", "hi"))
                    outcomes.update { $0.append(result.inserted != nil ? "inserted" : "duplicate:\(result.duplicateID!)") }
                } catch {
                    outcomes.update { $0.append("error: \(error)") }
                }
            }
            let all = outcomes.get()
            #expect(all.filter { $0 == "inserted" }.count == 1, "\(all)")
            let stored = try #require(try hosts[1].workspace("a").messages.find(channel: "wa-main", providerMessageID: "wamid.r\(round)"))
            #expect(all.filter { $0 == "duplicate:\(stored.id)" }.count == 5, "\(all)")
        }
    }

    @Test func aPersonsFirstMessagesOnBothHostsFindOneContactAndConversation() throws {
        for round in 0..<5 {
            let phone = "+2348030009\(round)00"
            let errors = LockedBox<[String]>([])
            let seen = LockedBox<Set<String>>([])
            DispatchQueue.concurrentPerform(iterations: 6) { i in
                do {
                    let ws = hosts[i % 2].workspace("b")
                    let contact = i < 3
                        ? try ws.contacts.upsert(e164: phone, rawPhone: nil, profileName: "Ada").contact
                        : try ws.contacts.resolve(ContactIdentities(e164: phone, whatsAppLID: "1\(round)9@lid"), rawPhone: nil,
                                                  profileName: "Ada").contact
                    let conversation = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
                    seen.update { $0.insert("\(contact.id) \(conversation.id)") }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
            #expect(errors.get() == [])
            #expect(seen.get().count == 1, "\(seen.get())")
        }
    }

    @Test func twoHandOversOfOneConversationClaimOnlyTheFirst() throws {
        let a = hosts[0].workspace("a")
        for round in 0..<5 {
            let conversation = try makeConversation(a, phone: "+23480300077\(round)")
            let states = LockedBox<[OutboxItem]>([])
            let errors = LockedBox<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do {
                    let ws = hosts[i].workspace("a")
                    let item = try ws.transaction { tx in
                        let m = try tx.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "\(i)"))
                        return try tx.queue.enqueueOutbox(NewOutboxItem(
                            conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
                            recipient: "2348031234567", kind: .send, bodyJSON: "{}", receivedAt: nil), claimFor: 60)
                    }
                    states.update { $0.append(item) }
                } catch {
                    errors.update { $0.append("\(error)") }
                }
            }
            #expect(errors.get() == [])
            let items = states.get().sorted { $0.id < $1.id }
            #expect(items.map(\.state) == [.sending, .queued], "round \(round): \(items.map { ($0.id, $0.state) })")
        }
    }

    /// A host that stops answering loses its claim when the lease runs out: the other
    /// host takes the entry with the next claim number, and the first host's late retry
    /// changes nothing.
    @Test func anEntryWhoseLeaseRanOutMovesToTheOtherHost() throws {
        let a = hosts[0].workspace("a")
        let conversation = try makeConversation(a)
        let item = try reply(a, conversation, "one")
        let t0 = Date()
        let first = try hosts[0].queue.claimOutbox(channel: "wa-main", now: t0, limit: 10, lease: 30)
        #expect(first.map(\.id) == [item.id])
        #expect(try hosts[1].queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(10), limit: 10, lease: 30).isEmpty)
        let second = try hosts[1].queue.claimOutbox(channel: "wa-main", now: t0.addingTimeInterval(31), limit: 10, lease: 30)
        #expect(second.map(\.id) == [item.id])
        #expect(second.first?.claim == 2)
        #expect(try !a.queue.retryOutbox(item.id, claim: 1, attempts: 1, nextAttemptAt: t0, error: "late"))
        #expect(try hosts[1].workspace("a").queue.retryOutbox(item.id, claim: 2, attempts: 1, nextAttemptAt: t0, error: "503"))
    }

    // MARK: one host's transaction open while the other acts

    /// Runs `first` in a transaction of host 0 and, while that transaction is still open,
    /// `second` on another thread; waits until `second` finished or waits for a lock
    /// (seen in `pg_stat_activity`), then commits. Returns whether `second` finished while
    /// the transaction was open, and its outcome.
    func whileOpen<T: Sendable>(_ first: (any StoreTransaction) throws -> Void, then second: @escaping @Sendable () throws -> T)
        throws -> (finishedWhileOpen: Bool, outcome: Result<T, any Error>)
    {
        let observer = try PostgresConnection(url: hosts[0].pool.url)
        let box = LockedBox<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        var finishedWhileOpen = false
        try hosts[0].transaction { tx in
            try first(tx)
            Thread.detachNewThread { box.set(Result { try second() }); done.signal() }
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if box.get() != nil { finishedWhileOpen = true; break }
                let waiting = try observer.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                if waiting.int64(0, 0) ?? 0 > 0 { break }
                usleep(1_000)
            }
        }
        done.wait()
        return (finishedWhileOpen, box.get()!)
    }

    /// While host 0's claim holds the oldest entry of one conversation, host 1's claim
    /// does not wait for it: it takes the other conversation's entry, and neither the
    /// held entry nor the one behind it.
    @Test func aClaimSkipsTheEntriesAnotherHostsClaimHolds() throws {
        let a = hosts[0].workspace("a")
        let c1 = try makeConversation(a, phone: "+2348030000101"), c2 = try makeConversation(a, phone: "+2348030000102")
        let c1first = try reply(a, c1, "1a")
        _ = try reply(a, c1, "1b")
        let c2first = try reply(a, c2, "2a")
        _ = try reply(a, c2, "2b")
        var held: [Int64] = []
        let other = hosts[1]
        let (finished, outcome) = try whileOpen({ tx in
            held = try tx.queue.claimOutbox(channel: "wa-main", now: Date(), limit: 1, lease: 60).map(\.id)
        }, then: {
            try other.queue.claimOutbox(channel: "wa-main", now: Date(), limit: 10, lease: 60).map(\.id)
        })
        #expect(held == [c1first.id])
        #expect(finished, "the second host's claim waited for the first host's transaction")
        #expect(try outcome.get() == [c2first.id])
    }

    /// While host 0's transaction holds a hand-over of a conversation, host 1's hand-over
    /// of the same conversation waits for it, and then queues its entry behind it.
    @Test func aHandOverWaitsForAnotherHostsHandOverOfTheSameConversation() throws {
        let a = hosts[0].workspace("a")
        let conversation = try makeConversation(a)
        // The replies' messages are stored first: only the hand-overs overlap.
        let m1 = try a.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "first"))
        let m2 = try a.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "second"))
        @Sendable func handOver(_ store: any StoreAccess, _ m: Message) throws -> OutboxItem {
            try store.workspace("a").queue.enqueueOutbox(NewOutboxItem(
                conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
                recipient: "2348031234567", kind: .send, bodyJSON: "{}", receivedAt: nil), claimFor: 60)
        }
        var first: OutboxItem?
        let other = hosts[1]
        let (finished, outcome) = try whileOpen({ tx in first = try handOver(tx, m1) }, then: { try handOver(other, m2) })
        #expect(first?.state == .sending)
        #expect(!finished, "the second hand-over did not wait for the first")
        #expect(try outcome.get().state == .queued)
    }

    /// A redelivery on host 1 while host 0's transaction is storing the same message waits
    /// for it and answers "duplicate" (never a key violation, never a second row).
    @Test func aRedeliveryWhileAnotherHostStoresTheMessageIsADuplicate() throws {
        let conversation = try makeConversation(hosts[0].workspace("a"))
        var stored: Message?
        let other = hosts[1]
        let (_, outcome) = try whileOpen({ tx in
            stored = try tx.workspace("a").messages.insertInbound(inbound(conversation, "wamid.twice", "hi")).inserted
        }, then: {
            try other.workspace("a").messages.insertInbound(inbound(conversation, "wamid.twice", "hi")).duplicateID
        })
        let id = try #require(stored?.id)
        #expect(try outcome.get() == id)
    }
}

/// Connections the server drops (a restart, an administrator, an idle timeout) are
/// replaced: the store's next calls work without a restart of the host.
@Suite struct PostgresConnectionLossTests {
    @Test func connectionsTheServerDroppedAreReplaced() throws {
        let url = try TestPostgres.freshDatabase(prefix: "loss")
        let store = try PostgresStore(url: url, poolSize: 3, options: testOptions())
        _ = try store.syncWorkspaces([definition("a")])
        let ws = store.workspace("a")
        let conversation = try makeConversation(ws)
        // Several connections open and idle in the pool.
        DispatchQueue.concurrentPerform(iterations: 3) { i in
            _ = try? ws.messages.insertInbound(inbound(conversation, "wamid.before\(i)", "hi"))
        }
        let admin = try PostgresConnection(url: url)
        let others = "datname = current_database() AND pid <> pg_backend_pid()"
        let killed = try admin.query("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE \(others)) t")
        #expect((killed.int64(0, 0) ?? 0) >= 1)
        let end = Date().addingTimeInterval(10)
        while Date() < end, (try admin.query("SELECT count(*) FROM pg_stat_activity WHERE \(others)").int64(0, 0) ?? 0) > 0 {
            usleep(2_000)
        }
        // Every call works: reads and writes, on fresh connections.
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).count == 3)
        let m = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.after", "back")).inserted)
        #expect(try ws.messages.get(m.id)?.text == "back")
        #expect(try store.workspaces().map(\.id) == ["a"])
    }
}
