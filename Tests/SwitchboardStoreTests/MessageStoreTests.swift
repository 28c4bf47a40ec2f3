import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct MessageStoreTests {
    let dir = TempDir()
    let store: any Store
    let ws: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        ws = store.workspace("a")
    }

    @Test func inboundIsStoredOnceAndOpensTheServiceWindow() throws {
        let conversation = try makeConversation(ws)
        #expect(conversation.lastInboundAt == nil)
        let message = try #require(try ws.messages.insertInbound(
            NewInboundMessage(conversationID: conversation.id, providerMessageID: "wamid.1", kind: .location, text: nil,
                              payloadJSON: #"{"latitude":6.5,"longitude":3.4}"#)).inserted)
        #expect(message.direction == .inbound)
        #expect(message.status == nil)
        #expect(message.channelID == conversation.channelID)
        #expect(message.id.rawValue.hasPrefix("msg_"))
        #expect(try ws.messages.get(message.id) == message)
        #expect(try ws.messages.find(channel: "wa-main", providerMessageID: "wamid.1") == message)
        let after = try #require(try ws.conversations.get(conversation.id))
        #expect(after.lastInboundAt == message.createdAt)
        #expect(after.updatedAt == message.createdAt)
        // A redelivered webhook changes nothing.
        #expect(try ws.messages.insertInbound(inbound(conversation, "wamid.1", "different text")) == .duplicate(message.id))
        #expect(try ws.messages.get(message.id) == message)
        #expect(try ws.conversations.get(conversation.id) == after)
    }

    @Test func outboundStartsQueuedAndNotesHaveNoStatus() throws {
        let conversation = try makeConversation(ws)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "Hi!"))
        #expect(reply.status == .queued)
        #expect(reply.direction == .outbound)
        #expect(reply.providerMessageID == nil)
        let note = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .note, text: "VIP customer"))
        #expect(note.status == nil)
        #expect(try ws.conversations.get(conversation.id)?.lastInboundAt == nil)
        // Two outbound messages without provider ids do not collide on the dedup key.
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).map(\.id) == [reply.id, note.id])
    }

    @Test func deliveryStatusNeverMovesBackwards() throws {
        let conversation = try makeConversation(ws)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "Hi!"))
        let sending = try ws.messages.recordSend(reply.id, status: .sending, providerMessageID: nil, errorCode: nil, errorTitle: nil)
        #expect(sending.previous == .queued)
        #expect(sending.message.status == .sending)
        let sent = try ws.messages.recordSend(reply.id, status: .sent, providerMessageID: "wamid.OUT", errorCode: nil, errorTitle: nil)
        #expect(sent.message.status == .sent)
        #expect(sent.message.providerMessageID == "wamid.OUT")

        func report(_ status: DeliveryStatus) throws -> StatusUpdate {
            try #require(try ws.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.OUT", to: status, errorCode: nil, errorTitle: nil))
        }
        let read = try report(.read)
        #expect(read.changed)
        #expect(read.message.status == .read)
        let lateDelivered = try report(.delivered) // receipts arrive out of order
        #expect(!lateDelivered.changed)
        #expect(lateDelivered.message.status == .read)
        let lateSent = try report(.sent)
        #expect(!lateSent.changed)
        let lateFailed = try ws.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.OUT", to: .failed, errorCode: "131047", errorTitle: "Re-engagement message")
        #expect(lateFailed?.message.status == .read)
        #expect(lateFailed?.message.errorCode == nil)
        let stored = try #require(try ws.messages.get(reply.id))
        #expect(stored.status == .read)
        #expect(stored.updatedAt == read.message.updatedAt)

        #expect(try ws.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.UNKNOWN", to: .read, errorCode: nil, errorTitle: nil) == nil)
        #expect(try ws.messages.updateStatus(channel: "wa-other", providerMessageID: "wamid.OUT", to: .read, errorCode: nil, errorTitle: nil) == nil)
    }

    @Test func failureIsFinalAndKeepsTheProvidersError() throws {
        let conversation = try makeConversation(ws)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "Hi!"))
        _ = try ws.messages.recordSend(reply.id, status: .sent, providerMessageID: "wamid.F", errorCode: nil, errorTitle: nil)
        let failed = try #require(try ws.messages.updateStatus(
            channel: "wa-main", providerMessageID: "wamid.F", to: .failed, errorCode: "131026", errorTitle: "Message undeliverable"))
        #expect(failed.message.status == .failed)
        #expect(failed.message.errorCode == "131026")
        #expect(failed.message.errorTitle == "Message undeliverable")
        let after = try ws.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.F", to: .delivered, errorCode: nil, errorTitle: nil)
        #expect(after?.message.status == .failed)
        #expect(try ws.messages.get(reply.id)?.errorCode == "131026")
    }

    @Test func inboundMessagesIgnoreStatusReports() throws {
        let conversation = try makeConversation(ws)
        let message = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.IN", "hello")).inserted)
        let update = try ws.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.IN", to: .read, errorCode: nil, errorTitle: nil)
        #expect(update?.changed == false)
        #expect(try ws.messages.get(message.id)?.status == nil)
    }

    @Test func listPagesWithACursor() throws {
        let conversation = try makeConversation(ws)
        let other = try makeConversation(ws, phone: "+2348030000009")
        var ids: [MessageID] = []
        for i in 0..<5 {
            ids.append(try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.\(i)", "message \(i)")).inserted).id)
            _ = try ws.messages.insertInbound(inbound(other, "wamid.other.\(i)", "noise"))
        }
        let page1 = try ws.messages.list(conversation: conversation.id, after: nil, limit: 2)
        #expect(page1.map(\.id) == Array(ids[0..<2]))
        let page2 = try ws.messages.list(conversation: conversation.id, after: page1.last?.id, limit: 2)
        #expect(page2.map(\.id) == Array(ids[2..<4]))
        let page3 = try ws.messages.list(conversation: conversation.id, after: page2.last?.id, limit: 2)
        #expect(page3.map(\.id) == [ids[4]])
        #expect(try ws.messages.list(conversation: conversation.id, after: ids[4], limit: 2).isEmpty)
    }

    /// A conversation read backwards a page at a time: the newest first, each page oldest
    /// first, every message once; a cursor of another workspace is not found.
    @Test func tailBeforePagesBackwards() throws {
        let conversation = try makeConversation(ws)
        var ids: [MessageID] = []
        for i in 0..<7 {
            ids.append(try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.tb\(i)", "m\(i)")).inserted).id)
        }
        let newest = try ws.messages.tail(conversation: conversation.id, before: nil, limit: 3)
        #expect(newest.map(\.id) == Array(ids[4..<7]))
        let middle = try ws.messages.tail(conversation: conversation.id, before: newest.first?.id, limit: 3)
        #expect(middle.map(\.id) == Array(ids[1..<4]))
        let oldest = try ws.messages.tail(conversation: conversation.id, before: middle.first?.id, limit: 3)
        #expect(oldest.map(\.id) == [ids[0]])
        #expect(try ws.messages.tail(conversation: conversation.id, before: ids[0], limit: 3).isEmpty)
        let b = store.workspace("b")
        #expect(storeError { _ = try b.messages.tail(conversation: conversation.id, before: ids[3], limit: 3) }?.code == .notFound)
        #expect(try b.messages.tail(conversation: conversation.id, before: nil, limit: 3).isEmpty)
    }

    @Test func tailIsTheLastMessagesOfOneConversationOldestFirst() throws {
        let conversation = try makeConversation(ws)
        let other = try makeConversation(ws, phone: "+2348030000009")
        var ids: [MessageID] = []
        for i in 0..<5 {
            ids.append(try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.\(i)", "message \(i)")).inserted).id)
            _ = try ws.messages.insertInbound(inbound(other, "wamid.other.\(i)", "noise"))
        }
        #expect(try ws.messages.tail(conversation: conversation.id, before: nil, limit: 3).map(\.id) == Array(ids[2..<5]))
        #expect(try ws.messages.tail(conversation: conversation.id, before: nil, limit: 50).map(\.id) == ids)
        #expect(try ws.messages.tail(conversation: conversation.id, before: nil, limit: 0).isEmpty)
        #expect(try store.workspace("b").messages.tail(conversation: conversation.id, before: nil, limit: 5).isEmpty)
    }

    @Test func searchTakesPlainWordsAndRanksMatches() throws {
        let conversation = try makeConversation(ws)
        let hours = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.1", "What are your opening hours?")).inserted)
        let price = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.2", "How much is the chocolate cake?")).inserted)
        _ = try ws.messages.insertInbound(inbound(conversation, "wamid.3", "Crème brûlée AND \"quotes\" (maybe) * NEAR"))
        waitForSearchIndex(store)
        #expect(try ws.messages.search("opening hours", limit: 10).map(\.id) == [hours.id])
        #expect(try ws.messages.search("CHOCOLATE", limit: 10).map(\.id) == [price.id])
        #expect(try ws.messages.search("creme brulee", limit: 10).count == 1) // diacritics folded
        #expect(try ws.messages.search("hours chocolate", limit: 10).isEmpty) // every word must occur
        // Search syntax in user input is text, never an error.
        for query in ["AND", "\"quotes\"", "(maybe", "*", "NEAR(", "a:b", "\""] {
            #expect(throws: Never.self) { _ = try ws.messages.search(query, limit: 10) }
        }
        #expect(try ws.messages.search("   ", limit: 10).isEmpty)
    }

    /// A search only reads; new messages reach the index in the background, without
    /// another write to carry them: a message is found shortly after it was stored.
    @Test func searchReadsAndTheIndexCatchesUpInTheBackground() throws {
        let conversation = try makeConversation(ws)
        // Two writes in a row: the second commit comes before the index is due again, so
        // the message it stored is left for the background run.
        _ = try ws.messages.insertInbound(inbound(conversation, "wamid.bg1", "pumpernickel first"))
        let second = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.bg2", "pumpernickel second")).inserted)
        var found: [MessageID] = []
        let end = ContinuousClock.now + .seconds(10)
        while found.count < 2 && ContinuousClock.now < end {
            let before = sqlite(store).writeStatistics
            found = try ws.messages.search("pumpernickel", limit: 10).map(\.id)
            #expect(sqlite(store).writeStatistics.writes == before.writes, "a search wrote")
            if found.count < 2 { usleep(5_000) }
        }
        #expect(found.contains(second.id))
        #expect(found.count == 2)
        #expect(try sqlite(store).searchIndexIsCurrent())
    }

    /// Messages are indexed for search in batches (migration 7): what a transaction
    /// stored is found after it commits, what it rolled back is not, and the index stays
    /// consistent through commits that share a group with a failing write.
    @Test func searchIndexesWhatEachCommitStoredAndNothingRolledBack() throws {
        let conversation = try makeConversation(ws)
        try ws.transaction { ws in
            for i in 0..<5 {
                _ = try ws.messages.insertInbound(inbound(conversation, "wamid.t\(i)", "sourdough loaf \(i)"))
            }
        }
        waitForSearchIndex(store)
        #expect(try ws.messages.search("sourdough", limit: 10).count == 5)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try ws.transaction { ws in
                _ = try ws.messages.insertInbound(inbound(conversation, "wamid.gone", "baguette"))
                throw Refused()
            }
        }
        // Writers on several threads at once: their bodies share commits.
        let done = DispatchGroup()
        let w = self.ws, st = self.store
        for t in 0..<4 {
            done.enter()
            Thread.detachNewThread {
                for i in 0..<10 {
                    _ = try? w.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text,
                                                                          text: "croissant \(t)-\(i)"))
                    try? st.transaction { tx in
                        _ = try tx.workspace(w.workspaceID).messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text,
                                                                              text: "brioche"))
                        throw Refused()
                    }
                }
                done.leave()
            }
        }
        done.wait()
        waitForSearchIndex(store)
        #expect(try ws.messages.search("baguette", limit: 10).isEmpty)
        #expect(try ws.messages.search("brioche", limit: 10).isEmpty)
        #expect(try ws.messages.search("croissant", limit: 100).count == 40)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "rye"))
        waitForSearchIndex(store)
        #expect(try ws.messages.search("rye", limit: 10).map(\.id) == [reply.id])
        if let store = store as? SQLiteStore { try store.pool.write { db in try db.run("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')") } }
    }
}
