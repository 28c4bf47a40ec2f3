import Synchronization

/// The compact storage of an index's tables. A host keeps one index per workspace, for
/// thousands of workspaces whose FAQs have 10-50 entries each, so an index is sized to
/// its entries: lists are stored back to back instead of one array (one allocation)
/// each, and the term table is a sorted list of words shared with the fuzzy index
/// instead of a hash table of its own. Numbers (documents, terms, offsets) take as few
/// bytes as the index needs (`CompactInts`).

/// Distinct `Double`s numbered in the order first seen (compared bit for bit, so each
/// number stands for exactly the value given): an index has few distinct posting
/// weights and entry shares, each used by many postings.
struct DoubleNumbering {
    private var numberOf: [UInt64: Int] = [:]
    private(set) var values: [Double] = []

    mutating func number(_ x: Double) -> Int {
        if let n = numberOf[x.bitPattern] { return n }
        numberOf[x.bitPattern] = values.count
        values.append(x)
        return values.count - 1
    }
}

/// The function words of each question: per word its term and the numbers of its weight
/// and entry share among the index's distinct ones (a FAQ's function words share a few
/// dozen of each), stored back to back, each number in as few bytes as it needs.
struct FunctionWordLists: Sendable {
    private let terms: IntLists
    /// Parallel to `terms.elements`.
    private let weightNumbers: CompactInts
    private let shareNumbers: CompactInts
    private let weights: [Double]
    private let shares: [Double]

    init(_ lists: [[FAQIndex.FunctionWord]]) {
        var weights = DoubleNumbering(), shares = DoubleNumbering()
        var weightNumbers: [Int] = [], shareNumbers: [Int] = []
        for list in lists {
            for w in list {
                weightNumbers.append(weights.number(w.weight))
                shareNumbers.append(shares.number(w.entryShare))
            }
        }
        terms = IntLists(lists.map { $0.map(\.term) })
        self.weightNumbers = CompactInts(weightNumbers)
        self.shareNumbers = CompactInts(shareNumbers)
        self.weights = weights.values.compacted()
        self.shares = shares.values.compacted()
    }

    /// Calls `body` with each function word of question document `doc` that is `term`,
    /// in the order they were given.
    func forEach(in doc: Int, term: Int32, _ body: (FAQIndex.FunctionWord) -> Void) {
        for i in terms.range(doc) where terms.elements[i] == Int(term) {
            body(FAQIndex.FunctionWord(term: term, weight: weights[weightNumbers[i]], entryShare: shares[shareNumbers[i]]))
        }
    }

    var heapBytes: Int {
        terms.heapBytes + weightNumbers.heapBytes + shareNumbers.heapBytes + HeapBytes.of(weights) + HeapBytes.of(shares)
    }
}

/// Term -> term id, over the fuzzy index's vocabulary (which holds every term of the
/// index, sorted, as words shared by the whole process): a binary search, and one small
/// number per vocabulary word.
struct TermTable: Sendable {
    private let vocabulary: FuzzyIndex
    /// The term id + 1 of each vocabulary word, or 0 for a word that is only a surface form.
    private let ids: CompactInts

    /// `vocabulary` sorted as `String`s sort, as given to `FuzzyIndex(words:)`; `ids`
    /// the term id of each of its words, or -1.
    init(vocabulary: FuzzyIndex, ids: [Int32]) {
        self.vocabulary = vocabulary
        self.ids = CompactInts(ids.map { Int($0) + 1 })
    }

    subscript(term: String) -> Int32? {
        var low = 0, high = ids.count
        while low < high {
            let mid = (low + high) / 2
            if vocabulary.word(mid).text < term { low = mid + 1 } else { high = mid }
        }
        guard low < ids.count, vocabulary.word(low).text == term, ids[low] > 0 else { return nil }
        return Int32(ids[low] - 1)
    }

    /// The vocabulary is the fuzzy index's own (counted there).
    var heapBytes: Int { ids.heapBytes }
}

/// The postings of every term, stored back to back: `lists[i]` is the i-th term's
/// postings, in order. A posting's weight depends only on its document's length, its
/// field and the term's frequency in it, and its entry share on how many of the entry's
/// questions have the term, so an index has few distinct weights and shares: each
/// posting keeps its document and the numbers of its weight and share in tables of the
/// distinct ones, each in as few bytes as the index needs (3 bytes a posting in a
/// 20-entry FAQ, instead of the 24 of a `Posting`).
struct PostingLists: Sendable {
    private let docs: CompactInts
    private let weightNumbers: CompactInts
    private let shareNumbers: CompactInts
    /// The distinct weights and entry shares, numbered by `weightNumbers`, `shareNumbers`.
    private let weights: [Double]
    private let shares: [Double]
    private let offsets: CompactInts

