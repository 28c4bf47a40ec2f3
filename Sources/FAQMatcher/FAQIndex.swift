import Foundation

/// The matching engine of the FAQ responder: an inverted index over a workspace's FAQ
/// that finds the entry a customer's message asks about, or nothing.
///
/// Each question of an entry is a document, and so is its answer (weighted
/// `answerWeight`, so that words found only in answers count less). Text goes through
/// `Tokenizer` (Unicode-aware, accents folded, bigrams for scripts without spaces) and
/// `TermAnalyzer` (phrases, abbreviations, synonyms, stopwords, light English stemming).
/// Each term carries a BM25 weight: its inverse document frequency over entries times
/// the BM25 term-frequency and length factor of the document, capped at 1. A message
/// word that is not in the index is looked up in `FuzzyIndex` (edit distance 1 for
/// words of 4-7 letters, 2 from 8), so "delivr" finds "deliver".
///
/// The score of an entry is a confidence in `0...1`:
/// `coverage * (base + (1 - base) * questionCoverage)`, where `coverage` is the share of
/// the message's own BM25 weight that the entry explains (words the FAQ has never seen
/// count as unexplained, at the weight of the rarest word), and `questionCoverage` is
/// the best share of one of the entry's questions that the message covers. The
/// entry-level part counts a word by how many of the entry's questions have it
/// (`entryShareBase`): a word of every phrasing is the entry's topic, a word of one
/// phrasing in ten is not. Stopwords count as function words, at a low weight.
///
/// Abstaining is the normal outcome for anything the FAQ does not clearly cover. A
/// message is answered only when the best entry
/// - shares with one of its questions a topic word or an interrogative ("where r u"),
///   not only days, times, numbers, "free" or stopwords;
/// - scores at least `threshold`, and at least `singleWordThreshold` when the match
///   rests on one topic word of the entry's questions and answer (one shared word is
///   weak evidence in a large FAQ);
/// - covers at least `minQuestionCoverage` of one of its questions;
/// - leads the runner-up by `margin` of its own score (the runner-up scores at most
///   `(1 - margin) * score`).
/// `assess` says which of these failed (`FAQAbstention`). The defaults were calibrated
/// on the dev splits of CLINC150 and of the bakery set; see docs/faq-calibration.md.
///
/// Immutable after `init`; `match` allocates its own scratch space, so one index can be
/// used from any number of threads.
public final class FAQIndex: Sendable {
    /// The default minimum confidence for an answer.
    public static let defaultThreshold = 0.2
    /// The default lead the best entry needs over the second, as a share of its score.
    public static let defaultMargin = 0.55
    /// The minimum score of a match that rests on a single topic word.
    public static let singleWordThreshold = 0.52
    /// The minimum share of one of the best entry's questions that the message covers.
    static let minQuestionCoverage = 0.3

    public let threshold: Double
    public let margin: Double

    // BM25 and scoring parameters.
    static let k1 = 1.2
    static let b = 0.75
    static let answerWeight = 0.3
    static let questionCoverageBase = 0.6
    static let fuzzyQuality = [1.0, 0.8, 0.6] // by edit distance
    static let maxFuzzyLookups = 12
    static let entryShareBase = 0.5

    let entryIDs: TextList
    let answers: TextList
    /// Term -> id; `termEntryCount`, `postings` are indexed by term id.
    let termIDs: TermTable
    /// Per term, the number of entries that have it: its idf is `idfOfEntryCount[n]`
    /// (`idf(of:)`), from a table shared by every index with as many entries.
    let termEntryCount: CompactInts
    let idfOfEntryCount: [Double]
    let postings: PostingLists
    /// The weight of a message word the index has never seen.
    let unknownTermIDF: Double
    /// Per document: its entry, whether it is an answer, and (for questions) the sum of
    /// its own term weights, the most a message can cover of it.
    /// (`docEntry`, `docIsAnswer`: one number per document, its entry times two plus one
    /// for an answer.)
    let docEntryAndField: CompactInts
    let docSelfMass: [Double]
    /// Per question document: its function words (stopwords). They are not in
    /// `postings`: a function word is in nearly every question, and walking its posting
    /// list for every message would cost more than the rest of the match. It is looked
    /// up only in the documents the message's topic words found. Stored back to back
    /// (one array for the whole index, not one per question), their weights in a table
    /// of distinct pairs.
    let docFunctionWords: FunctionWordLists
    /// Fuzzy keys are the surface words and terms of the FAQ; each maps to its terms.
    let fuzzy: FuzzyIndex
    let fuzzyKeyTerms: IntLists

