import Testing
@testable import FAQMatcher

/// The index's compact storage (FuzzyIndex without a deletion table, words shared across
/// indexes, flat lists): it must find exactly what the deletion index found, in the same
/// order, and indexes of different FAQs must share the words they have in common.
@Suite struct CompactIndexTests {
    /// The symmetric deletion index FuzzyIndex used to be (SymSpell): the oracle.
    struct DeletionIndex {
        let words: [[UInt32]]
        let buckets: [UInt64: [Int32]]

        init(words vocabulary: [String]) {
            var words: [[UInt32]] = []
            var buckets: [UInt64: [Int32]] = [:]
            for word in vocabulary {
                let scalars = word.unicodeScalars.map(\.value)
                let index = Int32(words.count)
                words.append(scalars)
                guard scalars.count >= 4, scalars.count <= FuzzyIndex.maxWordLength else { continue }
                FuzzyIndex.forEachDeletionHash(of: scalars, upTo: FuzzyIndex.maxDistance(length: scalars.count)) { hash in
                    if buckets[hash]?.last != index { buckets[hash, default: []].append(index) }
                }
            }
            self.words = words
            self.buckets = buckets
        }

        func neighbours(of query: String, endingsOnly: Bool) -> [(index: Int, distance: Int)] {
            let q = query.unicodeScalars.map(\.value)
            guard q.count >= 4, q.count <= FuzzyIndex.maxWordLength else { return [] }
            var found: [(index: Int, distance: Int)] = []
            var checked = Set<Int32>()
            FuzzyIndex.forEachDeletionHash(of: q, upTo: FuzzyIndex.maxDistance(length: q.count)) { hash in
                for candidate in buckets[hash] ?? [] where checked.insert(candidate).inserted {
                    let word = words[Int(candidate)]
                    let allowed = FuzzyIndex.maxDistance(length: min(q.count, word.count))
                    guard allowed > 0, abs(q.count - word.count) <= allowed, FuzzyIndex.sameStart(q, word),
                          !endingsOnly || word.starts(with: q) || q.starts(with: word) else { continue }
                    let d = FuzzyIndex.distance(q, word, limit: allowed)
                    if d > 0 && d <= allowed { found.append((Int(candidate), d)) }
                }
            }
            return found
        }
    }

    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func findsWhatTheDeletionIndexFoundInTheSameOrder() {
        var rng = SplitMix64(state: 7)
        // A small alphabet, so that many words are within reach of each other.
        let letters = Array("abcé")
        func word(_ length: Int) -> String { String((0..<length).map { _ in letters.randomElement(using: &rng)! }) }
        var vocabulary = Set<String>()
        // Mostly 4-10 letters (many neighbours each), some too short or too long to be found.
        let lengths = [4...10, 4...10, 4...10, 4...10, 2...3, 23...27]
        while vocabulary.count < 600 {
            vocabulary.insert(word(Int.random(in: lengths.randomElement(using: &rng)!, using: &rng)))
        }
        let sorted = vocabulary.sorted()
        let compact = FuzzyIndex(words: sorted), oracle = DeletionIndex(words: sorted)
        var compared = 0, withSeveral = 0
        for _ in 0..<3_000 {
            // Queries: vocabulary words with 0-3 random edits, and random words.
            var q = Array(sorted.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !q.isEmpty {
                let i = Int.random(in: 0..<q.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: q.remove(at: i)
                case 1: q.insert(letters.randomElement(using: &rng)!, at: i)
                case 2: q[i] = letters.randomElement(using: &rng)!
                default: if i + 1 < q.count { q.swapAt(i, i + 1) }
                }
            }
            for query in [String(q), word(Int.random(in: 3...12, using: &rng))] {
                for endingsOnly in [false, true] {
                    let expected = oracle.neighbours(of: query, endingsOnly: endingsOnly)
                    let got = compact.neighbours(of: query, endingsOnly: endingsOnly)
                    #expect(got.map(\.index) == expected.map(\.index), "\(query)")
                    #expect(got.map(\.distance) == expected.map(\.distance), "\(query)")
                    compared += 1
                    if expected.count > 1 { withSeveral += 1 }
                }
            }
        }
        #expect(compared == 12_000)
        #expect(withSeveral > 500) // the order was tested, not only single finds
    }

    @Test func indexesOfDifferentFAQsShareTheWordsTheyHaveInCommon() {
        let a = FAQIndex(entries: [
            FAQEntry(id: "hours", questions: ["When are you open?"], answer: "Every day from 8am."),
            FAQEntry(id: "delivery", questions: ["Do you deliver to Lekki?"], answer: "Yes, for 1,500 naira."),
        ])
        let b = FAQIndex(entries: [
            FAQEntry(id: "delivery", questions: ["Can you deliver today?"], answer: "Yes, before 2pm."),
        ])
        let wordsOfA = Dictionary(uniqueKeysWithValues: a.fuzzy.words.map { ($0.text, $0) })
        let shared = b.fuzzy.words.filter { wordsOfA[$0.text] != nil }
        #expect(shared.map(\.text).contains("deliver"))
        for word in shared { #expect(wordsOfA[word.text]! === word, "\(word.text) is stored twice") }
        // And each index still looks up its own terms only.
        #expect(a.termIDs["lekki"] != nil)
        #expect(b.termIDs["lekki"] == nil)
        #expect(b.match("can u delivr today") != nil)
    }
}
