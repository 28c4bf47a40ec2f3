/// HTTP header fields in the order received, with case-insensitive lookup. A name may
/// appear more than once; the subscript returns the first value.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared without regard to ASCII case; setting replaces
    /// every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { HTTPHeaders.sameName($0.name, name) }?.value }
        set {
            if let newValue {
                if let i = fields.firstIndex(where: { HTTPHeaders.sameName($0.name, name) }) {
                    fields[i].value = newValue
                    fields = fields.enumerated().filter { $0.offset == i || !HTTPHeaders.sameName($0.element.name, name) }.map(\.element)
                } else {
                    fields.append((name: name, value: newValue))
                }
            } else {
                fields.removeAll { HTTPHeaders.sameName($0.name, name) }
            }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaders.sameName($0.name, name) }.map(\.value)
    }

    /// Field names are ASCII and compared without regard to ASCII case only (RFC 9110
    /// 5.1). Unicode case mapping would make `Coo\u{212A}ie` (KELVIN SIGN) the `Cookie`
    /// header, which a proxy in front sees as another field. (Found by fuzz-http-router.)
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { asciiLower($0) == asciiLower($1) }
    }

    @inline(__always) static func asciiLower(_ c: UInt8) -> UInt8 {
        c >= 0x41 && c <= 0x5A ? c | 0x20 : c
    }

    /// `s` with A-Z lowered and every other byte as it is.
    static func asciiLowercased(_ s: String) -> String {
        String(decoding: s.utf8.map(asciiLower), as: UTF8.self)
    }

    /// Adds a field, keeping any others of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }
}
