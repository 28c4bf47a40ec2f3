import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The PostgreSQL store's connections: up to `size` of them, opened on demand and shared
/// by all threads, each used by one thread at a time.
///
/// Transactions belong to the thread that opened them, as in `SQLitePool` (the store's
/// protocols say "every store call on this thread"): while a thread is inside `write`,
/// every `write` or `read` it makes runs on that transaction's connection. A nested write
/// that throws before changing a row (a refused transition, a missing row) can be caught
/// and the body carry on; one that throws after changing rows, or after a statement
/// failed (PostgreSQL then refuses the rest of the transaction), makes the whole
/// transaction fail with that error at its end, even if the body caught it. Writes run
/// at READ COMMITTED, each in its own transaction; where concurrent writers must not
/// interleave (claims, find-or-create), the statements say so (`FOR UPDATE SKIP LOCKED`,
/// `ON CONFLICT`, advisory locks).
///
/// Reads outside a transaction run in autocommit: each statement sees what was committed
/// when it started.
final class PostgresPool: @unchecked Sendable {
    let url: String
    let setting: String
    let displayURL: String
    /// Most connections open at once.
    let size: Int

    private let condition = NSCondition()
    private var idle: [PostgresDB] = []
    private var open = 0
    private var closed = false

    /// The transaction each thread is in (by `pthread_self()`).
    private let held = Mutex<[UInt: Held]>([:])

    /// Commits so far, and the writes (transactions and single calls) they carried.
    let commits = Atomic<Int>(0)
    let committedWrites = Atomic<Int>(0)

    /// What runs `transactionAsync` completions, in the order their transactions ended.
    let completions = DispatchQueue(label: "postgres-completed")

    final class Held: @unchecked Sendable {
        let db: PostgresDB
        /// The error that will fail this transaction at its end (see the type's comment).
        var doomed: (any Error)?
        /// Called once the transaction committed (nil) or rolled back (the error).
        var afterEnd: [((any Error)?) -> Void] = []
        init(_ db: PostgresDB) { self.db = db }
    }

    init(url: String, setting: String, size: Int) {
        self.url = url
        self.setting = setting
        self.displayURL = PostgresConnection.redact(url)
        self.size = max(1, size)
    }

    private static var currentThread: UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// The transaction this thread is in, if any.
    var current: Held? { held.withLock { $0[Self.currentThread] } }

    // MARK: connections

    /// A connection for this thread's exclusive use until `checkIn`.
    func checkOut() throws(StoreError) -> PostgresDB {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw StoreError(.misuse, "\(setting): store is closed", path: displayURL)
            }
            if let db = idle.popLast() {
                // One the server closed while it was idle is replaced (a restarted
                // server, a dropped connection): the caller gets a working one.
                guard db.connection.isUsable else {
                    db.connection.close()
                    open -= 1
                    continue
                }
                condition.unlock()
                db.reconnectable = true
                return db
            }
            if open < size {
                open += 1
                condition.unlock()
                do {
                    return PostgresDB(try PostgresConnection(url: url, setting: setting), url: url, setting: setting)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    /// Returns a connection; one whose server went away is closed instead (the next
    /// check-out opens a new one).
    func checkIn(_ db: PostgresDB) {
        condition.lock()
        if closed || !db.connection.isOpen {
            db.connection.close()
            open -= 1
        } else {
            idle.append(db)
        }
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` with a connection of its own, outside any transaction (migrations).
    func withConnection<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        let db = try checkOut()
        defer { checkIn(db) }
        return try body(db)
    }

    // MARK: transactions

    /// Runs `body` in a transaction (or inside the one this thread is in) and returns once
    /// it is committed.
    @discardableResult
    func write<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        if let h = current {
            let changes = h.db.changes, failures = h.db.failures
            do {
                return try body(h.db)
            } catch {
                if h.doomed == nil && (h.db.changes != changes || h.db.failures != failures) { h.doomed = error }
                throw error
            }
        }
        // A deadlock or a serialization failure (PostgreSQL ended this transaction so that
        // another could go on: e.g. one holding a row this one wrote, waiting for the
        // journal's workspace lock this one holds) is not the caller's error: the whole
        // transaction runs again, a few times, after a short random pause.
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try writeOnce(body)
            } catch let error as StoreError where error.code == .busy && attempt < Self.busyAttempts {
                busyRetries.add(1, ordering: .relaxed)
                usleep(UInt32.random(in: 1_000...10_000) * UInt32(attempt))
            }
        }
    }

    /// Transactions run again after a deadlock or serialization failure (see `write`).
    let busyRetries = Atomic<Int>(0)
    static let busyAttempts = 5

    private func writeOnce<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        let db = try checkOut()
        defer { checkIn(db) }
        db.resetFailure()
        try db.execute("BEGIN")
        let h = Held(db)
        let thread = Self.currentThread
        held.withLock { $0[thread] = h }
        let outcome = Result { try body(db) }
        held.withLock { $0[thread] = nil }
        do {
            let value = try outcome.get()
            if let doomed = h.doomed { throw doomed }
            // A statement that failed and was caught leaves the transaction aborted;
            // COMMIT would then roll back without an error.
            if let failure = db.failure { throw failure }
            try db.execute("COMMIT")
            commits.add(1, ordering: .relaxed)
            committedWrites.add(1, ordering: .relaxed)
            for hook in h.afterEnd { hook(nil) }
            return value
        } catch {
            try? db.execute("ROLLBACK")
            db.resetFailure()
            for hook in h.afterEnd { hook(error) }
            throw error
        }
    }

    /// Runs `body` on this thread's transaction if it is in one, else on a connection in
    /// autocommit.
    @discardableResult
    func read<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        if let h = current { return try body(h.db) }
        let thread = Self.currentThread
        // A read inside a read of this thread uses the same connection (a second one
        // could wait forever for a pool that threads doing the same have emptied).
        if let db = reading.withLock({ $0[thread] }) { return try body(db) }
        let db = try checkOut()
        reading.withLock { $0[thread] = db }
        defer {
            reading.withLock { $0[thread] = nil }
            checkIn(db)
        }
        db.resetFailure()
        return try body(db)
    }

    /// The connection each thread reads on outside a transaction (by `pthread_self()`).
    private let reading = Mutex<[UInt: PostgresDB]>([:])

    /// Runs `body` as `write` does, and `completion` on the completion queue once it
    /// committed or failed. Inside a transaction of this thread it joins it, and
    /// `completion` runs when that one ends.
    func writeAsync(_ body: @escaping @Sendable (PostgresDB) throws -> Void,
                    completion: @escaping @Sendable ((any Error)?) -> Void) {
        let queue = completions
        if let h = current {
            do {
                try write(body)
                h.afterEnd.append { error in queue.async { completion(error) } }
            } catch {
                queue.async { completion(error) }
            }
            return
        }
        var failure: (any Error)?
        do { try write(body) } catch { failure = error }
        let outcome = failure
        queue.async { completion(outcome) }
    }

    /// Closes every idle connection; connections in use close when they come back.
    /// Later calls fail with `misuse`.
    func close() {
        condition.lock()
        closed = true
        for db in idle { db.connection.close() }
        open -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    deinit {
        for db in idle { db.connection.close() }
    }
}
