/// JSON written byte for byte as a test wants it: keys in the order given, and, like
/// Meta's webhooks, every non-ASCII character escaped as `\uXXXX` (surrogate pairs for
/// emoji) and `/` as `\/`. Signing these bytes and then re-serialising the parsed
/// object gives different bytes, which is what catches a signature check done after
/// parsing.
public indirect enum FixtureJSON: Sendable, Equatable {
    case object([Member])
    case array([FixtureJSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: FixtureJSON
        public init(_ key: String, _ value: FixtureJSON) {
            self.key = key
            self.value = value
        }
    }

    /// An object from key-value pairs, in order.
    public static func obj(_ pairs: KeyValuePairs<String, FixtureJSON>) -> FixtureJSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// The JSON text. `metaEscaping` (the default) escapes non-ASCII and slashes the way
    /// Meta does; without it, UTF-8 is written as is.
    public func encoded(metaEscaping: Bool = true) -> String {
        var out = ""
        write(into: &out, meta: metaEscaping)
        return out
    }

    public func bytes(metaEscaping: Bool = true) -> [UInt8] {
        Array(encoded(metaEscaping: metaEscaping).utf8)
    }

    private func write(into out: inout String, meta: Bool) {
        switch self {
        case .object(let members):
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                FixtureJSON.string(m.key).write(into: &out, meta: meta)
                out += ":"
                m.value.write(into: &out, meta: meta)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out, meta: meta)
            }
            out += "]"
        case .string(let s):
            out += "\""
            for unit in s.unicodeScalars {
                switch unit {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += meta ? "\\/" : "/"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if unit.value < 0x20 || (meta && unit.value > 0x7E) {
                        for u in String(unit).utf16 { out += FixtureJSON.hex4(u) }
                    } else {
                        out.unicodeScalars.append(unit)
                    }
                }
            }
            out += "\""
        case .int(let v):
            out += String(v)
        case .double(let v):
            out += String(v)
        case .bool(let v):
            out += v ? "true" : "false"
        case .null:
            out += "null"
        }
    }

    private static func hex4(_ u: UInt16) -> String {
        let h = String(u, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}

extension FixtureJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