    init(_ lists: [[FAQIndex.Posting]]) {
        var docs: [Int32] = [], offsets: [Int] = [0]
        var weights = DoubleNumbering(), shares = DoubleNumbering()
        var weightNumbers: [Int] = [], shareNumbers: [Int] = []
        for list in lists {
            for p in list {
                docs.append(p.doc)
                weightNumbers.append(weights.number(p.weight))
                shareNumbers.append(shares.number(p.entryShare))
            }
            offsets.append(docs.count)
        }
        self.docs = CompactInts(docs)
        self.offsets = CompactInts(offsets)
        self.weightNumbers = CompactInts(weightNumbers)
        self.shareNumbers = CompactInts(shareNumbers)
        self.weights = weights.values.compacted()
        self.shares = shares.values.compacted()
    }

    var count: Int { offsets.count - 1 }

    subscript(i: Int) -> PostingList {
        PostingList(lists: self, range: offsets[i]..<offsets[i + 1])
    }

    fileprivate func posting(_ i: Int) -> FAQIndex.Posting {
        FAQIndex.Posting(doc: Int32(docs[i]), weight: weights[weightNumbers[i]], entryShare: shares[shareNumbers[i]])
    }

    /// One term's postings.
    struct PostingList: RandomAccessCollection {
        let lists: PostingLists
        let range: Range<Int>
        var startIndex: Int { range.lowerBound }
        var endIndex: Int { range.upperBound }
        subscript(i: Int) -> FAQIndex.Posting { lists.posting(i) }
    }

    var heapBytes: Int {
        docs.heapBytes + weightNumbers.heapBytes + shareNumbers.heapBytes + HeapBytes.of(weights) + HeapBytes.of(shares)
            + offsets.heapBytes
    }
}

/// The inverse document frequency of a term depends only on the number of entries that
/// have it and the FAQ's entry count, so an index keeps per term that number (a byte in
/// a small FAQ) and reads the idf from a table per entry count, which every index of
/// that size shares (10,000 workspaces of 20-entry FAQs: one table).
enum IDFTables {
    /// Entry counts up to this share a process-wide table; a larger FAQ builds its own.
    static let sharedUpTo = 1_024
    private static let shared = Mutex<[Int: [Double]]>([:])

    /// `table[df]` is the idf of a term in `df` of `entryCount` entries, for df in
    /// 0...entryCount; exactly `FAQIndex.idf(documentFrequency:count:)`.
    static func table(entryCount: Int) -> [Double] {
        guard entryCount <= sharedUpTo else { return build(entryCount) }
        return shared.withLock { tables in
            if let t = tables[entryCount] { return t }
            let t = build(entryCount)
            tables[entryCount] = t
            return t
        }
    }

    private static func build(_ entryCount: Int) -> [Double] {
        let n = Double(max(entryCount, 1))
        return (0...max(entryCount, 1)).map { FAQIndex.idf(documentFrequency: Double($0), count: n) }.compacted()
    }
}

extension Array {
    /// A copy with no spare capacity: an array grown by `append` keeps up to twice the
    /// room it needs, which an index that lives as long as its workspace need not hold.
    func compacted() -> [Element] {
        var copy: [Element] = []
        copy.reserveCapacity(count)
        copy.append(contentsOf: self)
        return copy
    }
}

extension FAQIndex {
    /// The heap bytes of each of the index's tables, as malloc would give them
    /// (`HeapBytes`; the words shared by the whole process and the index object itself
    /// not counted): for `faq-bench --memory`, to see where an index's memory goes.
    public var storageReport: [(table: String, bytes: Int)] {
        [
            ("entry ids", entryIDs.heapBytes),
            ("answers", answers.heapBytes),
            ("term table", termIDs.heapBytes),
            ("term entry counts", termEntryCount.heapBytes),
            ("postings", postings.heapBytes),
            ("documents", docEntryAndField.heapBytes + HeapBytes.of(docSelfMass)),
            ("function words", docFunctionWords.heapBytes),
            ("fuzzy index", fuzzy.heapBytes),
            ("fuzzy key terms", fuzzyKeyTerms.heapBytes),
        ]
    }
}
