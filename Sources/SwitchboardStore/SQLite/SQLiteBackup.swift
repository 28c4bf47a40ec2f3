import CSQLite
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `switchboard backup FILE`: a consistent copy of a live SQLite database through SQLite's
/// online backup API, taken while the host keeps serving.
///
/// The copy is made in one `sqlite3_backup_step(-1)`: the source is read inside one read
/// transaction, so the copy is the database exactly as it was at one commit (in WAL mode a
/// reader never blocks the writer, and the writer never restarts the copy). Everything
/// acknowledged before the backup began is in it. The copy is written to `FILE.partial`,
/// checked with `PRAGMA integrity_check`, switched to a single file (journal_mode DELETE,
/// no -wal beside it), synced, and only then renamed to `FILE`: a backup that fails
/// leaves no file that looks like a backup.
public enum SQLiteBackup {
    public struct Report: Sendable, Equatable {
        /// Pages copied and the page size: the copy's size is their product.
        public let pages: Int
        public let pageSize: Int
        /// The schema version of the copy (what `switchboard` migrates from on restore).
        public let schemaVersion: Int
        /// Messages in the copy, across every workspace.
        public let messages: Int
        public var bytes: Int { pages * pageSize }
    }

    /// Copies the database at `source` to `destination`. Refuses to overwrite an existing
    /// file unless `overwrite`. Every failure is a `StoreError` naming the file at fault.
    public static func copy(from source: String, to destination: String, overwrite: Bool = false,
                            busyTimeoutMilliseconds: Int32 = 5_000) throws(StoreError) -> Report {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError(.cannotOpen, "no database here (storage.sqlite names a file that does not exist)", path: source)
        }
        if !overwrite, FileManager.default.fileExists(atPath: destination) {
            throw StoreError(.misuse, "file exists; choose another name or pass --force", path: destination)
        }
        let partial = destination + ".partial"
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }

        let src = try open(source, flags: SQLITE_OPEN_READONLY, busy: busyTimeoutMilliseconds)
        defer { sqlite3_close_v2(src) }
        let dst = try open(partial, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy: busyTimeoutMilliseconds)
        var closed = false
        defer { if !closed { sqlite3_close_v2(dst) } }
        func fail(_ error: StoreError) -> StoreError {
            sqlite3_close_v2(dst); closed = true
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) }
            return error
        }

        guard let backup = sqlite3_backup_init(dst, "main", src, "main") else {
            throw fail(describe(dst, path: partial, what: "cannot start the backup"))
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            // BUSY/LOCKED: the source's writer held a lock the reader needed for a moment.
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { usleep(20_000) }
        } while rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK
        let pages = Int(sqlite3_backup_pagecount(backup))
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            let code = rc == SQLITE_DONE ? finish : rc
            throw fail(StoreError(code == SQLITE_FULL ? .io : .sqlite,
                                  "backup failed: \(String(cString: sqlite3_errstr(code)))", path: partial, sqliteCode: code))
        }

        let pageSize: Int, version: Int, messages: Int
        do throws(StoreError) {
            // The copy keeps the source's journal mode (WAL); a backup is one self-contained file.
            _ = try scalarText(dst, "PRAGMA journal_mode=DELETE", path: partial)
            let check = try scalarText(dst, "PRAGMA integrity_check", path: partial)
            guard check == "ok" else {
                throw StoreError(.corrupt, "the copy failed its integrity check: \(check)", path: partial)
            }
            pageSize = Int(try scalarText(dst, "PRAGMA page_size", path: partial)) ?? 0
            version = Int(try scalarText(dst, "SELECT coalesce(max(version), 0) FROM schema_migrations", path: partial)) ?? 0
            messages = Int(try scalarText(dst, "SELECT count(*) FROM messages", path: partial)) ?? 0
        } catch {
            throw fail(error)
        }
        sqlite3_close_v2(dst); closed = true

        // Durable before it takes its name: fsync the file, rename, fsync the directory.
        let fd = Glibc.open(partial, O_RDONLY)
        if fd >= 0 { fsync(fd); Glibc.close(fd) }
        guard rename(partial, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw StoreError(.io, "cannot rename the finished copy into place: \(reason)", path: destination)
        }
        let dir = (destination as NSString).deletingLastPathComponent
        let dfd = Glibc.open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); Glibc.close(dfd) }
        return Report(pages: pages, pageSize: pageSize, schemaVersion: version, messages: messages)
    }

    private static func open(_ path: String, flags: Int32, busy: Int32) throws(StoreError) -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = StoreError(rc == SQLITE_CANTOPEN ? .cannotOpen : .sqlite,
                                   db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc)),
                                   path: path, sqliteCode: rc)
            sqlite3_close_v2(db)
            throw error
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busy)
        return db
    }

    private static func describe(_ db: OpaquePointer, path: String, what: String) -> StoreError {
        let rc = sqlite3_errcode(db)
        return StoreError(.sqlite, "\(what): \(String(cString: sqlite3_errmsg(db)))", path: path, sqliteCode: rc)
    }

    /// The first column of the first row of `sql`, as text.
    private static func scalarText(_ db: OpaquePointer, _ sql: String, path: String) throws(StoreError) -> String {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw describe(db, path: path, what: sql)
        }
        defer { sqlite3_finalize(stmt) }
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_ROW else {
            if rc == SQLITE_DONE { return "" }
            throw describe(db, path: path, what: sql)
        }
        return sqlite3_column_text(stmt, 0).map { String(cString: $0) } ?? ""
    }
}
