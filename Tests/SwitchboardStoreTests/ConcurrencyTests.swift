import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Several worker and HTTP threads use one store; other processes may hold the same file.
@Suite struct ConcurrencyTests {
    let backend: StoreBackend

    init() { backend = .sqlite }
    init(backend: StoreBackend) { self.backend = backend }

    @Test func concurrentWritersAndReadersOnOneStore() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let threads = 8, perThread = 150
        let errors = LockedBox<[String]>([])
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            do {
                let ws = store.workspace(t.isMultiple(of: 2) ? "a" : "b")
                let conversation = try makeConversation(ws, phone: "+23480300000\(10 + t)")
                for i in 0..<perThread {
                    _ = try ws.messages.insertInbound(inbound(conversation, "wamid.\(t).\(i)", "message \(i) from thread \(t)"))
                    if i.isMultiple(of: 10) {
                        _ = try ws.messages.list(conversation: conversation.id, after: nil, limit: 5)
                        _ = try ws.conversations.list(state: .bot, limit: 5)
                    }
                }
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        #expect(errors.get() == [])
        let a = try store.workspace("a").conversations.list(state: nil, limit: 100)
        let b = try store.workspace("b").conversations.list(state: nil, limit: 100)
        #expect(a.count == threads / 2 && b.count == threads / 2)
        for conversation in a {
            #expect(try store.workspace("a").messages.list(conversation: conversation.id, after: nil, limit: 1000).count == perThread)
        }
        print("[measure] \(backend): \(threads) threads, one store: \(threads * perThread) inbound messages (one transaction each, synchronous=NORMAL on SQLite) in \(String(format: "%.2f", seconds)) s = \(Int(Double(threads * perThread) / seconds)) inserts/s")
    }

    /// Writes of many threads share commits (the writer starts a commit at most once per
    /// `SQLitePool.commitInterval`), and a lone write is committed on its own. (How soon
    /// is a latency, measured by bench/loadgen, not a test.)
    @Test func writesOfManyThreadsShareCommits() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)   // SQLite's writer (StoreStatistics)
        let threads = 8, perThread = 40
        let before = store.writeStatistics
        let errors = LockedBox<[String]>([])
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                let ws = store.workspace("a")
                for i in 0..<perThread {
                    do {
                        _ = try ws.events.append(NewEvent(.note, detail: ["t": "\(t)", "i": "\(i)"]))
                    } catch {
                        errors.update { $0.append("\(error)") }
                    }
                }
                group.leave()
            }
        }
        group.wait()
        #expect(errors.get() == [])
        let after = store.writeStatistics
        #expect(after.writes - before.writes == threads * perThread)
        #expect(after.commits - before.commits < threads * perThread / 2)
        let notes = try store.workspace("a").events.list(conversation: nil, after: nil, limit: 1000).filter { $0.kind == .note }
        #expect(notes.count == threads * perThread)
        _ = try store.workspace("a").events.append(NewEvent(.note))
        let lone = store.writeStatistics
        #expect(lone.writes - after.writes == 1)
        #expect(lone.commits - after.commits >= 1)
    }

    /// Many threads racing to create the same contact and conversation end up with one,
    /// and every racer gets it (none fails).
    @Test func racingFindOrCreateMakesOne() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let racers = 8
        let ids = LockedBox<[String]>([])
        let contacts = LockedBox<Set<String>>([])
        let created = LockedBox<Int>(0)
        let errors = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: racers) { _ in
            let ws = store.workspace("a")
            do {
                let contact = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil)
                let lookup = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.contact.id)
                contacts.update { $0.insert(contact.contact.id.rawValue) }
                ids.update { $0.append(lookup.conversation.id.rawValue) }
                if lookup.created { created.update { $0 += 1 } }
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        #expect(errors.get() == [])
        #expect(ids.get().count == racers)
        #expect(Set(ids.get()).count == 1)
        #expect(contacts.get().count == 1)
        #expect(created.get() == 1)
        #expect(try store.workspace("a").conversations.list(state: nil, limit: 100).count == 1)
    }

    /// Two stores on one file stand for two processes (a host and `switchboard events`,
    /// or two hosts): writes wait for each other's lock through the busy timeout.
    @Test func twoStoresOnOneFileWaitForEachOther() throws {
        let dir = TempDir()
        let first = try makeSQLiteStore(dir)
        let second = try SQLiteStore(path: dir.file("switchboard.db"), options: testOptions())
        let errors = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { t in
            let store = t.isMultiple(of: 2) ? first : second
            do {
                let ws = store.workspace("a")
                for i in 0..<100 {
                    _ = try ws.events.append(NewEvent(.note, detail: ["t": "\(t)", "i": "\(i)"]))
                }
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        #expect(errors.get() == [])
        let notes = try first.workspace("a").events.list(conversation: nil, after: nil, limit: 10_000).filter { $0.kind == .note }
        #expect(notes.count == 600)
        #expect(Set(notes.map(\.id)).count == 600)
    }

    /// A writer that cannot get the lock within the busy timeout gets a clear `busy` error.
    @Test func aLockHeldPastTheTimeoutIsAClearError() throws {
        let dir = TempDir()
        let holder = try makeSQLiteStore(dir)
        var options = testOptions()
        options.busyTimeoutMilliseconds = 100
        let waiter = try SQLiteStore(path: dir.file("switchboard.db"), options: options)
        let error = try holder.transaction { tx -> StoreError? in
            _ = try tx.workspace("a").events.append(NewEvent(.note))
            let result = LockedBox<StoreError?>(nil)
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                result.set(storeError { _ = try waiter.workspace("a").events.append(NewEvent(.note)) })
                done.signal()
            }
            done.wait()
            return result.get()
        }
        #expect(error?.code == .busy)
        #expect(error?.description.hasPrefix(dir.file("switchboard.db") + ": database is locked") == true)
    }

    @Test func bulkInsertMeasurement() throws {
        let dir = TempDir()
        var options = testOptions()
        options.durability = .full
        let store = try SQLiteStore(path: dir.file("bench.db"), options: options)
        _ = try store.syncWorkspaces([definition("a")])
        let ws = store.workspace("a")
        let conversation = try makeConversation(ws)
        let n = 2_000
        var started = Date()
        try ws.transaction { tx in
            for i in 0..<n { _ = try tx.messages.insertInbound(inbound(conversation, "wamid.batch.\(i)", "batched message number \(i)")) }
        }
        let batched = Date().timeIntervalSince(started)
        started = Date()
        for i in 0..<200 { _ = try ws.messages.insertInbound(inbound(conversation, "wamid.single.\(i)", "single message \(i)")) }
        let single = Date().timeIntervalSince(started)
        #expect(try ws.messages.list(conversation: conversation.id, after: nil, limit: 10_000).count == n + 200)
        print("[measure] synchronous=FULL, debug build: \(n) inbound messages in one transaction: \(Int(Double(n) / batched)) inserts/s; one transaction per message: \(Int(200 / single)) inserts/s")
    }
}
