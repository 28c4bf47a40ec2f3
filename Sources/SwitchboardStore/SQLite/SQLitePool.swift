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
    private let writerLock = NSLock()
    /// The thread inside `write`, as `pthread_self()`, or 0.
    private let writerOwner = Atomic<UInt>(0)
    /// Set by `close()` called inside a write on the writer's own thread; guarded by `writerLock`.
    private var closeWriterAfterTransaction = false

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
    /// is already in one, as a savepoint inside it).
    @discardableResult
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let me = Self.currentThread
        if writerOwner.load(ordering: .acquiring) == me {
            return try writer.savepoint { try body(writer) }
        }
        writerLock.lock()
        writerOwner.store(me, ordering: .releasing)
        defer {
            if closeWriterAfterTransaction { writer.close() }
            writerOwner.store(0, ordering: .releasing)
            writerLock.unlock()
        }
        guard writer.isOpen else { throw StoreError(.misuse, "store is closed", path: path) }
        return try writer.transaction(immediate: true) { try body(writer) }
    }

    /// Runs `body` on the writer connection under the lock but outside any transaction
    /// (migrations, which manage their own transactions).
    func withWriter<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
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
        writerLock.lock()
        writer.close()
        writerLock.unlock()
    }
}
