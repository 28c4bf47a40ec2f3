import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The connections of one database file: one writer behind a lock, and a few readers.
///
/// WAL mode lets readers run beside the writer without blocking it; SQLite allows one
/// writer at a time anyway, so serialising writes in-process costs nothing and means
/// threads of this process never see `SQLITE_BUSY` from each other. Other processes on
/// the same file (`switchboard events --follow`, a second host) are handled by the busy
/// timeout and `BEGIN IMMEDIATE`.
///
/// Transactions belong to the thread that opened them: while a thread is inside
/// `write`, every `write` or `read` it makes joins that transaction (a nested write runs
/// as a savepoint; a read uses the writer, so it sees the transaction's own writes).
/// Bodies are synchronous, so they cannot hop threads.
final class SQLitePool: @unchecked Sendable {
    let path: String
    let options: StoreOptions

    private let writer: SQLiteConnection
    /// Guards the writer's group-commit state below.
    private let writerCondition = WriterGate()
    /// A thread is using the writer connection.
    private var writerBusy = false
    /// Threads waiting for the writer.
    private var writersWaiting = 0
    /// A group transaction is open on the writer.
    private var groupOpen = false
    private var groupSequence = 0
    private var groupMembers = 0
    private var committedSequence = 0
    private var commitFailures: [Int: StoreError] = [:]
    /// The thread inside `write`, as `pthread_self()`, or 0.
    private let writerOwner = Atomic<UInt>(0)
    /// Set by `close()` called inside a write on the writer's own thread.
    private var closeWriterAfterTransaction = false
    /// Most writes one commit may carry.
    static let maxGroupMembers = 64

    private let readersCondition = NSCondition()
    private var idleReaders: [SQLiteConnection] = []
    private var openReaders = 0
    private var closed = false

    init(path: String, options: StoreOptions) throws(StoreError) {
        self.path = path
        self.options = options
        try Self.checkLocation(path)
        writer = try SQLiteConnection(path: path, readOnly: false, options: options)
    }

