import CPostgres
import Foundation

/// One connection to PostgreSQL through libpq: the ground the PostgreSQL store stands on
/// (issue 15). Statements take `$1, $2, ...` parameters sent as text, apart from the SQL
/// (never interpolated); results are read as text and converted by the caller's row
/// reader. Every failure is a `StoreError` whose `path` is the URL with its password
/// hidden, and whose message names the setting the URL came from, so a wrong URL or
/// password at start reads as a configuration error, not a stack trace.
///
/// Not thread-safe: one thread at a time (a pool hands connections out, as `SQLitePool`
/// does for SQLite).
public final class PostgresConnection {
    /// The URL with any password replaced by `***`, for messages and logs.
    public let displayURL: String
    private let setting: String
    private var handle: OpaquePointer?

    /// Connects to `url` (`postgres://user:password@host:port/db?sslmode=...`, or a libpq
    /// key=value string; every libpq option, TLS ones included, passes through).
    /// `setting` names where the URL came from, for error messages.
    /// `applicationName` is what `pg_stat_activity` shows for the connection.
    public init(url: String, setting: String = "storage.postgres", connectTimeoutSeconds: Int = 10,
                applicationName: String = "switchboard") throws(StoreError) {
        displayURL = Self.redact(url)
        self.setting = setting
        // connect_timeout bounds a server that never answers (libpq waits forever otherwise).
        let keys = ["dbname", "connect_timeout", "application_name"]
        let values = [url, String(connectTimeoutSeconds), applicationName]
        let conn: OpaquePointer? = Self.withCStrings(keys) { k in
            Self.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        handle = conn
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let detail = conn.map { Self.message(PQerrorMessage($0)) } ?? "out of memory"
            if let conn { PQfinish(conn) }
            handle = nil
            throw StoreError(.cannotOpen, "\(setting): cannot connect: \(detail)", path: displayURL)
        }
        // Times are stored as milliseconds since 1970 (bigint), as SQLite does; text is UTF-8.
        PQsetClientEncoding(conn, "UTF8")
    }

