/// A parsed route pattern.
struct RoutePattern: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }
    let text: String
    let segments: [Segment]
    /// Specificity: literal segments first, then parameters, rest last.
    let rank: [Int]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "route pattern must start with /: \(text)")
        self.text = text
        var segs: [Segment] = []
        for part in RoutePattern.split(Substring(text)) {
            if part.hasPrefix("{") && part.hasSuffix("...}") {
                segs.append(.rest(String(part.dropFirst().dropLast(4))))
            } else if part.hasPrefix("{") && part.hasSuffix("}") {
                segs.append(.parameter(String(part.dropFirst().dropLast())))
            } else {
                segs.append(.literal(part))
            }
        }
        segments = segs
        rank = segs.map { s in
            switch s {
            case .literal: 2
            case .parameter: 1
            case .rest: 0
            }
        }
    }

    func outranks(_ other: RoutePattern) -> Bool { other.rank.lexicographicallyPrecedes(rank) }

    /// Path segments: `/a/b/` gives `["a", "b", ""]`, `/` gives `[]`... except that a
    /// trailing slash is kept as an empty last segment so `/inbox/` differs from `/inbox`.
    static func split(_ path: Substring) -> [String] {
        var p = path
        if p.hasPrefix("/") { p = p.dropFirst() }
        if p.isEmpty { return [] }
        return p.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    /// Parameters when the path's segments match. They come percent-decoded one by one
    /// (the router decodes once, not once per route), so `%2F` inside a parameter stays
    /// within it.
    func match(_ decoded: [String]) -> [String: String]? {
        var params: [String: String] = [:]
        var i = 0
        for seg in segments {
            switch seg {
            case .literal(let lit):
                guard i < decoded.count, decoded[i] == lit else { return nil }
                i += 1
            case .parameter(let name):
                guard i < decoded.count, !decoded[i].isEmpty else { return nil }
                params[name] = decoded[i]
                i += 1
            case .rest(let name):
                params[name] = decoded[i...].joined(separator: "/")
                i = decoded.count
            }
        }
        return i == decoded.count ? params : nil
    }
}
