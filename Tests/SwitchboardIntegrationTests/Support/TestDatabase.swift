import CSQLite
import Foundation

/// The running host's SQLite file, opened by the test as another process would open it
/// (a second host, an operator's `sqlite3`): to plant a claim left by a host that died,
/// or a trigger that makes the host's writes fail, and to read what the host stored.
/// Waits up to 5 s for the host's write lock.
final class TestDatabase {
    private var db: OpaquePointer?

    init(path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            throw HTTPClient.Failure(description: "cannot open \(path): \(String(cString: sqlite3_errmsg(db)))")
        }
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit { sqlite3_close_v2(db) }

    /// Runs one or more statements.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw HTTPClient.Failure(description: "\(sql): \(text)")
        }
    }

    /// The rows of a query, each column as text (NULL as nil).
    func rows(_ sql: String) throws -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw HTTPClient.Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var out: [[String?]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw HTTPClient.Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))") }
            out.append((0..<sqlite3_column_count(statement)).map { i in
                sqlite3_column_text(statement, i).map { String(cString: $0) }
            })
        }
        return out
    }

    /// The first column of the first row.
    func value(_ sql: String) throws -> String? {
        try rows(sql).first?.first ?? nil
    }
}
