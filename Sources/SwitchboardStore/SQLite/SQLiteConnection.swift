import CSQLite
import CSQLiteWAL
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe by itself: `SQLitePool` hands each connection to one thread at a time
/// (the writer under a lock, readers checked out of a pool).
final class SQLiteConnection {
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private var savepointDepth = 0

    /// Opens (creating if needed, unless `readOnly`) the database at `path` and applies the
    /// connection settings. Every failure is a `StoreError` naming `path`.
    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        // Memory statistics take a global mutex around every allocation; nothing reads them.
        _ = CSQLite_disable_memory_statistics()
        return true
    }()

    private static let walVFSRegistered: Bool = CSQLiteWAL_register() == SQLITE_OK

    init(path: String, readOnly: Bool, options: StoreOptions) throws(StoreError) {
        _ = Self.configured
        self.path = path
        let flags = readOnly
            ? SQLITE_OPEN_READONLY
            : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        // At full durability the writing connections append the WAL through CSQLiteWAL
        // (one write a commit instead of two a page; safe because SQLite syncs the log
        // before it publishes new frames). Readers, and NORMAL, use SQLite's own VFS.
        let vfs = !readOnly && options.durability == .full && Self.walVFSRegistered ? CSQLITEWAL_VFS_NAME : nil
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, vfs)
        handle = db
        guard rc == SQLITE_OK else {
            let error = Self.describe(rc, db: db, path: path)
            sqlite3_close_v2(db)
            handle = nil
            throw error
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        do throws(StoreError) {
            if !readOnly {
                if sqlite3_db_readonly(db, "main") == 1 {
                    throw StoreError(.readOnly, "database file is read-only", path: path)
                }
                // A new file gets 1 KiB pages (an existing one keeps its size). A message
                // changes one entry in each of several indexes whose entries are scattered
                // (by conversation, by provider id): each costs a whole page in the WAL and
                // again at the checkpoint, so smaller pages halve the bytes written per
                // message (measured with bench/loadgen: 74-103 KB at 4 KiB, 38-54 KB at 1 KiB).
                try execute("PRAGMA page_size=1024")
                // The first statement reads the header: a file that is not SQLite fails here.
                let mode = try queryOne("PRAGMA journal_mode=WAL") { $0.string(0) }
                guard mode?.lowercased() == "wal" else {
                    throw StoreError(.sqlite, "could not switch to WAL mode (journal_mode is \(mode ?? "unknown"))", path: path)
                }
                // Checkpoint at 4 MiB of WAL, as SQLite's default of 1,000 pages does with
                // 4 KiB pages: a page changed often is copied into the database once per
                // checkpoint, not once per 1,000 small pages.
                try execute("PRAGMA wal_autocheckpoint=4096")
                try execute("PRAGMA synchronous=\(options.durability == .full ? "FULL" : "NORMAL")")
            } else {
                _ = try queryOne("SELECT count(*) FROM sqlite_schema") { $0.int64(0) }
            }
            try execute("PRAGMA foreign_keys=ON")
            // Statement journals (savepoints, multi-row statements) and sorts in memory:
            // a temporary file per savepoint cost an open, a write and an unlink each.
            try execute("PRAGMA temp_store=MEMORY")
            // The writer reads the database file through a memory map rather than a
            // pread a page (address space only; the kernel's page cache backs it; pages
            // still in the WAL are read from it as before). Readers do not: in WAL mode a
            // connection unmaps the whole file whenever it starts a read after another
            // connection committed (SQLite's pagerBeginReadTransaction), so under load
            // every read paid a munmap, its TLB shootdown and the page faults of mapping
            // again (~720 munmaps/s at 4,300 msg/s; a third of a worker's conversation
            // read). A pread from the page cache costs less (bench/README).
            if !readOnly { try execute("PRAGMA mmap_size=268435456") }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        for (_, statement) in statements { sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    var isOpen: Bool { handle != nil }
    /// The name of the VFS the connection opened its files with ("unix", or
    /// CSQLiteWAL's "switchboard-wal" for a writer at full durability).
    var vfsName: String? {
        guard let handle else { return nil }
        var vfs: UnsafeMutablePointer<sqlite3_vfs>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) == SQLITE_OK,
              let name = vfs?.pointee.zName else { return nil }
        return String(cString: name)
    }
    var isInTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
    /// Rows inserted, updated or deleted by statements completed on this connection so far
    /// (triggers included; a failed statement's are undone and not counted).
    var totalChanges: Int64 { handle.map { sqlite3_total_changes64($0) } ?? 0 }

    // MARK: - Running SQL

    /// Runs one or more statements without parameters (migrations, pragmas).
    func execute(_ sql: String) throws(StoreError) {
        let db = try open()
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) }
            sqlite3_free(message)
            throw Self.describe(rc, db: db, path: path, message: text)
        }
    }

    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLiteBindable] = []) throws(StoreError) -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(values, to: statement)
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error(rc) }
        return changes
    }

    /// Runs a query and maps every row.
    func query<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], _ map: (SQLiteRow) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(values, to: statement)
        var rows: [T] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            rows.append(try map(SQLiteRow(statement: statement, connection: self)))
        }
        return rows
    }

    /// Runs a query and maps its first row, if any.
    func queryOne<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], _ map: (SQLiteRow) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement); sqlite3_clear_bindings(statement) }
        try bind(values, to: statement)
        let rc = sqlite3_step(statement)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw error(rc) }
        return try map(SQLiteRow(statement: statement, connection: self))
    }

    // MARK: - Transactions

    /// Runs one transaction-control statement (`BEGIN`, `COMMIT`, `SAVEPOINT sp1`, ...)
    /// through the statement cache: `execute` would parse it again every time, and a
    /// write transaction runs several per store call.
    func control(_ sql: String) throws(StoreError) {
        let statement = try prepare(sql)
        let rc = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error(rc) }
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` (takes the write lock at once, so
    /// the busy timeout applies up front instead of failing on upgrade) for writes,
    /// `BEGIN` for reads. Commits if `body` returns, rolls back if it throws.
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try control(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            try? control("ROLLBACK")
            throw error
        }
        do {
            try control("COMMIT")
        } catch {
            try? control("ROLLBACK")
            throw error
        }
        return result
    }

    /// Runs `body` inside the current transaction as a savepoint: if it throws, its
    /// writes are undone and the surrounding transaction carries on.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        let names = Self.savepointNames(savepointDepth)
        defer { savepointDepth -= 1 }
        try control(names.begin)
        do {
            let result = try body()
            try control(names.release)
            return result
        } catch {
            try? control(names.rollback)
            try? control(names.release)
            throw error
        }
    }

    /// The statements of the savepoint at `depth`, made once per depth.
    private static func savepointNames(_ depth: Int) -> (begin: String, release: String, rollback: String) {
        if depth < savepointStatements.count { return savepointStatements[depth] }
        return ("SAVEPOINT sp\(depth)", "RELEASE sp\(depth)", "ROLLBACK TO sp\(depth)")
    }

    private static let savepointStatements = (0..<16).map { ("SAVEPOINT sp\($0)", "RELEASE sp\($0)", "ROLLBACK TO sp\($0)") }

    // MARK: - Internals

    private func open() throws(StoreError) -> OpaquePointer {
        guard let handle else { throw StoreError(.misuse, "database connection is closed", path: path) }
        return handle
    }

    private func prepare(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        let db = try open()
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [any SQLiteBindable], to statement: OpaquePointer) throws(StoreError) {
        for (offset, value) in values.enumerated() {
            let i = Int32(offset + 1)
            let rc: Int32
            switch value.sqliteValue {
            case .null:
                rc = sqlite3_bind_null(statement, i)
            case .integer(let v):
                rc = sqlite3_bind_int64(statement, i, v)
            case .real(let v):
                rc = sqlite3_bind_double(statement, i, v)
            case .text(let v):
                rc = v.withCString { sqlite3_bind_text(statement, i, $0, Int32(v.utf8.count), CSQLite_TRANSIENT()) }
            case .blob(let v):
                if v.isEmpty {
                    rc = sqlite3_bind_zeroblob(statement, i, 0)
                } else {
                    rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, i, $0.baseAddress, Int32($0.count), CSQLite_TRANSIENT()) }
                }
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
    }

    func error(_ rc: Int32) -> StoreError { Self.describe(rc, db: handle, path: path) }

    /// Turns an SQLite result code into a `StoreError` with a code a caller can act on
    /// and SQLite's own message (`file is not a database`, `database is locked`, ...).
    static func describe(_ rc: Int32, db: OpaquePointer?, path: String, message: String? = nil) -> StoreError {
        let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
        var text = message ?? db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let code: StoreError.Code
        switch rc & 0xff {
        case SQLITE_CANTOPEN: code = .cannotOpen
        case SQLITE_NOTADB: code = .notADatabase
        case SQLITE_READONLY: code = .readOnly
        case SQLITE_BUSY, SQLITE_LOCKED:
            code = .busy
            text += " (another process held the write lock past the busy timeout)"
        case SQLITE_CONSTRAINT: code = .constraint
        case SQLITE_CORRUPT: code = .corrupt
        case SQLITE_IOERR, SQLITE_FULL: code = .io
        case SQLITE_MISUSE: code = .misuse
        default: code = .sqlite
        }
        return StoreError(code, text, path: path, sqliteCode: extended)
    }
}
