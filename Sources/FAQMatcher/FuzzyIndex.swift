import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Finds the words of a vocabulary within a small edit distance of a query word.
///
/// Two words are allowed distance 1 when the shorter has 4-7 characters, 2 when it has
/// 8 or more, and none below 4 or above `maxWordLength`, and the first letter must be
/// kept (see `sameStart`); the distance is the optimal string alignment
/// (Damerau-Levenshtein) distance.
///
/// Sized to its vocabulary: a workspace's FAQ has a few hundred words, and a host holds
/// thousands of workspaces, so the index keeps no table per possible typo. It keeps its
/// words as numbers of `SharedWord`s, which every index of the process shares (the
/// same word in two FAQs is stored once), and an ordering of them by first letter and
/// length. A query compares itself only with the words that start with its first letter
/// (or its first two letters swapped) and whose length is close enough, after a
/// letter-set test that rules most of them out without computing a distance.
///
/// The results, and their order, are those of a symmetric deletion index (as in
/// SymSpell) over the same vocabulary, which this type was before: each word comes in
/// the order in which the query's deletions (up to its allowed count, see
/// `forEachDeletionHash`) would first meet one of the word's own deletions, ties in
/// vocabulary order.
struct FuzzyIndex: Sendable {
    static let maxWordLength = 24

    /// The vocabulary, in the order given to `init`, as numbers of process-wide shared
    /// words (`SharedWord.word(_:)`): 2 or 4 bytes a word instead of an 8-byte reference.
    let wordIDs: CompactInts
    /// Indices into `words` of the words of 4...`maxWordLength` scalars, ordered by
    /// first scalar, then length, then index: the only words a query can find.
    private let ordered: CompactInts

    static func maxDistance(length: Int) -> Int {
        switch length {
        case ..<4: return 0
        case 4...7: return 1
        default: return 2
        }
    }

    init(words vocabulary: [String]) {
        let ids = SharedWord.intern(vocabulary)
        let words = ids.map { SharedWord.word(Int($0)) }
        self.wordIDs = CompactInts(ids)
        self.ordered = CompactInts(words.indices.filter {
            (4...Self.maxWordLength).contains(words[$0].scalars.count)
        }.sorted {
            let a = words[$0].scalars, b = words[$1].scalars
            if a[0] != b[0] { return a[0] < b[0] }
            if a.count != b.count { return a.count < b.count }
            return $0 < $1
        })
    }

    /// Indices (into the vocabulary given to `init`) and distances of the words within
    /// the allowed distance of `query`, the query itself excluded. With `endingsOnly`,
    /// only words that extend or shorten the query at its end ("baker", "bakery").
    func neighbours(of query: String, endingsOnly: Bool = false) -> [(index: Int, distance: Int)] {
        let q = query.unicodeScalars.map(\.value)
        guard q.count >= 4, q.count <= Self.maxWordLength else { return [] }
        let querySignature = SharedWord.signature(q)
        let reach = Self.maxDistance(length: q.count)
        var found: [(index: Int, distance: Int)] = []
        func scan(first: UInt32, second: UInt32?) {
            var i = lowerBound(first: first)
            while i < ordered.count {
                let index = ordered[i]
                let word = self.word(index)
                let w = word.scalars
                guard w[0] == first else { break }
                i += 1
                if w.count > q.count + reach { break }
                if let second, w[1] != second { continue }
                let allowed = Self.maxDistance(length: min(q.count, w.count))
                guard allowed > 0, abs(q.count - w.count) <= allowed,
                      (querySignature & ~word.signature).nonzeroBitCount <= allowed,
                      (word.signature & ~querySignature).nonzeroBitCount <= allowed,
                      !endingsOnly || Self.isPrefix(q, of: w) || Self.isPrefix(w, of: q)
                else { continue }
                let d = Self.distance(q, w, limit: allowed)
                if d > 0 && d <= allowed { found.append((index, d)) }
            }
        }
        scan(first: q[0], second: nil)
        if q[1] != q[0] { scan(first: q[1], second: q[0]) } // first two letters swapped
        return found.count > 1 ? inDeletionOrder(found, query: q) : found
    }

