import Foundation
import SwitchboardCore

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Swift values that bind to SQLite parameters. Dates are stored as integer
/// milliseconds since 1970 (sortable, and the same in PostgreSQL as `bigint`).
protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension SQLiteValue: SQLiteBindable { var sqliteValue: SQLiteValue { self } }
extension String: SQLiteBindable { var sqliteValue: SQLiteValue { .text(self) } }
extension Int64: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(self) } }
extension Int: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Bool: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension Double: SQLiteBindable { var sqliteValue: SQLiteValue { .real(self) } }
extension Array: SQLiteBindable where Element == UInt8 { var sqliteValue: SQLiteValue { .blob(self) } }
extension Date: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(millisecondsSince1970) } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
extension WorkspaceID: SQLiteBindable { var sqliteValue: SQLiteValue { .text(rawValue) } }
extension ChannelID: SQLiteBindable { var sqliteValue: SQLiteValue { .text(rawValue) } }
extension ContactID: SQLiteBindable { var sqliteValue: SQLiteValue { .text(rawValue) } }
extension ConversationID: SQLiteBindable { var sqliteValue: SQLiteValue { .text(rawValue) } }
extension MessageID: SQLiteBindable { var sqliteValue: SQLiteValue { .text(rawValue) } }

extension RawRepresentable where RawValue == String {
    var sqliteValue: SQLiteValue { .text(rawValue) }
}
extension ConversationState: SQLiteBindable {}
extension DeliveryStatus: SQLiteBindable {}
extension MessageKind: SQLiteBindable {}
extension MessageDirection: SQLiteBindable {}
extension EventKind: SQLiteBindable {}

extension Date {
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    init(millisecondsSince1970 ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
    /// The same instant as stored: whole milliseconds.
    var truncatedToMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}
