import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore

struct Boom: Error {}

@Suite struct TransactionTests {
    let dir = TempDir()
    let store: any Store
    let ws: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        ws = store.workspace("a")
    }

    @Test func aThrowingBodyLeavesNothingBehind() throws {
        let conversation = try makeConversation(ws)
        #expect(throws: Boom.self) {
            try ws.transaction { tx in
                let message = try #require(try tx.messages.insertInbound(inbound(conversation, "wamid.1", "hi")).inserted)
                _ = try tx.events.append(NewEvent(.received, conversation: conversation.id, message: message.id))
                _ = try tx.conversations.transition(conversation.id, .handoff)
                throw Boom()
            }
        }
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try ws.conversations.get(conversation.id) == conversation)
        // The provider id is free again: the redelivery is stored.
        #expect(try ws.messages.insertInbound(inbound(conversation, "wamid.1", "hi")).inserted != nil)
    }

    @Test func readsInsideSeeTheTransactionsWrites() throws {
        let result = try store.transaction { tx in
            let contact = try tx.workspace("a").contacts.upsert(e164: "+2348030000001", rawPhone: nil, profileName: nil).contact
            // Through the workspace store the handle gave, and through another one of it.
            return (try tx.workspace("a").contacts.find(e164: "+2348030000001"),
                    try tx.workspace("a").transaction { ws in try ws.contacts.get(contact.id) })
        }
        #expect(result.0 != nil)
        #expect(result.1 != nil)
    }

    @Test func aFailedStepCaughtInsideDoesNotUndoTheOthers() throws {
        let conversation = try makeConversation(ws)
        try ws.transaction { tx in
            _ = try tx.events.append(NewEvent(.note, conversation: conversation.id))
            #expect(throws: StoreError.self) { try tx.conversations.transition(conversation.id, .agentReopen) }
            _ = try tx.conversations.transition(conversation.id, .handoff)
        }
        #expect(try ws.conversations.get(conversation.id)?.state == .human)
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10).map(\.kind) == [.note, .stateChanged])
    }

    /// A store call that fails after changing rows cannot leave them behind: the whole
    /// transaction is undone and fails, even when the body catches the error.
    @Test func aStepFailingAfterWritingUndoesTheWholeTransaction() throws {
        let conversation = try makeConversation(ws)
        // One call writes a row, then fails (a foreign key) on its second.
        let before = try ws.events.list(conversation: nil, after: nil, limit: 100)
        let caught = Mutex(false)
        #expect(throws: StoreError.self) {
            try ws.transaction { tx in
                _ = try tx.events.append(NewEvent(.note, conversation: conversation.id))
                do {
                    try rawSQL(tx, ["INSERT INTO events (workspace_id, kind, created_at) VALUES ('a', 'note', 1)",
                                       "INSERT INTO events (workspace_id, kind, created_at) VALUES ('no-such-workspace', 'note', 1)"])
                } catch {
                    caught.withLock { $0 = true }
                }
            }
        }
        #expect(caught.withLock { $0 })
        #expect(try ws.events.list(conversation: nil, after: nil, limit: 100) == before)
    }

    /// Queued transactions commit in the order they were queued; each completion says
    /// whether its own writes were committed, and one that failed took only its own.
    @Test func queuedTransactionsCommitInOrderAndReportTheirOwnFailure() throws {
        let outcomes = Mutex<[(Int, Bool)]>([])
        let done = DispatchSemaphore(value: 0)
        for i in 0..<50 {
            store.transactionAsync({ tx in
                _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["i": String(i)]))
                if i == 25 { throw Boom() }
            }, completion: { error in
                outcomes.withLock { $0.append((i, error is Boom)) }
                done.signal()
            })
        }
        for _ in 0..<50 { #expect(done.wait(timeout: .now() + 10) == .success) }
        #expect(outcomes.withLock { $0.map(\.0) } == Array(0..<50))
        #expect(outcomes.withLock { $0.filter(\.1).map(\.0) } == [25])
        let stored = try ws.events.list(conversation: nil, after: nil, limit: 100).compactMap { $0.detail?["i"] }
        #expect(stored.count == 49 && !stored.contains("25"))
    }

    @Test func oneTransactionAcrossWorkspaces() throws {
        #expect(throws: Boom.self) {
            try store.transaction { tx in
                _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "1"]))
                _ = try tx.workspace("b").events.append(NewEvent(.note, detail: ["n": "1"]))
                throw Boom()
            }
        }
        #expect(try store.workspace("a").events.list(conversation: nil, after: nil, limit: 10).allSatisfy { $0.kind != .note })
        #expect(try store.workspace("b").events.list(conversation: nil, after: nil, limit: 10).allSatisfy { $0.kind != .note })
        try store.transaction { tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "2"]))
            _ = try tx.workspace("b").events.append(NewEvent(.note, detail: ["n": "2"]))
        }
        #expect(try store.workspace("a").events.list(conversation: nil, after: nil, limit: 10).filter { $0.kind == .note }.count == 1)
        #expect(try store.workspace("b").events.list(conversation: nil, after: nil, limit: 10).filter { $0.kind == .note }.count == 1)
    }

    /// A body may hand work to another thread through its handle and wait for it: what
    /// that thread writes through the handle is part of the transaction (it commits with
    /// it, and a rollback undoes it). With transactions joined by thread, the other
    /// thread's write was a transaction of its own: on SQLite it waited for the writer
    /// the body held (for ever), on PostgreSQL it committed alone.
    @Test func workHandedToAnotherThreadThroughTheHandleIsPartOfTheTransaction() throws {
        let conversation = try makeConversation(ws)
        func handOff(_ tx: any StoreTransaction, _ text: String) throws {
            let done = DispatchSemaphore(value: 0)
            let failure = LockedBox<String?>("not run")
            Thread.detachNewThread {
                failure.set(nil)
                do {
                    _ = try tx.workspace("a").messages.insertOutbound(
                        NewOutboundMessage(conversationID: conversation.id, kind: .text, text: text))
                    _ = try tx.workspace("b").events.append(NewEvent(.note, detail: ["text": text]))
                } catch {
                    failure.set("\(error)")
                }
                done.signal()
            }
            #expect(done.wait(timeout: .now() + 10) == .success, "the other thread's write finished")
            #expect(failure.get() == nil)
        }
        #expect(throws: Boom.self) {
            try store.transaction { tx in
                _ = try tx.workspace("a").events.append(NewEvent(.note, conversation: conversation.id))
                try handOff(tx, "undone")
                throw Boom()
            }
        }
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try store.workspace("b").events.list(conversation: nil, after: nil, limit: 10).allSatisfy { $0.kind != .note })
        try store.transaction { tx in
            try handOff(tx, "kept")
            // The body sees what the other thread wrote: the same transaction.
            #expect(try tx.workspace("a").messages.list(conversation: conversation.id, after: nil, limit: 10).map(\.text) == ["kept"])
        }
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).map(\.text) == ["kept"])
        #expect(try store.workspace("b").events.list(conversation: nil, after: nil, limit: 10).filter { $0.kind == .note }.count == 1)
    }

    /// Every repository reached through the handle writes inside the transaction: a
    /// rollback undoes them all (workspaces' rows, the outbox, host audit, templates,
    /// channel status, operators).
    @Test func aRollbackUndoesEveryWriteMadeThroughTheHandle() throws {
        let conversation = try makeConversation(ws)
        let before = (audit: try store.hostAudit.list(before: nil, limit: 100).count,
                      operators: try store.operators.list().count)
        #expect(throws: Boom.self) {
            try store.transaction { tx in
                let a = tx.workspace("a")
                let m = try a.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "x"))
                _ = try a.queue.enqueueOutbox(NewOutboxItem(
                    conversationID: conversation.id, messageID: m.id, channelID: conversation.channelID,
                    recipient: "2348031234567", kind: .send, bodyJSON: "{}", receivedAt: nil))
                _ = try a.audit.record(actor: "test", action: "x", summary: "x")
                _ = try tx.hostAudit.record(actor: "test", action: "x", summary: "x")
                _ = try tx.operators.create(email: "op@example.com", passwordHash: "h")
                try tx.channelStatus.record(ChannelStatus(channel: "wa-main", state: .connected, reason: nil, since: Date()))
                _ = try tx.queue.holdUnrouted(channel: nil, providerAddress: "p", providerMessageID: "wamid.u", sender: nil,
                                              reason: "r", payloadJSON: "{}")
                // Nested transactions through the handle join it.
                try tx.transaction { inner in
                    _ = try inner.workspace("b").events.append(NewEvent(.note))
                }
                try a.transaction { inner in
                    _ = try inner.events.append(NewEvent(.note, conversation: conversation.id))
                }
                throw Boom()
            }
        }
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try store.queue.outboxDepth().isEmpty)
        #expect(try ws.audit.list(before: nil, limit: 10).isEmpty)
        #expect(try store.hostAudit.list(before: nil, limit: 100).count == before.audit)
        #expect(try store.operators.list().count == before.operators)
        #expect(try store.channelStatus.all().isEmpty)
        #expect(try store.queue.unrouted(limit: 10).isEmpty)
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try store.workspace("b").events.list(conversation: nil, after: nil, limit: 10).allSatisfy { $0.kind != .note })
    }

    /// A store call made on the store, not through the handle, by the thread running a
    /// body is a mistake (on SQLite it would wait for the one writer the transaction
    /// holds, for ever): it fails at once with `misuse`, naming the fix, and the
    /// transaction goes on.
    @Test func aCallOnTheStoreInsideATransactionIsRefusedAsMisuse() throws {
        let store = self.store
        let refusals = try store.transaction { tx -> [StoreError?] in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "kept"]))
            return [
                storeError { _ = try store.workspace("a").events.append(NewEvent(.note)) },
                storeError { _ = try store.workspace("a").events.list(conversation: nil, after: nil, limit: 1) },
                storeError { _ = try store.queue.outboxDepth() },
                storeError { try store.transaction { _ in } },
                storeError { try store.workspace("a").transaction { _ in } },
            ]
        }
        for refusal in refusals {
            #expect(refusal?.code == .misuse)
            #expect(refusal?.description.contains("use the transaction's handle") == true, "\(String(describing: refusal))")
        }
        #expect(try ws.events.list(conversation: nil, after: nil, limit: 10).compactMap { $0.detail?["n"] } == ["kept"])
        // A queued transaction's body likewise.
        let queued = LockedBox<StoreError?>(nil)
        let done = DispatchSemaphore(value: 0)
        store.transactionAsync({ _ in
            queued.set(storeError { _ = try store.workspace("a").events.append(NewEvent(.note)) })
        }, completion: { _ in done.signal() })
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(queued.get()?.code == .misuse)
    }

    /// A handle kept past its body is refused: its transaction is over.
    @Test func aHandleUsedAfterItsTransactionEndedIsRefused() throws {
        let kept = LockedBox<(any StoreTransaction)?>(nil)
        try store.transaction { tx in kept.set(tx) }
        let tx = try #require(kept.get())
        #expect(storeError { _ = try tx.workspace("a").events.append(NewEvent(.note)) }?.code == .misuse)
        #expect(storeError { _ = try tx.queue.outboxDepth() }?.code == .misuse)
    }

    /// While one thread is inside a transaction, another thread's reads see the state
    /// before it.
    @Test func otherThreadsSeeOnlyCommittedData() throws {
        let conversation = try makeConversation(ws)
        let store = self.store
        let insideTransaction = DispatchSemaphore(value: 0)
        let checked = DispatchSemaphore(value: 0)
        let seenFromOtherThread = LockedBox<Int>(-1)
        Thread.detachNewThread {
            insideTransaction.wait()
            seenFromOtherThread.set((try? store.workspace("a").messages.list(conversation: conversation.id, after: nil, limit: 10).count) ?? -2)
            checked.signal()
        }
        try ws.transaction { tx in
            _ = try tx.messages.insertInbound(inbound(conversation, "wamid.1", "hi"))
            insideTransaction.signal()
            checked.wait()
        }
        #expect(seenFromOtherThread.get() == 0)
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10).count == 1)
    }
}

final class LockedBox<T: Sendable>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&value); lock.unlock() }
}
