/// A JSON value as `JSONReader` read it, without Foundation.
///
/// Objects keep their members in the order written, duplicates included; `self[key]`
/// answers the last one (last wins, as `JSONSerialization` does). Numbers keep their
/// literal text, so an id sent as a number reads back as the digits that were sent.
/// Objects and arrays remember where they were in the input (`source`), so a caller can
/// keep a part of the body byte for byte instead of writing it again.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The literal as written (`42`, `-1.5e3`): valid RFC 8259 number syntax.
    case number(String)
    case string(String)
    case array([JSONValue], source: Range<Int>)
    case object([JSONMember], source: Range<Int>)

    /// The value of the last member named `key`; nil when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members, _) = self else { return nil }
        var i = members.count
        while i > 0 {
            i -= 1
            if members[i].key == key { return members[i].value }
        }
        return nil
    }

    /// The items of an array, nil for anything else.
    public var array: [JSONValue]? {
        if case .array(let items, _) = self { return items }
        return nil
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// A string, nil for anything else (numbers included).
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A string, or a number as text: an integer as its digits (`-0` as `0`), any other
    /// number as Swift writes the `Double` (`1.5`, `1000.0`, `3e-05`); what
    /// `NSNumber.stringValue` gave for what `JSONSerialization` read, except for
    /// integers with a fraction or exponent beyond 2^53.
    public var stringOrNumber: String? {
        switch self {
        case .string(let s): return s
        case .number(let literal):
            if JSONValue.isInteger(literal) { return literal == "-0" ? "0" : literal }
            return Double(literal).map { "\($0)" }
        default: return nil
        }
    }

    /// A number (truncated toward zero) or a string of an integer; nil for anything
    /// else, and for numbers outside `Int`.
    public var int: Int? {
        switch self {
        case .number(let literal):
            if JSONValue.isInteger(literal), let i = Int(literal) { return i }
            guard let d = Double(literal), d.isFinite, d > -9.2e18, d < 9.2e18 else { return nil }
            return Int(d.rounded(.towardZero))
        case .string(let s): return Int(s)
        default: return nil
        }
    }

    /// A number, or a string of one.
    public var double: Double? {
        switch self {
        case .number(let literal): return Double(literal)
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    /// true/false, or a number (true unless its integer part is 0, as `NSNumber.boolValue`).
    public var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .number(let literal): return Double(literal).map { $0.rounded(.towardZero) != 0 }
        default: return nil
        }
    }

    /// Where an object or an array was in the input; nil for the other values.
    public var source: Range<Int>? {
        switch self {
        case .array(_, let range), .object(_, let range): return range
        default: return nil
        }
    }

    /// No fraction, no exponent.
    public static func isInteger(_ literal: String) -> Bool {
        !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }
}

/// One `"key": value` of an object.
public struct JSONMember: Sendable {
    public let key: String
    public let value: JSONValue
}
