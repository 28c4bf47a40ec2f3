import Foundation
import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// A transaction may hold its commit for writes that follow from it (`CommitHolding`: the
/// answer to the message it stored): they run in the same transaction and commit with it,
/// and the commit waits no longer than the hold limit.
@Suite struct CommitHoldTests {
    private func store(_ dir: TempDir, holdLimit: Duration) throws -> SQLiteStore {
        var options = testOptions()
        options.commitHoldLimit = holdLimit
        let store = try SQLiteStore(path: dir.file("switchboard.db"), options: options)
        _ = try store.syncWorkspaces([definition("a")])
        return store
    }

    private func note(_ n: String) -> @Sendable (any StoreTransaction) throws -> Void {
        { tx in _ = try tx.workspace("a").events.append(NewEvent(.note, detail: ["n": n])) }
    }

    private func notes(_ store: SQLiteStore) throws -> [String] {
        try store.workspace("a").events.list(conversation: nil, after: nil, limit: 100)
            .filter { $0.kind == .note }.compactMap { $0.detail?["n"] }
    }

    /// What happened, in order, from every thread.
    private final class Trail: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ s: String) { entries.withLock { $0.append(s) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// The follow-up, queued from another thread while the first transaction waits
    /// uncommitted, joins its commit: one commit for both, and the first's completion only
    /// once the follow-up is in.
    @Test func aFollowUpQueuedWhileTheCommitIsHeldJoinsIt() throws {
        let dir = TempDir()
        let store = try store(dir, holdLimit: .seconds(60))
        let before = store.writeStatistics
        let trail = Trail()
        let done = DispatchSemaphore(value: 0)
        store.transactionAsync(note("message"), timing: .prompt, ran: { holds in
            let hold = holds.hold()
            trail.add("ran")
            // The answer comes a little later, from another thread, as a worker's would.
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) {
                store.transactionAsync(self.note("answer"), completion: { error in
                    trail.add(error == nil ? "answer committed" : "answer failed: \(error!)")
                    done.signal()
                })
                trail.add("answer queued")
                hold.release()
            }
        }, completion: { error in
            trail.add(error == nil ? "message committed" : "message failed: \(error!)")
            done.signal()
        })
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(trail.all == ["ran", "answer queued", "message committed", "answer committed"])
        let after = store.writeStatistics
        #expect(after.commits - before.commits == 1)
        #expect(after.writes - before.writes == 2)
        #expect(try notes(store) == ["message", "answer"])
    }

    /// The answer may be queued and its hold released before the writer has even looked
    /// (a fast worker): it still joins the commit. (Queued as a write that would otherwise
    /// wait a minute for a commit to join: only the held commit takes it at once.)
    @Test func aFollowUpQueuedAndReleasedBeforeTheWriterLooksStillJoins() throws {
        let dir = TempDir()
        let store = try store(dir, holdLimit: .seconds(60))
        let trail = Trail()
        let done = DispatchSemaphore(value: 0)
        let before = store.writeStatistics
        let writesAtCommit = Mutex<Int?>(nil)
        store.transactionAsync(note("message"), timing: .prompt, ran: { holds in
            let hold = holds.hold()
            let handedOn = DispatchSemaphore(value: 0)
            Thread {
                store.transactionAsync(self.note("answer"), timing: .joinNext(within: .seconds(60)), completion: { error in
                    trail.add(error == nil ? "answer committed" : "answer failed")
                    done.signal()
                })
                hold.release()
                handedOn.signal()
            }.start()
            handedOn.wait()
        }, completion: { error in
            writesAtCommit.withLock { $0 = store.writeStatistics.writes - before.writes }
            trail.add(error == nil ? "message committed" : "message failed")
            done.signal()
        })
        #expect(done.wait(timeout: .now() + 20) == .success)
        #expect(done.wait(timeout: .now() + 20) == .success)
        // Both writes were in the commit the message's completion followed.
        #expect(writesAtCommit.withLock { $0 } == 2)
        #expect(trail.all == ["message committed", "answer committed"])
        #expect(try notes(store) == ["message", "answer"])
    }

    /// A hold never released: the commit goes ahead once the limit has passed, not
    /// before; releasing it afterwards does nothing, and the next write commits as usual.
    @Test func aHoldNeverReleasedDelaysTheCommitByTheLimitOnly() throws {
        let dir = TempDir()
        let limit = Duration.milliseconds(300)
        let store = try store(dir, holdLimit: limit)
        let kept = Mutex<CommitHold?>(nil)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>("not called")
        let started = ContinuousClock.now
        store.transactionAsync(note("message"), timing: .prompt, ran: { holds in
            kept.withLock { $0 = holds.hold() }
        }, completion: { error in
            outcome.withLock { $0 = error.map { "\($0)" } }
            done.signal()
        })
        #expect(done.wait(timeout: .now() + 30) == .success)
        let waited = ContinuousClock.now - started
        #expect(outcome.withLock { $0 } == nil)
        #expect(waited >= limit, "committed after \(waited), before the hold limit \(limit)")
        let hold = try #require(kept.withLock { $0 })
        hold.release()
        hold.release()
        #expect(hold.isReleased)
        // The late release belongs to a group already committed: it holds nothing else.
        let next = ContinuousClock.now
        try store.transaction { tx in try note("next")(tx) }
        #expect(ContinuousClock.now - next < limit, "a later write waited for a hold of an earlier commit")
        #expect(try notes(store) == ["message", "next"])
    }

    /// A body that fails takes no hold: `ran` is not called, its writes are undone and
    /// its completion gets the error.
    @Test func aBodyThatFailsIsNotHandedOn() throws {
        let dir = TempDir()
        let store = try store(dir, holdLimit: .seconds(60))
        struct Refused: Error {}
        let ranCalled = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>(nil)
        store.transactionAsync({ tx in
            try self.note("undone")(tx)
            throw Refused()
        }, timing: .prompt, ran: { holds in
            ranCalled.store(true, ordering: .relaxed)
            _ = holds.hold()
        }, completion: { error in
            outcome.withLock { $0 = error.map { "\(type(of: $0))" } }
            done.signal()
        })
        #expect(done.wait(timeout: .now() + 30) == .success)
        let wasCalled = ranCalled.load(ordering: .relaxed)
        #expect(!wasCalled)
        #expect(outcome.withLock { $0 } == "Refused")
        #expect(try notes(store) == [])
    }

    /// Closing the store while a commit is held commits it at once (nothing is lost and
    /// the close does not wait out the limit).
    @Test func closingTheStoreEndsAHoldAndCommits() throws {
        let dir = TempDir()
        let store = try store(dir, holdLimit: .seconds(120))
        let held = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>("not called")
        store.transactionAsync(note("message"), timing: .prompt, ran: { holds in
            _ = holds.hold()
            held.signal()
        }, completion: { error in
            outcome.withLock { $0 = error.map { "\($0)" } }
        })
        #expect(held.wait(timeout: .now() + 30) == .success)
        let started = ContinuousClock.now
        store.close()
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(outcome.withLock { $0 } == nil)
        let reopened = try SQLiteStore(path: dir.file("switchboard.db"), options: testOptions())
        #expect(try notes(reopened) == ["message"])
    }
}