    /// The first position in `ordered` of a word starting with `first`.
    private func lowerBound(first: UInt32) -> Int {
        var low = 0, high = ordered.count
        while low < high {
            let mid = (low + high) / 2
            if word(ordered[mid]).scalars[0] < first { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// `found` in the order a deletion index would have found them: by the first of the
    /// query's deletions that is also a deletion of the word, then by index.
    private func inDeletionOrder(_ found: [(index: Int, distance: Int)], query q: [UInt32]) -> [(index: Int, distance: Int)] {
        var queryHashes: [UInt64] = []
        Self.forEachDeletionHash(of: q, upTo: Self.maxDistance(length: q.count)) { queryHashes.append($0) }
        let ranked = found.map { n -> (position: Int, index: Int, distance: Int) in
            let w = word(n.index).scalars
            var own = Set<UInt64>()
            Self.forEachDeletionHash(of: w, upTo: Self.maxDistance(length: w.count)) { own.insert($0) }
            return (queryHashes.firstIndex(where: own.contains) ?? queryHashes.count, n.index, n.distance)
        }
        return ranked.sorted { ($0.position, $0.index) < ($1.position, $1.index) }.map { ($0.index, $0.distance) }
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

    /// The heap bytes of the index's own tables (the shared words not counted).
    var heapBytes: Int { wordIDs.heapBytes + ordered.heapBytes }

    /// Word `i` of the vocabulary.
    @inline(__always)
    func word(_ i: Int) -> SharedWord { SharedWord.word(wordIDs[i]) }

    /// The vocabulary's words, in order (for tests).
    var words: [SharedWord] { wordIDs.map(SharedWord.word) }

    /// Calls `body` with the hash of `word` and of every string obtained by deleting one
    /// or (when `maxDeletions` is 2) two of its characters.
    static func forEachDeletionHash(of word: [UInt32], upTo maxDeletions: Int, _ body: (UInt64) -> Void) {
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

/// A word of some FAQ's vocabulary, stored once per process: every `FuzzyIndex` that
/// has the word holds the number of this same object (workspaces' FAQs share most of
/// their words).
/// Immutable; interned words are kept for the life of the process (the set is bounded
/// by the distinct words of the FAQs loaded, reloads included).
final class SharedWord: Sendable {
    let text: String
    let scalars: [UInt32]
    /// One bit per letter (scalar value modulo 64): a word within distance d of another
    /// has at most d letters the other lacks, so differing bits bound the distance.
    let signature: UInt64

    private init(_ text: String) {
        self.text = text
        scalars = text.unicodeScalars.map(\.value)
        signature = Self.signature(scalars)
    }

    static func signature(_ scalars: [UInt32]) -> UInt64 {
        var s: UInt64 = 0
        for c in scalars { s |= 1 << UInt64(c % 64) }
        return s
    }

    /// Every word interned so far, by text: its number.
    private static let interned = Mutex<[String: UInt32]>([:])

    /// The words by number, in chunks of `chunkSize` that never move once allocated, so
    /// `word(_:)` reads without a lock: a number is only ever handed out (by `intern`,
    /// under the lock) after its word and chunk are written, and an index reaches other
    /// threads only through the synchronisation that publishes it.
    private static let chunkBits = 12
    private static let chunkSize = 1 << chunkBits
    private static let maxChunks = 1 << 16 // 268 million words
    /// `maxChunks` pointers, zeroed by `calloc` (its untouched pages are never resident).
    nonisolated(unsafe) private static let chunks: UnsafeMutablePointer<UnsafeMutablePointer<Unmanaged<SharedWord>>?> = {
        calloc(maxChunks, MemoryLayout<UnsafeMutablePointer<Unmanaged<SharedWord>>?>.stride)!
            .assumingMemoryBound(to: UnsafeMutablePointer<Unmanaged<SharedWord>>?.self)
    }()

    /// The word numbered `id` by `intern`.
    @inline(__always)
    static func word(_ id: Int) -> SharedWord {
        chunks[id >> chunkBits].unsafelyUnwrapped[id & (chunkSize - 1)].takeUnretainedValue()
    }

    /// The number of each of `words`, interning those not seen before.
    static func intern(_ words: [String]) -> [UInt32] {
        interned.withLock { table in
            words.map { word in
                if let existing = table[word] { return existing }
                let id = table.count
                precondition(id < maxChunks * chunkSize, "too many distinct FAQ words")
                if chunks[id >> chunkBits] == nil {
                    chunks[id >> chunkBits] = calloc(chunkSize, MemoryLayout<Unmanaged<SharedWord>>.stride)!
                        .assumingMemoryBound(to: Unmanaged<SharedWord>.self)
                }
                chunks[id >> chunkBits]![id & (chunkSize - 1)] = Unmanaged.passRetained(SharedWord(word))
                table[word] = UInt32(id)
                return UInt32(id)
            }
        }
    }
}
