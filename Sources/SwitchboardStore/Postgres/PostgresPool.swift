import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The PostgreSQL store's connections: up to `size` of them, opened on demand and shared
/// by all threads, each used by one thread at a time.
///
/// A transaction's connection is carried by its `Held`, which a store transaction's handle
/// and every repository reached through it use (`PostgresScope.tx`), from whichever
/// thread. A call through it that throws before changing a row (a refused transition, a
/// missing row) can be caught and the body carry on; one that throws after changing rows,
/// or after a statement failed (PostgreSQL then refuses the rest of the transaction),
/// makes the whole transaction fail with that error at its end, even if the body caught
/// it. A `write` or `read` on the pool from the thread running a transaction's body is a
/// programming error (it would not be part of the transaction, and could wait for what
/// the transaction holds) and fails at once with `misuse`. Writes run
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

    /// The transaction each thread runs a body of (by `pthread_self()`): for the misuse check.
    private let held = Mutex<[UInt: Held]>([:])

    /// Commits so far, and the writes (transactions and single calls) they carried.
    let commits = Atomic<Int>(0)
    let committedWrites = Atomic<Int>(0)

    /// What runs `transactionAsync` completions, in the order their transactions ended.
    let completions = DispatchQueue(label: "postgres-completed")

    /// One open transaction's connection, as its handle carries it: calls through it run
    /// on that connection inside the transaction, on whichever thread makes them, one at
    /// a time; after the transaction ended they fail with `misuse`.
    final class Held: @unchecked Sendable {
        let db: PostgresDB
        private let setting: String, path: String
        /// One call at a time (recursive: a repository call may make another through it).
        private let lock = NSRecursiveLock()
        private var open = true
        /// The error that will fail this transaction at its end (see the type's comment).
        private(set) var doomed: (any Error)?

        init(_ db: PostgresDB, pool: PostgresPool) {
            self.db = db
            setting = pool.setting
            path = pool.displayURL
        }

        func use<T>(_ body: (PostgresDB) throws -> T) throws -> T {
            lock.lock()
            defer { lock.unlock() }
            guard open else {
                throw StoreError(.misuse, "\(setting): the transaction has ended: its handle was used after its body returned",
                                 path: path)
            }
            let changes = db.changes, failures = db.failures
            do {
                return try body(db)
            } catch {
                if doomed == nil && (db.changes != changes || db.failures != failures) { doomed = error }
                throw error
            }
        }

        /// Ends the handle's use (waits for a call in progress on another thread).
        func end() {
            lock.lock()
            open = false
            lock.unlock()
        }
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

    /// Runs `body` in a transaction of its own and returns once it is committed.
    /// Called on a thread inside a transaction: fails with `misuse` (see the type's comment).
    @discardableResult
    func write<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        try transaction { h in try body(h.db) }
    }

    /// Runs `body` in a transaction, given its connection as a `Held` (what a store
    /// transaction's handle carries), and returns once it is committed. A deadlock or a
    /// serialization failure (PostgreSQL ended this transaction so that another could go
    /// on: e.g. one holding a row this one wrote, waiting for the journal's workspace lock
    /// this one holds) is not the caller's error: the whole transaction runs again, a few
    /// times, after a short random pause, with a new `Held`.
    func transaction<T>(_ body: (Held) throws -> T) throws -> T {
        try refuseInsideTransaction()
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

    /// Transactions run again after a deadlock or serialization failure (see `transaction`).
    let busyRetries = Atomic<Int>(0)
    static let busyAttempts = 5

    /// A call on the pool from a thread inside a transaction: it would not be part of it
    /// (and could wait for a connection, or a row, that transaction holds).
    private func refuseInsideTransaction() throws(StoreError) {
        if current != nil {
            throw StoreError(
                .misuse,
                "\(setting): a store call inside a transaction was not made through the transaction: use the transaction's handle (the body's tx, or the workspace store it gives), not the store",
                path: displayURL)
        }
    }

    private func writeOnce<T>(_ body: (Held) throws -> T) throws -> T {
        let db = try checkOut()
        defer { checkIn(db) }
        db.resetFailure()
        try db.execute("BEGIN")
        let h = Held(db, pool: self)
        let thread = Self.currentThread
        held.withLock { $0[thread] = h }
        let outcome = Result { try body(h) }
        h.end()
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
            return value
        } catch {
            try? db.execute("ROLLBACK")
            db.resetFailure()
            throw error
        }
    }

    /// Runs `body` on a connection in autocommit. Called on a thread inside a
    /// transaction: fails with `misuse` (see the type's comment).
    @discardableResult
    func read<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        try refuseInsideTransaction()
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
