/// Immutable UTF-8 text in one heap buffer that never moves and is freed only with the
/// last reference: values that hand the same bytes to C (a plugin's `config_json`, valid
/// until the plugin's `destroy`) share this one buffer instead of each keeping a copy.
///
///     let text = SharedUTF8(#"{"entries": []}"#)
///     text.count; text.string; text.bytes   // the bytes stay where they are while `text` lives
public final class SharedUTF8: @unchecked Sendable, Equatable, Hashable, CustomStringConvertible {
    private let base: UnsafeMutablePointer<UInt8>
    /// The number of bytes (no terminator counted; one NUL follows them).
    public let count: Int

    public init(_ string: String) {
        var s = string
        let n = s.utf8.count
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: n + 1)
        s.withUTF8 { src in
            if let from = src.baseAddress, n > 0 { base.initialize(from: from, count: n) }
        }
        base[n] = 0
        self.base = base
        self.count = n
    }

    deinit { base.deallocate() }

    /// The bytes; valid as long as this object is alive.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The text as a `String` (a copy).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { string }

    /// Whether the text is empty or only white space.
    public var isBlank: Bool {
        for b in bytes {
            switch b {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: continue
            case 0x80...: return string.allSatisfy(\.isWhitespace)
            default: return false
            }
        }
        return true
    }

    public static func == (a: SharedUTF8, b: SharedUTF8) -> Bool {
        a === b || (a.count == b.count && a.bytes.elementsEqual(b.bytes))
    }

    public func hash(into h: inout Hasher) { h.combine(bytes: UnsafeRawBufferPointer(bytes)) }
}
