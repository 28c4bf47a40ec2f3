import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// A queued transaction nobody waits for (`CommitTiming.joinNext`) rides along with the
/// next commit another write starts, and starts one of its own only once its time is up
/// (SQLite's writer; PostgreSQL commits each at once).
@Suite struct CommitTimingTests {
    private func notes(_ store: SQLiteStore) throws -> [String] {
        try store.workspace("a").events.list(conversation: nil, after: nil, limit: 100)
            .filter { $0.kind == .note }.compactMap { $0.detail?["n"] }
    }

    /// Alone, it is committed after its time and not before: no other write comes.
    @Test func aWriteThatMayWaitCommitsOnItsOwnOnceItsTimeIsUp() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)
        let within = Duration.milliseconds(300)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>("not called")
        let queued = ContinuousClock.now
        store.transactionAsync({ tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "late"]))
        }, timing: .joinNext(within: within), completion: { error in
            outcome.withLock { $0 = error.map { "\($0)" } }
            done.signal()
        })
        #expect(done.wait(timeout: .now() + 30) == .success)
        let waited = ContinuousClock.now - queued
        #expect(outcome.withLock { $0 } == nil)
        #expect(waited >= within, "committed after \(waited), before its \(within)")
        #expect(try notes(store) == ["late"])
    }

    /// A prompt write queued after it takes it along: one commit for both, in their order
    /// (the prompt body sees it), long before its own time would be up.
    @Test func aPromptWriteTakesItAlongInOneCommit() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)
        _ = try store.workspace("a").events.append(NewEvent(.note, detail: ["n": "0"]))
        let before = store.writeStatistics
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>("not called")
        store.transactionAsync({ tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "1"]))
        }, timing: .joinNext(within: .seconds(120)), completion: { error in
            outcome.withLock { $0 = error.map { "\($0)" } }
            done.signal()
        })
        let seen = try store.transaction { tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "2"]))
            return try tx.workspace("a").events.list(conversation: nil, after: nil, limit: 100)
                .filter { $0.kind == .note }.compactMap { $0.detail?["n"] }
        }
        #expect(seen == ["0", "1", "2"])
        // Its completion follows the commit it shared (not its own 120 s later).
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(outcome.withLock { $0 } == nil)
        let after = store.writeStatistics
        #expect(after.writes - before.writes == 2)
        #expect(after.commits - before.commits == 1)
    }

    /// Closing the store commits it at once, like any queued write: nothing is lost.
    @Test func closingTheStoreCommitsItAtOnce() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)
        let outcome = Mutex<String?>("not called")
        store.transactionAsync({ tx in
            _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": "queued"]))
        }, timing: .joinNext(within: .seconds(120)), completion: { error in
            outcome.withLock { $0 = error.map { "\($0)" } }
        })
        let started = ContinuousClock.now
        store.close()
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(outcome.withLock { $0 } == nil)
        let reopened = try makeSQLiteStore(dir)
        #expect(try notes(reopened) == ["queued"])
    }
}
