import CSQLite
import Foundation

/// The current row of a statement being stepped; valid only inside the mapping closure.
struct SQLiteRow {
    let statement: OpaquePointer
    let connection: SQLiteConnection

    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }

    /// Columns in the row.
    var columnCount: Int32 { sqlite3_column_count(statement) }

    /// Column `i` as it is stored, whatever its type (`switchboard copy`).
    func value(_ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, i))
        case SQLITE_BLOB: return .blob(blob(i))
        default: return .text(string(i))
        }
    }

    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
    func optionalInt64(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    func bool(_ i: Int32) -> Bool { int64(i) != 0 }

    func string(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(statement, i) else { return "" }
        let n = Int(sqlite3_column_bytes(statement, i))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    func optionalString(_ i: Int32) -> String? { isNull(i) ? nil : string(i) }

    func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(statement, i))
        guard n > 0, let p = sqlite3_column_blob(statement, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    func date(_ i: Int32) -> Date { Date(millisecondsSince1970: int64(i)) }
    func optionalDate(_ i: Int32) -> Date? { isNull(i) ? nil : date(i) }

    func optionalBlob(_ i: Int32) -> [UInt8]? { isNull(i) ? nil : blob(i) }

    /// A text column holding an enum's raw value; a value this program does not know is
    /// an `unreadable` error naming the table's column, not a crash.
    func enumValue<E: RawRepresentable>(_ i: Int32, _ type: E.Type) throws(StoreError) -> E where E.RawValue == String {
        let raw = string(i)
        guard let value = E(rawValue: raw) else {
            let column = sqlite3_column_name(statement, i).map { String(cString: $0) } ?? "column \(i)"
            throw StoreError(.unreadable, "unknown value '\(raw)' in \(column) (\(E.self)); written by a newer switchboard?", path: connection.path)
        }
        return value
    }
    func optionalEnumValue<E: RawRepresentable>(_ i: Int32, _ type: E.Type) throws(StoreError) -> E? where E.RawValue == String {
        isNull(i) ? nil : try enumValue(i, type)
    }
}
