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
        let result = try ws.transaction { tx in
            let contact = try tx.contacts.upsert(e164: "+2348030000001", rawPhone: nil, profileName: nil).contact
            // Through the transaction's scope, and through any scope of the store on this thread.
            return (try tx.contacts.find(e164: "+2348030000001"), try store.workspace("a").contacts.get(contact.id))
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
                    try rawSQL(store, ["INSERT INTO events (workspace_id, kind, created_at) VALUES ('a', 'note', 1)",
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