    deinit { close() }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    public var isOpen: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Whether an idle connection can still be used: reads what the server sent meanwhile
    /// without waiting (libpq's socket is non-blocking), so a connection the server
    /// closed (a restart, `pg_terminate_backend`, an idle timeout) is seen as closed
    /// before a statement is sent on it.
    public var isUsable: Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        return PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
    }

    /// The connection's socket, to wait on with `poll` (a `LISTEN`ing connection); -1
    /// when closed.
    public var socket: Int32 { handle.map { PQsocket($0) } ?? -1 }

    /// Reads what the server sent without waiting and returns the notifications received
    /// since the last call (`LISTEN`), oldest first. Throws when the connection is lost
    /// (the server closed it, or it broke).
    public func notifications() throws(StoreError) -> [(channel: String, payload: String)] {
        let conn = try open()
        guard PQconsumeInput(conn) == 1 else { throw lostConnection(conn) }
        var found: [(channel: String, payload: String)] = []
        while let n = PQnotifies(conn) {
            found.append((String(cString: n.pointee.relname), n.pointee.extra.map { String(cString: $0) } ?? ""))
            PQfreemem(n)
        }
        guard PQstatus(conn) == CONNECTION_OK else { throw lostConnection(conn) }
        return found
    }

    /// The server's version as libpq reports it (150004 for 15.4).
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// Runs statements without parameters (migrations, `BEGIN`, `SET`): several may be
    /// separated by semicolons.
    public func execute(_ sql: String) throws(StoreError) {
        let conn = try open()
        guard let result = PQexec(conn, sql) else { throw lostConnection(conn) }
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with text parameters (`nil` is NULL) and returns its rows.
    ///
    /// The statement is prepared on this connection the first time its text is run and
    /// executed by name after that: the server parses it once, and once its plan is
    /// cached plans it no more (planning was most of the server's time at rest, about
    /// 2 ms a message: bench/README "Where the time goes on PostgreSQL"). Up to
    /// `maxPrepared` texts a connection; others run unprepared. A statement the server
    /// no longer has (SQLSTATE 26000) or whose result columns a migration changed
    /// (0A000, "cached plan must not change result type") is prepared again, once.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> PostgresResult {
        try query(sql, parameters, mayPrepareAgain: true)
    }

    private func query(_ sql: String, _ parameters: [String?], mayPrepareAgain: Bool) throws(StoreError) -> PostgresResult {
        let conn = try open()
        guard let name = try preparedName(conn, sql, parameterCount: parameters.count) else {
            return try finish(conn, sql, Self.withOptionalCStrings(parameters) { values in
                PQexecParams(conn, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            })
        }
        do {
            return try finish(conn, sql, Self.withOptionalCStrings(parameters) { values in
                PQexecPrepared(conn, name, Int32(parameters.count), values, nil, nil, 0)
            })
        } catch where Self.isStalePlan(error) {
            prepared[sql] = nil
            // Outside a transaction nothing was lost: prepare it again and run it once
            // more. Inside one the transaction is aborted already: the error is `busy`,
            // and the pool runs the whole transaction again, which prepares it anew.
            if mayPrepareAgain && PQtransactionStatus(conn) == PQTRANS_IDLE {
                return try query(sql, parameters, mayPrepareAgain: false)
            }
            throw error
        }
    }

    /// Most statement texts prepared on one connection (the store has about 200).
    static let maxPrepared = 1_000

    /// The texts prepared on this connection and their names.
    private var prepared: [String: String] = [:]

    /// Statements prepared so far on this connection (for tests).
    var preparedCount: Int { prepared.count }

    /// The name `sql` is prepared under on this connection, preparing it now if it is
    /// new; nil when the connection holds `maxPrepared` already.
    private func preparedName(_ conn: OpaquePointer, _ sql: String, parameterCount: Int) throws(StoreError) -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.maxPrepared else { return nil }
        nextStatement += 1
        let name = "sb_\(nextStatement)"
        _ = try finish(conn, sql, PQprepare(conn, name, sql, Int32(parameterCount), nil))
        prepared[sql] = name
        return name
    }
    private var nextStatement = 0

    private func finish(_ conn: OpaquePointer, _ sql: String, _ result: OpaquePointer?) throws(StoreError) -> PostgresResult {
        guard let result else { throw lostConnection(conn) }
        do throws(StoreError) {
            try check(result, sql: sql)
        } catch {
            PQclear(result)
            throw error
        }
        return PostgresResult(result)
    }

    private static func isStalePlan(_ error: StoreError) -> Bool {
        isStalePlan(sqlState: error.sqlState ?? "", message: error.message)
    }

    /// No such prepared statement (26000), or "cached plan must not change result type"
    /// (0A000: a migration changed the columns of a statement's result).
    private static func isStalePlan(sqlState: String, message: String) -> Bool {
        sqlState == "26000" || (sqlState == "0A000" && message.contains("cached plan"))
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: errors

    private func open() throws(StoreError) -> OpaquePointer {
        guard let handle else { throw StoreError(.misuse, "\(setting): the connection is closed", path: displayURL) }
        return handle
    }

    private func lostConnection(_ conn: OpaquePointer) -> StoreError {
        StoreError(.io, "\(setting): \(Self.message(PQerrorMessage(conn)))", path: displayURL)
    }

    private func check(_ result: OpaquePointer, sql: String) throws(StoreError) {
        let status = PQresultStatus(result)
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK, status != PGRES_EMPTY_QUERY else { return }
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let text = Self.message(PQresultErrorMessage(result))
        // A prepared statement gone stale ends its transaction like a deadlock does: the
        // whole transaction runs again (`PostgresPool.transaction`), preparing it anew.
        let code = Self.isStalePlan(sqlState: sqlState, message: text) ? .busy
            : Self.code(sqlState: sqlState, connectionOK: handle.map { PQstatus($0) == CONNECTION_OK } ?? false)
        throw StoreError(code, text.isEmpty ? "statement failed (\(sqlState))" : text, path: displayURL, sqlState: sqlState)
    }

    /// SQLSTATE classes to the store's codes: what a caller can act on.
    static func code(sqlState: String, connectionOK: Bool) -> StoreError.Code {
        if !connectionOK { return .io }
        switch sqlState {
        case "23505": return .conflict          // unique_violation
        case "23503", "23502", "23514": return .constraint   // foreign key, not null, check
        case "40001", "40P01", "55P03": return .busy         // serialization, deadlock, lock not available
        case "53100": return .io                // disk_full
        case "57P01", "57P02", "57P03": return .io    // the server is shutting down or restarting
        case "3D000", "28000", "28P01": return .cannotOpen   // no such database; auth
        case "XX001", "XX002": return .corrupt
        default:
            if sqlState.hasPrefix("08") { return .io }     // connection exceptions
            if sqlState.hasPrefix("42") { return .misuse }  // syntax or access rule
            return .postgres
        }
    }

    static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: "; ")
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; `password=secret`
    /// in a key=value string → `password=***`.
    public static func redact(_ url: String) -> String {
        if let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") {
            let userinfo = url[scheme.upperBound..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
            }
            return url
        }
        return url.replacing(/password\s*=\s*('[^']*'|\S+)/, with: "password=***")
    }

    // MARK: C strings

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }

    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        guard !strings.isEmpty else { return body(nil) }
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}

/// The rows of one statement, read as text. Owns the libpq result until deinit.
public final class PostgresResult {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    public var rowCount: Int { Int(PQntuples(result)) }
    public var columnCount: Int { Int(PQnfields(result)) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The command tag's first word (`INSERT`, `UPDATE`, `SELECT`, ...).
    public var command: String {
        String(String(cString: PQcmdStatus(result)).prefix { $0 != " " })
    }

    /// Whether the statement wrote rows (an INSERT, UPDATE, DELETE or MERGE, with or
    /// without RETURNING); a SELECT's count is rows read, not changed.
    public var changedRows: Int {
        switch command {
        case "INSERT", "UPDATE", "DELETE", "MERGE": return affectedRows
        default: return 0
        }
    }

    public func columnName(_ column: Int) -> String { String(cString: PQfname(result, Int32(column))) }

    public func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    public func string(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    public func int64(_ row: Int, _ column: Int) -> Int64? { string(row, column).flatMap { Int64($0) } }

    /// PostgreSQL's text form of a boolean is `t` or `f`.
    public func bool(_ row: Int, _ column: Int) -> Bool? { string(row, column).map { $0 == "t" } }
}
