/// Percent-decoding of request targets and query strings.
enum URLCoding {
    /// Splits `/a/b?x=1&y=%C3%A9` into the decoded path and decoded query items.
    static func splitTarget(_ target: String) -> (path: String, query: [(name: String, value: String)]) {
        var t = Substring(target)
        if let hash = t.firstIndex(of: "#") { t = t[..<hash] }
        guard let q = t.firstIndex(of: "?") else { return (decode(t), []) }
        return (decode(t[..<q]), parseQuery(t[t.index(after: q)...]))
    }

    /// The raw (still encoded) path of a target.
    static func rawPath(_ target: String) -> Substring {
        let end = target.firstIndex { $0 == "?" || $0 == "#" } ?? target.endIndex
        return target[..<end]
    }

    /// `a=1&b=x+y&c` into `[("a","1"), ("b","x y"), ("c","")]`.
    static func parseQuery(_ s: Substring) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        for pair in s.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: "=") {
                items.append((decode(pair[..<eq], plusAsSpace: true), decode(pair[pair.index(after: eq)...], plusAsSpace: true)))
            } else {
                items.append((decode(pair, plusAsSpace: true), ""))
            }
        }
        return items
    }

    /// Decodes `%XX` escapes (invalid escapes are kept as written) and, in query strings,
    /// `+` as a space. Bytes that are not UTF-8 become U+FFFD.
    static func decode(_ s: Substring, plusAsSpace: Bool = false) -> String {
        if !s.utf8.contains(UInt8(ascii: "%")) && !(plusAsSpace && s.utf8.contains(UInt8(ascii: "+"))) { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count,
               let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else if plusAsSpace && b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
                i += 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