    /// The entry of document `d`.
    @inline(__always)
    func docEntry(_ d: Int) -> Int { docEntryAndField[d] >> 1 }

    /// Whether document `d` is an answer (not a question).
    @inline(__always)
    func docIsAnswer(_ d: Int) -> Bool { docEntryAndField[d] & 1 != 0 }

    /// The inverse document frequency of term `id`.
    @inline(__always)
    func idf(of id: Int) -> Double { idfOfEntryCount[termEntryCount[id]] }

    struct FunctionWord: Sendable {
        var term: Int32
        var weight: Double
        var entryShare: Double
    }

    struct Posting: Sendable {
        var doc: Int32
        /// min(1, BM25 tf-and-length factor), times `answerWeight` for answers.
        var weight: Double
        /// How much the term says about the entry as a whole: `entryShareBase` plus the
        /// rest times the share of the entry's questions that have it. A word in every
        /// phrasing of an entry is its topic; a word in one of ten is an accident of
        /// that phrasing. Answers count as one question.
        var entryShare: Double
    }

    /// Builds the index. `threshold` (`nil`: `defaultThreshold`) is clamped to `0...1`.
    public convenience init(entries: [FAQEntry], threshold: Double? = nil) {
        self.init(entries: entries, threshold: threshold, margin: nil)
    }

