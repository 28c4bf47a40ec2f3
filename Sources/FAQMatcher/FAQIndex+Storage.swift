/// The compact storage of an index's tables. A host keeps one index per workspace, for
/// thousands of workspaces whose FAQs have 10-50 entries each, so an index is sized to
/// its entries: lists are stored back to back instead of one array (one allocation)
/// each, and the term table is a sorted list of words shared with the fuzzy index
/// instead of a hash table of its own.

/// Lists of elements stored back to back: `lists[i]` is the i-th list.
struct FlatLists<Element: Sendable>: Sendable {
    private let elements: [Element]
    /// `elements[offsets[i]..<offsets[i + 1]]` is list i.
    private let offsets: [Int32]

    init(_ lists: [[Element]]) {
        var elements: [Element] = []
        elements.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(lists.count + 1)
        for list in lists {
            elements.append(contentsOf: list)
            offsets.append(Int32(elements.count))
        }
        self.elements = elements
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }

    subscript(i: Int) -> ArraySlice<Element> {
        elements[Int(offsets[i])..<Int(offsets[i + 1])]
    }
}

/// The function words of each question: per word its term and the number of its
/// (weight, entry share) among the index's distinct pairs (8 bytes a word instead of 24;
/// a FAQ's function words share a few dozen pairs), stored back to back.
struct FunctionWordLists: Sendable {
    private struct Word: Sendable {
        var term: Int32
        var pair: UInt32
    }
    private let words: FlatLists<Word>
    private let pairs: [(weight: Double, share: Double)]

    init(_ lists: [[FAQIndex.FunctionWord]]) {
        var numberOf: [PairKey: UInt32] = [:]
        var pairs: [(weight: Double, share: Double)] = []
        words = FlatLists(lists.map { list in
            list.map { w in
                let key = PairKey(weight: w.weight.bitPattern, share: w.entryShare.bitPattern)
                if let n = numberOf[key] { return Word(term: w.term, pair: n) }
                let n = UInt32(pairs.count)
                numberOf[key] = n
                pairs.append((w.weight, w.entryShare))
                return Word(term: w.term, pair: n)
            }
        })
        self.pairs = pairs.compacted()
    }

    private struct PairKey: Hashable {
        var weight: UInt64   // bit patterns: exact, the same Double bit for bit
        var share: UInt64
    }

    /// Calls `body` with each function word of question document `doc` that is `term`,
    /// in the order they were given.
    func forEach(in doc: Int, term: Int32, _ body: (FAQIndex.FunctionWord) -> Void) {
        for w in words[doc] where w.term == term {
            let p = pairs[Int(w.pair)]
            body(FAQIndex.FunctionWord(term: w.term, weight: p.weight, entryShare: p.share))
        }
    }
}

/// Term -> term id, over the fuzzy index's vocabulary (which holds every term of the
/// index, sorted, as words shared by the whole process): a binary search, and one
/// `Int32` per vocabulary word.
struct TermTable: Sendable {
    private let words: [SharedWord]
    /// The term id of each vocabulary word, or -1 for a word that is only a surface form.
    private let ids: [Int32]

    /// `vocabulary` sorted as `String`s sort, as given to `FuzzyIndex(words:)`.
    init(vocabulary: FuzzyIndex, ids: [Int32]) {
        words = vocabulary.words
        self.ids = ids
    }

    subscript(term: String) -> Int32? {
        var low = 0, high = words.count
        while low < high {
            let mid = (low + high) / 2
            if words[mid].text < term { low = mid + 1 } else { high = mid }
        }
        guard low < words.count, words[low].text == term, ids[low] >= 0 else { return nil }
        return ids[low]
    }
}

/// The postings of every term, stored back to back: `lists[i]` is the i-th term's
/// postings, in order. A posting's weight depends only on its document's length, its
/// field and the term's frequency in it, and its entry share on how many of the entry's
/// questions have the term, so an index has few distinct (weight, share) pairs: each
/// posting keeps its document (`Int32`) and the number of its pair in a table of the
/// distinct ones (`UInt16`), 6 bytes instead of the 24 of a `Posting`. An index with
/// more distinct pairs than a `UInt16` can number keeps every pair instead.
struct PostingLists: Sendable {
    private struct Pair: Hashable, Sendable {
        var weight: UInt64   // bit patterns: exact, the same Double bit for bit
        var share: UInt64
    }
    private let docs: [Int32]
    private let pairNumbers: [UInt16]
    /// The distinct (weight, entry share) pairs, numbered by `pairNumbers`; empty when
    /// `pairs` is used.
    private let distinctPairs: [(weight: Double, share: Double)]
    /// Every posting's pair, only when there are too many distinct ones.
    private let pairs: [(weight: Double, share: Double)]
    private let offsets: [Int32]

    init(_ lists: [[FAQIndex.Posting]]) {
        let total = lists.reduce(0) { $0 + $1.count }
        var docs: [Int32] = [], offsets: [Int32] = [0]
        docs.reserveCapacity(total)
        offsets.reserveCapacity(lists.count + 1)
        var numberOf: [Pair: Int] = [:]
        var distinct: [(weight: Double, share: Double)] = []
        var numbers: [Int] = []
        numbers.reserveCapacity(total)
        for list in lists {
            for p in list {
                docs.append(p.doc)
                let key = Pair(weight: p.weight.bitPattern, share: p.entryShare.bitPattern)
                if let n = numberOf[key] {
                    numbers.append(n)
                } else {
                    numberOf[key] = distinct.count
                    numbers.append(distinct.count)
                    distinct.append((p.weight, p.entryShare))
                }
            }
            offsets.append(Int32(docs.count))
        }
        self.docs = docs
        self.offsets = offsets
        if distinct.count <= Int(UInt16.max) + 1 {
            pairNumbers = numbers.map { UInt16($0) }
            distinctPairs = distinct.compacted()
            pairs = []
        } else {
            pairNumbers = []
            distinctPairs = []
            pairs = numbers.map { distinct[$0] }
        }
    }

    var count: Int { offsets.count - 1 }

    subscript(i: Int) -> PostingList {
        let range = Int(offsets[i])..<Int(offsets[i + 1])
        return PostingList(lists: self, range: range)
    }

    fileprivate func posting(_ i: Int) -> FAQIndex.Posting {
        let pair = pairs.isEmpty ? distinctPairs[Int(pairNumbers[i])] : pairs[i]
        return FAQIndex.Posting(doc: docs[i], weight: pair.weight, entryShare: pair.share)
    }

    /// One term's postings.
    struct PostingList: RandomAccessCollection {
        let lists: PostingLists
        let range: Range<Int>
        var startIndex: Int { range.lowerBound }
        var endIndex: Int { range.upperBound }
        subscript(i: Int) -> FAQIndex.Posting { lists.posting(i) }
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