    /// Checks what SQLite would report vaguely (`unable to open database file`) and says
    /// which part is wrong: a missing or unwritable directory, an unwritable file.
    static func checkLocation(_ path: String) throws(StoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) else {
            throw StoreError(.cannotOpen, "directory \(dir) does not exist", path: path)
        }
        guard isDirectory.boolValue else {
            throw StoreError(.cannotOpen, "\(dir) is not a directory", path: path)
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw StoreError(.cannotOpen, "is a directory, not a database file", path: path)
            }
            guard access(path, R_OK) == 0 else {
                throw StoreError(.cannotOpen, "file is not readable: \(String(cString: strerror(errno)))", path: path)
            }
            guard access(path, W_OK) == 0 else {
                throw StoreError(.readOnly, "database file is read-only: \(String(cString: strerror(errno)))", path: path)
            }
        }
        // WAL mode creates -wal and -shm files beside the database.
        guard access(dir, W_OK) == 0 else {
            throw StoreError(.readOnly, "directory \(dir) is not writable: \(String(cString: strerror(errno)))", path: path)
        }
    }

    private static var currentThread: UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// Runs `body` in a write transaction on the writer connection (or, if this thread
    /// is already in one, as a savepoint inside it), and returns once it is committed.
    ///
    /// Group commit: when other threads are waiting to write as a body finishes, the
    /// transaction is handed to the next one instead of being committed, and the last of
    /// the group commits for all (up to `maxGroupMembers`). Each body runs in its own
    /// savepoint, so one that throws undoes only its own writes; every member returns
    /// only after the shared COMMIT (and gets its error if that fails). With
    /// `synchronous=FULL` this turns one fsync per write into one per group, under load.
    @discardableResult
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let me = Self.currentThread
        if writerOwner.load(ordering: .acquiring) == me {
            return try writer.savepoint { try body(writer) }
        }
        writerCondition.lock()
        writersWaiting += 1
        while writerBusy { writerCondition.waitAvailable() }
        writersWaiting -= 1
        writerBusy = true
        guard writer.isOpen else {
            writerBusy = false
            writerCondition.signalAvailable()
            writerCondition.unlock()
            throw StoreError(.misuse, "store is closed", path: path)
        }
        if !groupOpen {
            do {
                try writer.execute("BEGIN IMMEDIATE")
            } catch {
                writerBusy = false
                writerCondition.signalAvailable()
                writerCondition.unlock()
                throw error
            }
            groupOpen = true
            groupSequence += 1
            groupMembers = 0
        }
        let group = groupSequence
        groupMembers += 1
        writerCondition.unlock()

        writerOwner.store(me, ordering: .releasing)
        let result = Result<T, any Error> { try writer.savepoint { try body(writer) } }
        writerOwner.store(0, ordering: .releasing)

        writerCondition.lock()
        defer { writerCondition.unlock() }
        if writersWaiting > 0 && groupMembers < Self.maxGroupMembers && !closeWriterAfterTransaction {
            // Hand the open transaction to the next writer; wait for the group's commit.
            writerBusy = false
            writerCondition.signalAvailable()
            while committedSequence < group { writerCondition.waitCommitted() }
            if let failure = commitFailures[group] { throw failure }
            return try result.get()
        }
        // Commit the group (the writer stays busy: nobody else touches the connection).
        writerCondition.unlock()
        var failure: StoreError?
        do {
            try writer.execute("COMMIT")
        } catch {
            try? writer.execute("ROLLBACK")
            failure = error
        }
        if closeWriterAfterTransaction { writer.close() }
        writerCondition.lock()
        groupOpen = false
        committedSequence = group
        if let failure { commitFailures[group] = failure }
        commitFailures = commitFailures.filter { $0.key > group - 64 }
        writerBusy = false
        writerCondition.signalAvailable()
        writerCondition.broadcastCommitted()
        if let failure { throw failure }
        return try result.get()
    }

    /// Runs `body` on the writer connection with exclusive use of it but outside any
    /// transaction (migrations, which manage their own transactions).
    func withWriter<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        writerCondition.lock()
        while writerBusy { writerCondition.waitAvailable() }
        writerBusy = true
        writerCondition.unlock()
        defer {
            writerCondition.lock()
            writerBusy = false
            writerCondition.signalAvailable()
            writerCondition.unlock()
        }
        guard writer.isOpen else { throw StoreError(.misuse, "store is closed", path: path) }
        return try body(writer)
    }

    /// Runs `body` on a reader in a read transaction (one consistent snapshot), or on the
    /// writer if this thread is inside `write`.
    @discardableResult
    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        if writerOwner.load(ordering: .acquiring) == Self.currentThread {
            return try body(writer)
        }
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        return try reader.transaction(immediate: false) { try body(reader) }
    }

    private func checkOutReader() throws(StoreError) -> SQLiteConnection {
        readersCondition.lock()
        defer { readersCondition.unlock() }
        while true {
            if closed { throw StoreError(.misuse, "store is closed", path: path) }
            if let reader = idleReaders.popLast() { return reader }
            if openReaders < max(1, options.maxReaders) {
                openReaders += 1
                do {
                    return try SQLiteConnection(path: path, readOnly: true, options: options)
                } catch {
                    openReaders -= 1
                    throw error
                }
            }
            readersCondition.wait()
        }
    }

    private func checkIn(_ reader: SQLiteConnection) {
        readersCondition.lock()
        defer { readersCondition.unlock() }
        if closed {
            reader.close()
            openReaders -= 1
        } else {
            idleReaders.append(reader)
        }
        readersCondition.signal()
    }

    /// Closes every connection; calls made afterwards fail with `misuse`. Waits for a
    /// write in progress on another thread to finish; called inside a write on this
    /// thread, the writer closes once that transaction ends.
    func close() {
        readersCondition.lock()
        closed = true
        for reader in idleReaders { reader.close() }
        openReaders -= idleReaders.count
        idleReaders.removeAll()
        readersCondition.broadcast()
        readersCondition.unlock()
        if writerOwner.load(ordering: .acquiring) == Self.currentThread {
            closeWriterAfterTransaction = true
            return
        }
        writerCondition.lock()
        while writerBusy { writerCondition.waitAvailable() }
        writer.close()
        writerCondition.signalAvailable()
        writerCondition.unlock()
    }
}
