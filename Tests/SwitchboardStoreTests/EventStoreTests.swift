import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct EventStoreTests {
    let dir = TempDir()
    let store: any Store
    let ws: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        ws = store.workspace("a")
    }

    @Test func appendReturnsTheStoredEvent() throws {
        let conversation = try makeConversation(ws)
        let event = try ws.events.append(NewEvent(
            .received, conversation: conversation.id, message: MessageID("msg_1"), channel: "wa-main",
            detail: ["provider_id": "wamid.1"]))
        #expect(event.workspaceID == "a")
        #expect(event.detailJSON == #"{"provider_id":"wamid.1"}"#)
        #expect(try ws.events.tail(conversation: nil, limit: 1) == [event])
        let raw = try ws.events.append(NewEvent(.verdict, detailJSON: #"{"plugin":"faq","score":0.92}"#))
        #expect(raw.detail == nil) // not a flat object of strings, kept as written
        #expect(try ws.events.tail(conversation: nil, limit: 1).first?.detailJSON == #"{"plugin":"faq","score":0.92}"#)
    }

    /// What `switchboard events --follow` does: start at the tail, then ask for what
    /// came after the last id seen.
    @Test func cursorFollowsTheJournal() throws {
        let conversation = try makeConversation(ws)
        let other = try makeConversation(ws, phone: "+2348030000002")
        let b = store.workspace("b")
        var appended: [Event] = []
        for i in 0..<6 {
            appended.append(try ws.events.append(NewEvent(.note, conversation: i.isMultiple(of: 2) ? conversation.id : other.id, detail: ["n": "\(i)"])))
            _ = try b.events.append(NewEvent(.note, detail: ["n": "b\(i)"])) // interleaved ids of another workspace
        }
        #expect(zip(appended, appended.dropFirst()).allSatisfy { $0.id < $1.id })

        let tail = try ws.events.tail(conversation: nil, limit: 2)
        #expect(tail == Array(appended.suffix(2)))
        var cursor = try #require(tail.last?.id)
        #expect(try ws.events.list(conversation: nil, after: cursor, limit: 100).isEmpty)
        let later = try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "later"]))
        let next = try ws.events.list(conversation: nil, after: cursor, limit: 100)
        #expect(next == [later])
        cursor = later.id

        let all = try ws.events.list(conversation: nil, after: nil, limit: 100).filter { $0.kind == .note }
        #expect(all == appended + [later])
        let page = try ws.events.list(conversation: nil, after: appended[1].id, limit: 2)
        #expect(page == Array(appended[2..<4]))
        let ofConversation = try ws.events.list(conversation: conversation.id, after: nil, limit: 100)
        #expect(ofConversation.compactMap { $0.detail?["n"] } == ["0", "2", "4", "later"])
        let ofConversationAfter = try ws.events.list(conversation: conversation.id, after: appended[2].id, limit: 100)
        #expect(ofConversationAfter.compactMap { $0.detail?["n"] } == ["4", "later"])
        #expect(try ws.events.tail(conversation: other.id, limit: 2).compactMap { $0.detail?["n"] } == ["3", "5"])
    }

    /// A conversation's journal is read from the batched index (migration 8) plus the
    /// events after its progress mark: each event exactly once, in order, whichever side
    /// of the mark it is on, page by page and from the tail; nothing of another
    /// conversation or workspace.
    @Test func aConversationsJournalSpansTheBatchedIndexAndWhatFollowsIt() throws {
        let conversation = try makeConversation(ws)
        let other = try makeConversation(ws, phone: "+2348030000002")
        let b = store.workspace("b")
        let inB = try makeConversation(b)
        func note(_ n: Int) throws -> Event {
            _ = try ws.events.append(NewEvent(.note, conversation: other.id, detail: ["n": "other\(n)"]))
            _ = try b.events.append(NewEvent(.note, conversation: inB.id, detail: ["n": "b\(n)"]))
            return try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "\(n)"]))
        }
        let indexedRows = { try sqlite(self.store).pool.read { db in
            try db.queryOne("SELECT count(*) FROM conversation_events WHERE conversation_id = ?", [conversation.id]) { $0.int64(0) }
        } }
        var appended = try (0..<4).map(note)
        try sqlite(store).pool.write { db in try SQLiteStore.indexConversationJournal(db) }
        #expect(try indexedRows() == 4)
        appended += try (4..<7).map(note) // not indexed yet
        #expect(try indexedRows() == 4)

        let numbers = { (events: [Event]) in events.compactMap { $0.detail?["n"] } }
        #expect(numbers(try ws.events.list(conversation: conversation.id, after: nil, limit: 100)) == ["0", "1", "2", "3", "4", "5", "6"])
        // Pages of two walk across the mark without skipping or repeating.
        var cursor: Int64? = nil
        var paged: [Event] = []
        while true {
            let page = try ws.events.list(conversation: conversation.id, after: cursor, limit: 2)
            if page.isEmpty { break }
            paged += page
            cursor = page.last?.id
        }
        #expect(paged == appended)
        #expect(numbers(try ws.events.tail(conversation: conversation.id, limit: 2)) == ["5", "6"])
        #expect(numbers(try ws.events.tail(conversation: conversation.id, limit: 5)) == ["2", "3", "4", "5", "6"])
        #expect(numbers(try b.events.tail(conversation: inB.id, limit: 2)) == ["b5", "b6"])
        #expect(try b.events.list(conversation: conversation.id, after: nil, limit: 100).isEmpty) // a's conversation, seen from b

        // Indexing again takes what followed the mark; the answers do not change.
        try sqlite(store).pool.write { db in try SQLiteStore.indexConversationJournal(db) }
        #expect(try indexedRows() == 7)
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 100) == appended)
        #expect(try ws.events.list(conversation: conversation.id, after: appended[2].id, limit: 2) == Array(appended[3..<5]))
        #expect(try ws.events.tail(conversation: conversation.id, limit: 3) == Array(appended.suffix(3)))
    }

    /// The writer runs the batched indexing itself, at most every 200 ms, and when it put
    /// a run off, once more on its own once it is due: the journal's index catches up
    /// without another write to carry it.
    @Test func theWriterIndexesTheJournalInTheBackground() throws {
        let conversation = try makeConversation(ws)
        _ = try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "1"]))
        let second = try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "2"]))
        let mark = { try sqlite(self.store).pool.read { db in
            try db.queryOne("SELECT indexed_event_id FROM journal_progress WHERE id = 1") { $0.int64(0) }
        } }
        let writes = sqlite(store).writeStatistics.writes
        let end = ContinuousClock.now + .seconds(10)
        while (try mark() ?? 0) < second.id && ContinuousClock.now < end { usleep(5_000) }
        #expect(try mark() == second.id)
        // No write of ours carried it.
        #expect(sqlite(store).writeStatistics.writes == writes)
    }

    /// A pace answers due at first, then not until its interval has passed.
    @Test func indexPaceSpacesItsRuns() {
        let pace = IndexPace(interval: .milliseconds(150))
        #expect(pace.untilDue() == .zero)
        #expect(pace.due())
        #expect(!pace.due())
        let left = pace.untilDue()
        #expect(left > .zero && left <= .milliseconds(150))
        // Due again once untilDue says so (waited for as a condition, not a fixed time).
        let end = ContinuousClock.now + .seconds(5)
        while pace.untilDue() > .zero && ContinuousClock.now < end { usleep(1_000) }
        #expect(pace.due())
        #expect(!pace.due())
    }

    /// The journal of a conversation read backwards a page at a time: every event once,
    /// in order, the unindexed tail included.
    @Test func tailBeforePagesBackwards() throws {
        let conversation = try makeConversation(ws)
        var appended: [Event] = []
        for i in 0..<7 { appended.append(try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "\(i)"]))) }
        // Part indexed, part not yet.
        if let store = store as? SQLiteStore { try store.pool.write { db in try SQLiteStore.indexConversationJournal(db) } }
        for i in 7..<10 { appended.append(try ws.events.append(NewEvent(.note, conversation: conversation.id, detail: ["n": "\(i)"]))) }
        var pages: [[Event]] = []
        var before: Int64?
        while pages.count < 10 {
            let page = try ws.events.tail(conversation: conversation.id, before: before, limit: 3)
            if page.isEmpty { break }
            pages.append(page)
            before = page.first?.id
        }
        #expect(pages.map(\.count) == [3, 3, 3, 1])
        #expect(pages.reversed().flatMap { $0 } == appended.filter { $0.conversationID == conversation.id })
        #expect(try store.workspace("b").events.tail(conversation: conversation.id, before: nil, limit: 10).isEmpty)
    }

    /// A reader on another store (another process, like `events --follow`) sees events
    /// as soon as they are committed.
    @Test func anotherConnectionSeesCommittedEvents() throws {
        let follower = try reopen(store)
        let before = try follower.workspace("a").events.tail(conversation: nil, limit: 1).last?.id
        let event = try ws.events.append(NewEvent(.note, detail: ["n": "1"]))
        #expect(try follower.workspace("a").events.list(conversation: nil, after: before, limit: 10) == [event])
    }

    /// A row written by a newer switchboard (an event kind this one does not know) is a
    /// clear error, not a crash.
    @Test func anUnknownKindIsAClearError() throws {
        try rawSQL(store, ["INSERT INTO events (workspace_id, kind, detail_json, created_at) VALUES ('a', 'teleported', '{}', 0)"])
        let error = storeError { _ = try ws.events.tail(conversation: nil, limit: 5) }
        #expect(error?.code == .unreadable)
        #expect(error?.message == "unknown value 'teleported' in kind (EventKind); written by a newer switchboard?")
    }
}
