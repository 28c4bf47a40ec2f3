import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The journal's cursor (`EventRepository`): a reader paging with `list(after:)` while
/// several writers commit at once, some in another store on the same database (a second
/// host), never skips an event and never sees one twice; the conversation's journal
/// likewise. A backend whose ids are not handed out in commit order (a plain sequence
/// under PostgreSQL) fails this test.
@Suite struct JournalCursorTests {
    let dir = TempDir()
    let store: any Store

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws { store = try makeStore(dir, backend: backend) }

    @Test func aFollowerSeesEveryEventOnceWhileSeveralHostsCommit() throws {
        let second = try secondStore(store, claimer: nil)
        defer { second.close() }
        let conversation = try makeConversation(store.workspace("a"))
        let appended = Mutex<[Event]>([])
        let writersDone = Atomic<Int>(0)
        let writers = 4, rounds = 60

        struct Seen { var all: [Int64] = []; var conversation: [Int64] = [] }
        let seen = Mutex(Seen())
        let followerFailure = Mutex<String?>(nil)
        // From the tail, as `events --follow` starts (after the sync's own events).
        let start = try store.workspace("a").events.tail(conversation: nil, limit: 1).last?.id ?? 0
        let follower = Thread { [store] in
            let ws = store.workspace("a")
            var cursor: Int64 = start, conversationCursor: Int64 = start
            do {
                while true {
                    let finished = writersDone.load(ordering: .acquiring) == writers
                    let page = try ws.events.list(conversation: nil, after: cursor, limit: 7)
                    let conversationPage = try ws.events.list(conversation: conversation.id, after: conversationCursor, limit: 5)
                    if let last = page.last { cursor = last.id }
                    if let last = conversationPage.last { conversationCursor = last.id }
                    seen.withLock { $0.all += page.map(\.id); $0.conversation += conversationPage.map(\.id) }
                    // Done once a read that began after the last commit found nothing new.
                    if finished && page.isEmpty && conversationPage.isEmpty { break }
                }
            } catch {
                followerFailure.withLock { $0 = "\(error)" }
            }
        }
        follower.start()

        DispatchQueue.concurrentPerform(iterations: writers) { w in
            let host: any Store = w.isMultiple(of: 2) ? store : second
            let ws = host.workspace("a")
            for round in 0..<rounds {
                do {
                    let onConversation = (w + round).isMultiple(of: 3)
                    let new = NewEvent(.note, conversation: onConversation ? conversation.id : nil, detail: ["w": "\(w)", "r": "\(round)"])
                    switch round % 3 {
                    case 0:
                        let event = try ws.events.append(new)
                        appended.withLock { $0.append(event) }
                    case 1:
                        // Two events in one transaction, with a pause between them that
                        // lets other writers' ids be handed out meanwhile where a backend allows it.
                        let pair = try host.transaction { tx in
                            let ws = tx.workspace("a")
                            let first = try ws.events.append(new)
                            usleep(200)
                            return [first, try ws.events.append(NewEvent(.note, detail: ["w": "\(w)", "r": "\(round)b"]))]
                        }
                        appended.withLock { $0 += pair }
                    default:
                        let done = DispatchSemaphore(value: 0)
                        let event = Mutex<Event?>(nil)
                        host.transactionAsync({ tx in event.withLock { $0 = try? tx.workspace("a").events.append(new) } },
                                              completion: { _ in done.signal() })
                        done.wait()
                        if let e = event.withLock({ $0 }) { appended.withLock { $0.append(e) } }
                    }
                    // Another workspace journals too: its ids are in the same sequence.
                    if round.isMultiple(of: 5) { _ = try host.workspace("b").events.append(NewEvent(.note)) }
                } catch {
                    Issue.record("writer \(w): \(error)")
                }
            }
            writersDone.add(1, ordering: .releasing)
        }
        while !follower.isFinished { usleep(1_000) }

        #expect(followerFailure.withLock { $0 } == nil)
        let all = appended.withLock { $0 }
        let result = seen.withLock { $0 }
        #expect(all.count == writers * rounds + writers * (rounds / 3))
        #expect(result.all == all.map(\.id).sorted(), "the follower skipped or repeated events")
        #expect(result.conversation == all.filter { $0.conversationID == conversation.id }.map(\.id).sorted())
    }
}