    /// Builds the index with a margin too. `threshold` (`nil`: `defaultThreshold`) and
    /// `margin` (`nil`: `defaultMargin`) are clamped to `0...1`.
    public init(entries: [FAQEntry], threshold: Double?, margin: Double?) {
        self.threshold = Self.clamp(threshold ?? Self.defaultThreshold)
        self.margin = Self.clamp(margin ?? Self.defaultMargin)
        entryIDs = TextList(entries.map(\.id))
        answers = TextList(entries.map(\.answer))

        // Analyse every document.
        struct Doc { var entry: Int32; var isAnswer: Bool; var terms: [AnalyzedTerm] }
        var docs: [Doc] = []
        for (e, entry) in entries.enumerated() {
            for question in entry.questions {
                docs.append(Doc(entry: Int32(e), isAnswer: false, terms: TermAnalyzer.analyze(question)))
            }
            docs.append(Doc(entry: Int32(e), isAnswer: true, terms: TermAnalyzer.analyze(entry.answer)))
        }

        // Vocabulary, entry-level document frequencies, surface forms for fuzzy lookup.
        var termIDs: [String: Int32] = [:]
        var entriesOfTerm: [Set<Int32>] = []
        var fuzzyKeys: [String: Set<Int32>] = [:]
        for doc in docs {
            for t in doc.terms {
                let id: Int32
                if let existing = termIDs[t.term] {
                    id = existing
                } else {
                    id = Int32(entriesOfTerm.count)
                    termIDs[t.term] = id
                    entriesOfTerm.append([])
                }
                entriesOfTerm[Int(id)].insert(doc.entry)
                if t.isFunctionWord {
                    // A typo is never corrected into a stopword: the word is in the
                    // vocabulary (the term table looks terms up there) with no terms for
                    // a fuzzy neighbour to reach.
                    if fuzzyKeys[t.term] == nil { fuzzyKeys[t.term] = [] }
                    continue
                }
                fuzzyKeys[t.term, default: []].insert(id)
                fuzzyKeys[t.surface, default: []].insert(id)
            }
        }
        let idfOfEntryCount = IDFTables.table(entryCount: entries.count)
        self.idfOfEntryCount = idfOfEntryCount
        termEntryCount = CompactInts(entriesOfTerm.map(\.count))
        let idf = entriesOfTerm.map { idfOfEntryCount[$0.count] }
        unknownTermIDF = idfOfEntryCount[1]

        // Average lengths per field, then postings.
        func average(_ isAnswer: Bool) -> Double {
            let lengths = docs.filter { $0.isAnswer == isAnswer }.map { Double($0.terms.count) }
            return lengths.isEmpty ? 1 : max(1, lengths.reduce(0, +) / Double(lengths.count))
        }
        let averageQuestion = average(false), averageAnswer = average(true)
        // Per entry: its number of documents, and per term the number that have it.
        var docsOfEntry = [Int](repeating: 0, count: entries.count)
        var docsWithTerm: [Int64: Int] = [:] // (term << 32 | entry) -> documents
        for doc in docs {
            docsOfEntry[Int(doc.entry)] += 1
            for id in Set(doc.terms.map { termIDs[$0.term]! }) {
                docsWithTerm[Int64(id) << 32 | Int64(doc.entry), default: 0] += 1
            }
        }
        var postings = [[Posting]](repeating: [], count: entriesOfTerm.count)
        var functionWords = [[FunctionWord]](repeating: [], count: docs.count)
        var selfMass: [Double] = []
        for (d, doc) in docs.enumerated() {
            var frequency: [Int32: Int] = [:]
            var weightOfTerm: [Int32: Double] = [:]
            var isFunctionWord: Set<Int32> = []
            for t in doc.terms {
                if t.isFunctionWord { isFunctionWord.insert(termIDs[t.term]!) }
                let id = termIDs[t.term]!
                frequency[id, default: 0] += 1
                weightOfTerm[id] = max(weightOfTerm[id] ?? 0, t.weight)
            }
            let length = Double(doc.terms.count)
            let averageLength = doc.isAnswer ? averageAnswer : averageQuestion
            var mass = 0.0
            for (id, tf) in frequency.sorted(by: { $0.key < $1.key }) {
                let f = Double(tf)
                let bm25 = f * (Self.k1 + 1) / (f + Self.k1 * (1 - Self.b + Self.b * length / averageLength))
                let weight = min(1, bm25) * (doc.isAnswer ? Self.answerWeight : 1)
                let share = Double(docsWithTerm[Int64(id) << 32 | Int64(doc.entry)]!) / Double(docsOfEntry[Int(doc.entry)])
                let entryShare = Self.entryShareBase + (1 - Self.entryShareBase) * share
                if isFunctionWord.contains(id) {
                    if !doc.isAnswer { functionWords[d].append(FunctionWord(term: id, weight: weight, entryShare: entryShare)) }
                } else {
                    postings[Int(id)].append(Posting(doc: Int32(d), weight: weight, entryShare: entryShare))
                }
                mass += weightOfTerm[id]! * idf[Int(id)] * weight
            }
            selfMass.append(mass)
        }
        self.postings = PostingLists(postings)
        docEntryAndField = CompactInts(docs.map { Int($0.entry) * 2 + ($0.isAnswer ? 1 : 0) })
        docSelfMass = selfMass.compacted()
        docFunctionWords = FunctionWordLists(functionWords)

        let keys = fuzzyKeys.keys.sorted()
        fuzzy = FuzzyIndex(words: keys)
        fuzzyKeyTerms = IntLists(keys.map { fuzzyKeys[$0]!.sorted() })
        self.termIDs = TermTable(vocabulary: fuzzy, ids: keys.map { termIDs[$0] ?? -1 })
    }

    static func idf(documentFrequency df: Double, count n: Double) -> Double {
        log(1 + (n - df + 0.5) / (df + 0.5))
    }

    private static func clamp(_ x: Double) -> Double {
        x.isNaN ? 0 : min(1, max(0, x))
    }
}
