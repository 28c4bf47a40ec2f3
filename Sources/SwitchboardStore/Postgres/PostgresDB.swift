import Foundation
import SwitchboardCore

/// A `PostgresConnection` as the PostgreSQL store's repositories use it: the same calls
/// as `SQLiteConnection` (`run`, `query`, `queryOne` with `SQLiteBindable` values and a
/// row mapper), so a repository reads the same on both backends and only its SQL differs.
///
/// Parameters are written `?` (numbered in order) or `?N` (SQLite's numbered form) and
/// sent as `$N`: values travel apart from the SQL, as text, and PostgreSQL infers their
/// types from where they are used (a parameter whose type it cannot infer, such as
/// `? IS NULL`, needs a cast in the SQL: `?::bigint IS NULL`).
///
/// Counts the rows statements changed (`changes`) and remembers the first statement
/// that failed inside the current transaction (`failure`): after a failed statement
/// PostgreSQL refuses everything until ROLLBACK, and a COMMIT then silently rolls back,
/// so the pool turns that into an error instead (see `PostgresPool`).
final class PostgresDB: @unchecked Sendable {
    private(set) var connection: PostgresConnection
    var path: String { connection.displayURL }
    /// How to connect again (see `reconnectable`).
    private let url: String?
    private let setting: String
    /// Set when the pool hands the connection out, cleared by its first statement: until
    /// then nothing was done on it for the caller, so a connection the server dropped
    /// while it was idle is replaced and the statement sent again, instead of failing.
    var reconnectable = false
    /// Rows changed by statements on this connection so far.
    private(set) var changes: Int64 = 0
    /// The first statement error since `resetFailure()` (the start of a transaction).
    private(set) var failure: StoreError?
    /// Failed statements so far.
    private(set) var failures = 0

    init(_ connection: PostgresConnection, url: String? = nil, setting: String = "storage.postgres") {
        self.connection = connection
        self.url = url
        self.setting = setting
    }

    /// Runs `statement`; if it is the first since check-out and the connection turns out
    /// to be lost, once more on a new connection.
    private func retryingLoss<T>(_ statement: () throws(StoreError) -> T) throws(StoreError) -> T {
        let first = reconnectable
        reconnectable = false
        do {
            return try statement()
        } catch where first && !connection.isOpen && url != nil {
            connection.close()
            connection = try PostgresConnection(url: url!, setting: setting)
            return try statement()
        }
    }

    func resetFailure() { failure = nil }

    /// Runs statements without parameters (migrations, transaction control).
    func execute(_ sql: String) throws(StoreError) {
        do {
            try retryingLoss { () throws(StoreError) in try connection.execute(sql) }
        } catch {
            note(error)
            throw error
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLiteBindable] = []) throws(StoreError) -> Int {
        let result = try raw(sql, values)
        changes += Int64(result.changedRows)
        return result.affectedRows
    }

