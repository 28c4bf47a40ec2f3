import SwitchboardCore

/// JSON text written straight into bytes, for the request bodies of the send path. The
/// caller writes the structure (`raw`) and every string through `string`, which escapes
/// with `JSONText.appendQuoted`: quotes, backslashes and control characters, nothing
/// else (non-ASCII and `/` go out as they are).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Structure written as is: braces, keys with their quotes, literals.
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func int(_ n: Int64) {
        bytes.append(contentsOf: String(n).utf8)
    }

    mutating func bool(_ b: Bool) {
        b ? raw("true") : raw("false")
    }

    /// `s` as a JSON string literal, escaped by `JSONText.appendQuoted` (one set of
    /// escaping rules for every JSON the host writes).
    mutating func string(_ s: String) {
        var quoted = ""
        quoted.reserveCapacity(s.utf8.count + 2)
        JSONText.appendQuoted(s, to: &quoted)
        bytes.append(contentsOf: quoted.utf8)
    }
}
