/// A strict RFC 8259 JSON reader over bytes, without Foundation, for the hot paths
/// (webhook bodies, Graph API answers, outbox entries).
///
///     let value = try JSONReader.read(bytes)          // [UInt8]
///     let id = value["messages"]?.array?.first?["id"]?.string
///
/// It refuses what RFC 8259 refuses: trailing garbage, invalid UTF-8 (overlong forms,
/// encoded surrogates, beyond U+10FFFF), unescaped control characters in strings,
/// leading zeros, `1.`, `.5`, `+1`, single quotes, comments, trailing commas; and, beyond
/// the RFC, nesting deeper than `maxDepth`, numbers too large for a `Double` (as
/// `JSONSerialization` does) and lone surrogates in `\u` escapes (`"\ud800"` is an error,
/// not U+FFFD, again as `JSONSerialization` does). Any top-level value is accepted; a
/// UTF-8 byte order mark at the very start is skipped. Every error names the byte offset.
///
/// Never traps on hostile input: every read is checked against the end of the input.
public struct JSONReader {
    public static let defaultMaxDepth = 256

    /// Reads one JSON value filling all of `bytes` (whitespace around it allowed).
    /// Offsets in errors and in `JSONValue.source` count from `bytes`' start.
    public static func read(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONReadError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONReadError("empty input, expected a JSON value", at: 0)
        }
        var reader = JSONReader(p: base, end: bytes.count, maxDepth: maxDepth)
        return try reader.document()
    }

    public static func read(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONReadError) -> JSONValue {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONReadError) -> JSONValue in try read(buffer, maxDepth: maxDepth) }
        }.get()
    }

    private let p: UnsafeRawPointer
    private let end: Int
    private let maxDepth: Int
    private var i = 0
    private var depth = 0
    /// Members and items of the containers being read, so each container's array is
    /// allocated once, at its exact size, when it closes.
    private var memberStack: [JSONMember] = []
    private var valueStack: [JSONValue] = []
    /// The bytes of a string with escapes, as they are decoded.
    private var scratch: [UInt8] = []

    private init(p: UnsafeRawPointer, end: Int, maxDepth: Int) {
        self.p = p
        self.end = end
        self.maxDepth = maxDepth
    }

    @inline(__always) private func byte(_ at: Int) -> UInt8 {
        p.load(fromByteOffset: at, as: UInt8.self)
    }

    @inline(__always) private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: p + range.lowerBound, count: range.count), as: UTF8.self)
    }

    private mutating func document() throws(JSONReadError) -> JSONValue {
        if end >= 3, byte(0) == 0xEF, byte(1) == 0xBB, byte(2) == 0xBF { i = 3 }
        let v = try value()
        skipWhitespace()
        guard i == end else {
            throw JSONReadError("unexpected \(describe(i)) after the JSON value", at: i)
        }
        return v
    }

    private mutating func skipWhitespace() {
        while i < end {
            switch byte(i) {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONReadError) -> JSONValue {
        skipWhitespace()
        guard i < end else { throw endOfInput(expecting: "a value") }
        switch byte(i) {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw JSONReadError("expected a value, found \(describe(i))", at: i)
        }
    }

    private mutating func enter() throws(JSONReadError) {
        depth += 1
        guard depth <= maxDepth else {
            throw JSONReadError("nesting deeper than \(maxDepth) levels", at: i)
        }
    }

    private mutating func object() throws(JSONReadError) -> JSONValue {
        let start = i
        try enter()
        i += 1
        skipWhitespace()
        if i < end, byte(i) == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return .object([], source: start..<i)
        }
        let base = memberStack.count
        while true {
            skipWhitespace()
            guard i < end else { throw endOfInput(expecting: "a string key") }
            guard byte(i) == UInt8(ascii: "\"") else {
                throw JSONReadError("expected a string key, found \(describe(i))", at: i)
            }
            let key = try string()
            skipWhitespace()
            guard i < end else { throw endOfInput(expecting: "':'") }
            guard byte(i) == UInt8(ascii: ":") else {
                throw JSONReadError("expected ':' after an object key, found \(describe(i))", at: i)
            }
            i += 1
            let v = try value()
            memberStack.append(JSONMember(key: key, value: v))
            skipWhitespace()
            guard i < end else { throw endOfInput(expecting: "',' or '}'") }
            let c = byte(i)
            i += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            throw JSONReadError("expected ',' or '}' in an object, found \(describe(i - 1))", at: i - 1)
        }
        let members = Array(memberStack[base...])
        memberStack.removeLast(memberStack.count - base)
        depth -= 1
        return .object(members, source: start..<i)
    }

    private mutating func array() throws(JSONReadError) -> JSONValue {
        let start = i
        try enter()
        i += 1
        skipWhitespace()
        if i < end, byte(i) == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return .array([], source: start..<i)
        }
        let base = valueStack.count
        while true {
            let v = try value()
            valueStack.append(v)
            skipWhitespace()
            guard i < end else { throw endOfInput(expecting: "',' or ']'") }
            let c = byte(i)
            i += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            throw JSONReadError("expected ',' or ']' in an array, found \(describe(i - 1))", at: i - 1)
        }
        let items = Array(valueStack[base...])
        valueStack.removeLast(valueStack.count - base)
        depth -= 1
        return .array(items, source: start..<i)
    }

    private mutating func literal(_ word: StaticString) throws(JSONReadError) {
        let n = word.utf8CodeUnitCount
        let at = i
        var k = 0
        while k < n {
            guard at + k < end else { throw endOfInput(expecting: "\"\(word)\"") }
            guard byte(at + k) == word.utf8Start[k] else {
                throw JSONReadError("expected a value, found \(describe(at))", at: at)
            }
            k += 1
        }
        i = at + n
    }

    // MARK: - Strings

    /// A string starting at the opening quote at `i`; leaves `i` after the closing quote.
    private mutating func string() throws(JSONReadError) -> String {
        i += 1
        let start = i
        while i < end {
            let b = byte(i)
            if b == UInt8(ascii: "\"") {
                let s = text(start..<i)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { return try escapedString(from: start) }
            if b < 0x20 { throw controlCharacter(b) }
            if b < 0x80 { i += 1 } else { try utf8Sequence() }
        }
        throw endOfInput(expecting: "'\"' closing the string that starts at byte \(start - 1)")
    }

    /// The rest of a string whose first escape is at `i`, decoded into `scratch`.
    private mutating func escapedString(from start: Int) throws(JSONReadError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(start: p + start, count: i - start))
        while i < end {
            let b = byte(i)
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i + 1 < end else { throw endOfInput(expecting: "an escape") }
                let e = byte(i + 1)
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    appendUTF8(try unicodeEscape())
                    continue
                default:
                    throw JSONReadError("invalid escape \\\(describeBare(i + 1)) in a string", at: i)
                }
                i += 2
            case 0..<0x20:
                throw controlCharacter(b)
            case 0..<0x80:
                scratch.append(b)
                i += 1
            default:
                let s = i
                try utf8Sequence()
                scratch.append(contentsOf: UnsafeRawBufferPointer(start: p + s, count: i - s))
            }
        }
        throw endOfInput(expecting: "'\"' closing a string")
    }

    /// `\uXXXX` at `i` (a surrogate pair takes two); leaves `i` after it.
    private mutating func unicodeEscape() throws(JSONReadError) -> UInt32 {
        let at = i
        let first = try hex4(at: i + 2, escapeAt: at)
        i += 6
        switch first {
        case 0xD800...0xDBFF:
            guard i + 1 < end, byte(i) == UInt8(ascii: "\\"), byte(i + 1) == UInt8(ascii: "u") else {
                throw JSONReadError("lone surrogate \(hexName(first)) (a high surrogate not followed by a low one)", at: at)
            }
            let second = try hex4(at: i + 2, escapeAt: i)
            guard (0xDC00...0xDFFF).contains(second) else {
                throw JSONReadError("lone surrogate \(hexName(first)) (followed by \(hexName(second)), not a low surrogate)", at: at)
            }
            i += 6
            return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        case 0xDC00...0xDFFF:
            throw JSONReadError("lone surrogate \(hexName(first)) (a low surrogate without a high one)", at: at)
        default:
            return first
        }
    }

    private func hex4(at j: Int, escapeAt: Int) throws(JSONReadError) -> UInt32 {
        guard j + 4 <= end else { throw endOfInput(expecting: "four hex digits of a \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = byte(j + k)
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw JSONReadError("invalid \\u escape (\(describe(j + k)) is not a hex digit)", at: escapeAt)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// One well-formed multi-byte UTF-8 sequence at `i` (Unicode table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF); leaves `i` after it.
    private mutating func utf8Sequence() throws(JSONReadError) {
        let lead = byte(i)
        let count: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: count = 2
        case 0xED: count = 2; high = 0x9F
        case 0xF0: count = 3; low = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; high = 0x8F
        default: throw JSONReadError("invalid UTF-8 (byte \(hexByte(lead)))", at: i)
        }
        guard i + count < end else { throw JSONReadError("invalid UTF-8 (a sequence cut short)", at: i) }
        let second = byte(i + 1)
        guard second >= low && second <= high else { throw JSONReadError("invalid UTF-8 (byte \(hexByte(second)) after \(hexByte(lead)))", at: i) }
        var k = 2
        while k <= count {
            let c = byte(i + k)
            guard c & 0xC0 == 0x80 else { throw JSONReadError("invalid UTF-8 (byte \(hexByte(c)) in a sequence)", at: i) }
            k += 1
        }
        i += count + 1
    }

    // MARK: - Numbers

    private mutating func number() throws(JSONReadError) -> JSONValue {
        let start = i
        if byte(i) == UInt8(ascii: "-") { i += 1 }
        guard i < end else { throw endOfInput(expecting: "a digit") }
        if byte(i) == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(byte(i)) {
            skipDigits()
        } else {
            throw JSONReadError("expected a digit, found \(describe(i))", at: i)
        }
        var integer = true
        if i < end, byte(i) == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard i < end, isDigit(byte(i)) else {
                throw i < end ? JSONReadError("expected a digit after '.', found \(describe(i))", at: i) : endOfInput(expecting: "a digit")
            }
            skipDigits()
        }
        if i < end, byte(i) | 0x20 == UInt8(ascii: "e") {
            integer = false
            i += 1
            if i < end, byte(i) == UInt8(ascii: "+") || byte(i) == UInt8(ascii: "-") { i += 1 }
            guard i < end, isDigit(byte(i)) else {
                throw i < end ? JSONReadError("expected a digit in an exponent, found \(describe(i))", at: i) : endOfInput(expecting: "a digit")
            }
            skipDigits()
        }
        let literal = text(start..<i)
        if !integer {
            guard let d = Double(literal), d.isFinite else {
                throw JSONReadError("number \(literal.prefix(40)) is too large", at: start)
            }
        }
        return .number(literal)
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while i < end, isDigit(byte(i)) { i += 1 }
    }

    // MARK: - Errors

    private func endOfInput(expecting what: String) -> JSONReadError {
        JSONReadError("unexpected end of input, expected \(what)", at: end)
    }

    private func controlCharacter(_ b: UInt8) -> JSONReadError {
        JSONReadError("unescaped control character \(hexByte(b)) in a string", at: i)
    }

    /// `'x'` for a printable ASCII byte, `byte 0xNN` for any other.
    private func describe(_ at: Int) -> String {
        let b = byte(at)
        return (0x21...0x7E).contains(b) ? "'\(Character(UnicodeScalar(b)))'" : "byte \(hexByte(b))"
    }

    private func describeBare(_ at: Int) -> String {
        let b = byte(at)
        return (0x21...0x7E).contains(b) ? String(Character(UnicodeScalar(b))) : "(byte \(hexByte(b)))"
    }

    private func hexByte(_ b: UInt8) -> String {
        let h = String(b, radix: 16, uppercase: true)
        return "0x" + (h.count < 2 ? "0" + h : h)
    }

    private func hexName(_ u: UInt32) -> String {
        let h = String(u, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
