/// Finds the words of a vocabulary within a small edit distance of a query word without
/// comparing the query with every word: a symmetric deletion index (as in SymSpell).
///
/// Every vocabulary word is stored under the hashes of all the strings obtained by
/// deleting up to `maxDistance(length)` of its characters; a query word looks up the
/// hashes of its own deletions, and each candidate found is confirmed with the real
/// (optimal string alignment) Damerau-Levenshtein distance. Two words are allowed
/// distance 1 when the shorter has 4-7 characters, 2 when it has 8 or more, and none
/// below 4, and the first letter must be kept (see `sameStart`). Hash collisions only
/// cost a verification, never a wrong match.
struct FuzzyIndex: Sendable {
    static let maxWordLength = 24

    /// The vocabulary words as Unicode scalar values.
    private let words: [[UInt32]]
    /// Deletion hash -> indices into `words`.
    private let buckets: [UInt64: [Int32]]

    static func maxDistance(length: Int) -> Int {
        switch length {
        case ..<4: return 0
        case 4...7: return 1
        default: return 2
        }
    }

    init(words vocabulary: [String]) {
        var words: [[UInt32]] = []
        var buckets: [UInt64: [Int32]] = [:]
        for word in vocabulary {
            let scalars = word.unicodeScalars.map(\.value)
            guard scalars.count >= 4, scalars.count <= Self.maxWordLength else {
                words.append(scalars)
                continue
            }
            let index = Int32(words.count)
            words.append(scalars)
            Self.forEachDeletionHash(of: scalars, upTo: Self.maxDistance(length: scalars.count)) { hash in
                buckets[hash, default: []].append(index)
            }
        }
        for key in buckets.keys { // a word can produce the same deletion twice ("book")
            if let list = buckets[key], list.count > 1 {
                var seen = Set<Int32>()
                buckets[key] = list.filter { seen.insert($0).inserted }
            }
        }
        self.words = words
        self.buckets = buckets
    }

    /// Indices (into the vocabulary given to `init`) and distances of the words within
    /// the allowed distance of `query`, the query itself excluded. With `endingsOnly`,
    /// only words that extend or shorten the query at its end ("baker", "bakery").
    func neighbours(of query: String, endingsOnly: Bool = false) -> [(index: Int, distance: Int)] {
        let q = query.unicodeScalars.map(\.value)
        guard q.count >= 4, q.count <= Self.maxWordLength else { return [] }
        var found: [(index: Int, distance: Int)] = []
        var checked = Set<Int32>()
        Self.forEachDeletionHash(of: q, upTo: Self.maxDistance(length: q.count)) { hash in
            guard let list = buckets[hash] else { return }
            for candidate in list where checked.insert(candidate).inserted {
                let word = words[Int(candidate)]
                let allowed = Self.maxDistance(length: min(q.count, word.count))
                guard allowed > 0, abs(q.count - word.count) <= allowed,
                      Self.sameStart(q, word),
                      !endingsOnly || Self.isPrefix(q, of: word) || Self.isPrefix(word, of: q)
                else { continue }
                let d = Self.distance(q, word, limit: allowed)
                if d > 0 && d <= allowed { found.append((Int(candidate), d)) }
            }
        }
        return found
    }

    /// Typing errors rarely touch the first letter: a neighbour must start with the
    /// same letter, or with the first two letters swapped ("oepn" for "open").
    /// This keeps "rain" from finding "drain" and "cars" from finding "scars".
    static func sameStart(_ a: [UInt32], _ b: [UInt32]) -> Bool {
        if a[0] == b[0] { return true }
        return a.count > 1 && b.count > 1 && a[0] == b[1] && a[1] == b[0]
    }

    private static func isPrefix(_ a: [UInt32], of b: [UInt32]) -> Bool {
        a.count <= b.count && b.starts(with: a)
    }

    /// Calls `body` with the hash of `word` and of every string obtained by deleting one
    /// or (when `maxDeletions` is 2) two of its characters.
    private static func forEachDeletionHash(of word: [UInt32], upTo maxDeletions: Int, _ body: (UInt64) -> Void) {
        let n = word.count
        body(hash(word, skipping: -1, -1))
        guard maxDeletions >= 1 else { return }
        for i in 0..<n {
            body(hash(word, skipping: i, -1))
            guard maxDeletions >= 2 else { continue }
            for j in (i + 1)..<n { body(hash(word, skipping: i, j)) }
        }
    }

    /// FNV-1a over the scalars, skipping positions `a` and `b`, seeded with the length
    /// of the result.
    private static func hash(_ word: [UInt32], skipping a: Int, _ b: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let length = word.count - (a >= 0 ? 1 : 0) - (b >= 0 ? 1 : 0)
        h = (h ^ UInt64(length)) &* 0x0000_0100_0000_01B3
        for i in word.indices where i != a && i != b {
            h = (h ^ UInt64(word[i])) &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions),
    /// giving up with `limit + 1` as soon as every cell of a row exceeds `limit`.
    static func distance(_ a: [UInt32], _ b: [UInt32], limit: Int) -> Int {
        let n = a.count, m = b.count
        if n == 0 { return m }
        if m == 0 { return n }
        var twoBack = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            var rowMin = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = Swift.min(value, twoBack[j - 2] + 1)
                }
                current[j] = value
                rowMin = Swift.min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[m]
    }
}