    /// Runs a query and maps every row.
    func query<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], _ map: (PostgresRow) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let result = try raw(sql, values)
        changes += Int64(result.changedRows)
        var rows: [T] = []
        rows.reserveCapacity(result.rowCount)
        for i in 0..<result.rowCount {
            rows.append(try map(PostgresRow(result: result, row: i, path: path)))
        }
        return rows
    }

    /// Runs a query and maps its first row, if any.
    func queryOne<T>(
        _ sql: String, _ values: [any SQLiteBindable] = [], _ map: (PostgresRow) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        let result = try raw(sql, values)
        changes += Int64(result.changedRows)
        guard result.rowCount > 0 else { return nil }
        return try map(PostgresRow(result: result, row: 0, path: path))
    }

    /// Runs `body` in a savepoint of the current transaction: a statement that fails
    /// inside it is undone alone and leaves the transaction usable.
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT sb_sp")
        let failuresBefore = failures
        let saved = failure
        do {
            let value = try body()
            try execute("RELEASE SAVEPOINT sb_sp")
            return value
        } catch {
            try execute("ROLLBACK TO SAVEPOINT sb_sp")
            // The failure was undone with the savepoint: the transaction goes on.
            if failures > failuresBefore { failure = saved }
            throw error
        }
    }

    private func raw(_ sql: String, _ values: [any SQLiteBindable]) throws(StoreError) -> PostgresResult {
        do {
            let parameters = values.map { Self.text($0.sqliteValue) }
            return try retryingLoss { () throws(StoreError) in try connection.query(Self.numbered(sql), parameters) }
        } catch {
            // The store's protocols call a duplicate key `constraint` (as on SQLite);
            // `conflict` means a provider message stored in another workspace.
            let reported = error.sqlState == "23505"
                ? StoreError(.constraint, error.message, path: error.path, sqlState: error.sqlState) : error
            note(reported)
            throw reported
        }
    }

    private func note(_ error: StoreError) {
        failures += 1
        if failure == nil { failure = error }
    }

    /// A value as PostgreSQL's text input form.
    static func text(_ value: SQLiteValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return s
        case .blob(let bytes):
            var hex = "\\x"
            hex.reserveCapacity(2 + bytes.count * 2)
            for b in bytes {
                hex.append(Self.hexDigits[Int(b >> 4)])
                hex.append(Self.hexDigits[Int(b & 0x0f)])
            }
            return hex
        }
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static let cache = NumberedCache()

    /// `?` and `?N` placeholders outside quotes as `$N` (a bare `?` takes the number after
    /// the largest so far, as in SQLite).
    static func numbered(_ sql: String) -> String {
        if let done = cache.get(sql) { return done }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var highest = 0
        var quote: Character?
        var chars = Array(sql)
        chars.append(" ")
        var i = 0
        while i < chars.count - 1 {
            let c = chars[i]
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                out.append(c)
                i += 1
                continue
            }
            if c == "?" {
                var j = i + 1
                var digits = ""
                while j < chars.count, let d = chars[j].wholeNumberValue, chars[j].isASCII {
                    digits.append(String(d))
                    j += 1
                }
                let n = digits.isEmpty ? highest + 1 : Int(digits)!
                highest = max(highest, n)
                out += "$\(n)"
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        cache.put(sql, out)
        return out
    }
}

/// Converted SQL by original text (the store's statements are a fixed set).
private final class NumberedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: String] = [:]
    func get(_ sql: String) -> String? { lock.withLock { table[sql] } }
    func put(_ sql: String, _ done: String) {
        lock.withLock { if table.count < 4096 { table[sql] = done } }
    }
}

/// One row of a result, read like `SQLiteRow` (columns by index). Integers, dates (bigint
/// milliseconds) and booleans (`t`/`f`, or 0/1 in integer columns) are parsed from text.
struct PostgresRow {
    let result: PostgresResult
    let row: Int
    let path: String

    func isNull(_ i: Int32) -> Bool { result.isNull(row, Int(i)) }

    func int64(_ i: Int32) -> Int64 {
        guard let s = result.string(row, Int(i)) else { return 0 }
        if let v = Int64(s) { return v }
        if s == "t" { return 1 }
        if s == "f" { return 0 }
        return Double(s).map { Int64($0) } ?? 0
    }
    func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    func bool(_ i: Int32) -> Bool { int64(i) != 0 }
    func double(_ i: Int32) -> Double { result.string(row, Int(i)).flatMap { Double($0) } ?? 0 }

    func string(_ i: Int32) -> String { result.string(row, Int(i)) ?? "" }
    func optionalString(_ i: Int32) -> String? { result.string(row, Int(i)) }

    /// A bytea column (text form `\x` and hex digits).
    func blob(_ i: Int32) -> [UInt8] {
        guard let s = result.string(row, Int(i)) else { return [] }
        var utf8 = Array(s.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") else { return utf8 }
        utf8.removeFirst(2)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return 0
            }
        }
        var k = 0
        while k + 1 < utf8.count {
            bytes.append(nibble(utf8[k]) << 4 | nibble(utf8[k + 1]))
            k += 2
        }
        return bytes
    }
    func optionalBlob(_ i: Int32) -> [UInt8]? { isNull(i) ? nil : blob(i) }

    func date(_ i: Int32) -> Date { Date(millisecondsSince1970: int64(i)) }
    func optionalDate(_ i: Int32) -> Date? { isNull(i) ? nil : date(i) }

    /// A text column holding an enum's raw value; an unknown value is `unreadable`.
    func enumValue<E: RawRepresentable>(_ i: Int32, _ type: E.Type) throws(StoreError) -> E where E.RawValue == String {
        let raw = string(i)
        guard let value = E(rawValue: raw) else {
            throw StoreError(.unreadable, "unknown value '\(raw)' in \(result.columnName(Int(i))) (\(E.self)); written by a newer switchboard?", path: path)
        }
        return value
    }
    func optionalEnumValue<E: RawRepresentable>(_ i: Int32, _ type: E.Type) throws(StoreError) -> E? where E.RawValue == String {
        isNull(i) ? nil : try enumValue(i, type)
    }
}
