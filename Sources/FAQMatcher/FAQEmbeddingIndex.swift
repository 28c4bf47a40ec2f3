/// FAQ entries as sentence embeddings, for the LLM plugin's semantic tier: a customer's
/// message, embedded by the same model, is compared with every question of every entry.
///
/// Scoring (calibrated on CLINC150's dev split with all-MiniLM-L6-v2; see
/// docs/answer-quality.md): an entry's score is the mean of its two most similar questions'
/// cosines (its only question's when it has one), which rewards an entry that several of
/// its phrasings support over one lucky neighbour. The tier answers only when the best
/// entry's score reaches `threshold` AND beats the second-best entry by `margin`: a
/// message between two entries, or far from all of them, is not answered.
///
/// Per-entry thresholds (`entryMargin`): an entry whose neighbourhood is crowded needs
/// more. Each entry's `intrusion` is the highest score it gives a question of ANOTHER
/// entry (computed once, from the FAQ's own vectors: no labelled data needed); with an
/// entry margin, an answer also needs `score >= intrusion + entryMargin`, so an entry
/// that other entries' phrasings already reach answers only messages closer than those.
///
/// Vectors are L2-normalised at insertion, so a cosine is a dot product; they are kept in
/// one contiguous buffer (entries * questions * dimensions floats), never per message.
public struct FAQEmbeddingIndex: Sendable {
    public let dimensions: Int
    public let entryIDs: [String]
    /// Row r of `vectors` belongs to entry `owner[r]`.
    private let owner: [Int32]
    private let vectors: [Float]
    /// Per entry: the highest score it gives a question of another entry (-1 with one entry).
    public let intrusion: [Double]

    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `entries`: each entry's id and the embeddings of its questions (at least one).
    /// `entryBars`: compute each entry's `intrusion` (n^2 dot products for n questions:
    /// 2.25 million for CLINC150's 1,500); all -1 when false, and an `entryMargin` then
    /// never refuses.
    public init(entries: [(id: String, vectors: [[Float]])], entryBars: Bool = true) throws {
        guard let first = entries.first?.vectors.first else { throw Error(description: "embedding index: no entries") }
        let dims = first.count
        guard dims > 0 else { throw Error(description: "embedding index: empty vectors") }
        var ids: [String] = [], owner: [Int32] = [], flat: [Float] = []
        flat.reserveCapacity(entries.reduce(0) { $0 + $1.vectors.count } * dims)
        for (e, entry) in entries.enumerated() {
            guard !entry.vectors.isEmpty else { throw Error(description: "embedding index: entry \(entry.id) has no vectors") }
            ids.append(entry.id)
            for v in entry.vectors {
                guard v.count == dims else {
                    throw Error(description: "embedding index: entry \(entry.id) has a vector of \(v.count) dimensions, expected \(dims)")
                }
                let n = Self.norm(v)
                guard n > 0, n.isFinite else { throw Error(description: "embedding index: entry \(entry.id) has a zero or non-finite vector") }
                flat.append(contentsOf: v.map { $0 / n })
                owner.append(Int32(e))
            }
        }
        self.dimensions = dims
        self.entryIDs = ids
        self.owner = owner
        self.vectors = flat
        self.intrusion = entryBars ? Self.intrusion(flat, owner: owner, entries: ids.count, dimensions: dims)
            : [Double](repeating: -1, count: ids.count)
    }

    /// For each entry, the highest score (mean of its two closest questions) it gives any
    /// question of another entry: n^2 dot products, one question's row at a time (memory
    /// stays linear in the FAQ's size).
    static func intrusion(_ m: [Float], owner: [Int32], entries: Int, dimensions dims: Int) -> [Double] {
        let n = owner.count
        var out = [Double](repeating: -1, count: entries)
        guard entries > 1 else { return out }
        var best1 = [Float](repeating: -.infinity, count: entries)
        var best2 = [Float](repeating: -.infinity, count: entries)
        m.withUnsafeBufferPointer { v in
            for q in 0..<n {
                for e in 0..<entries { best1[e] = -.infinity; best2[e] = -.infinity }
                let a = q * dims
                for r in 0..<n {
                    let b = r * dims
                    var x: Float = 0
                    for d in 0..<dims { x += v[a + d] * v[b + d] }
                    let e = Int(owner[r])
                    if x > best1[e] { best2[e] = best1[e]; best1[e] = x } else if x > best2[e] { best2[e] = x }
                }
                let own = Int(owner[q])
                for e in 0..<entries where e != own {
                    let s = best2[e] == -.infinity ? Double(best1[e]) : Double(best1[e] + best2[e]) / 2
                    if s > out[e] { out[e] = s }
                }
            }
        }
        return out
    }

    /// One entry's score for a message.
    public struct Score: Sendable, Equatable {
        public let id: String
        public let score: Double
    }

    /// Every entry's score for the message's embedding, best first.
    public func rank(_ query: [Float]) throws -> [Score] {
        try scores(query).enumerated().map { Score(id: entryIDs[$0.offset], score: $0.element) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    /// Every entry's score, in entry order.
    public func scores(_ query: [Float]) throws -> [Double] {
        guard query.count == dimensions else {
            throw Error(description: "embedding index: the message's vector has \(query.count) dimensions, the index \(dimensions)")
        }
        let n = Self.norm(query)
        guard n > 0, n.isFinite else { throw Error(description: "embedding index: the message's vector is zero or not finite") }
        var best1 = [Float](repeating: -.infinity, count: entryIDs.count)
        var best2 = [Float](repeating: -.infinity, count: entryIDs.count)
        vectors.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                for r in 0..<owner.count {
                    var dot: Float = 0
                    let base = r * dimensions
                    for d in 0..<dimensions { dot += m[base + d] * q[d] }
                    let cos = dot / n
                    let e = Int(owner[r])
                    if cos > best1[e] { best2[e] = best1[e]; best1[e] = cos } else if cos > best2[e] { best2[e] = cos }
                }
            }
        }
        return (0..<entryIDs.count).map { e in
            best2[e] == -.infinity ? Double(best1[e]) : Double(best1[e] + best2[e]) / 2
        }
    }

    /// What the tier does with a message.
    public enum Decision: Sendable, Equatable {
        /// The entry's answer is sent: `score` reached the threshold, `margin` over the next entry.
        case answer(id: String, score: Double, margin: Double)
        /// Nothing is sent by this tier; `best` is the closest entry, for the journal.
        case abstain(reason: AbstainReason, best: String, score: Double, margin: Double)

        /// The closest entry and its score, answered or not.
        public var best: (id: String, score: Double) {
            switch self {
            case let .answer(id, score, _): return (id, score)
            case let .abstain(_, id, score, _): return (id, score)
            }
        }
    }

    public enum AbstainReason: String, Sendable {
        case belowThreshold = "below_threshold"
        case ambiguous = "ambiguous"
        /// Under the entry's own bar: `intrusion + entryMargin`.
        case belowEntryThreshold = "below_entry_threshold"
    }

    /// `entryMargin`: nil for one threshold for all; else each entry also needs its
    /// `intrusion + entryMargin`.
    public func decide(_ query: [Float], threshold: Double, margin: Double, entryMargin: Double? = nil) throws -> Decision {
        try decide(scores: try scores(query), threshold: threshold, margin: margin, entryMargin: entryMargin)
    }

    /// The decision on scores from `scores(_:)` (in entry order).
    public func decide(scores: [Double], threshold: Double, margin: Double, entryMargin: Double? = nil) throws -> Decision {
        guard scores.count == entryIDs.count, !scores.isEmpty else {
            throw Error(description: "embedding index: \(scores.count) scores for \(entryIDs.count) entries")
        }
        var top = 0, second = -1
        for e in 1..<scores.count {
            if scores[e] > scores[top] || (scores[e] == scores[top] && entryIDs[e] < entryIDs[top]) { second = top; top = e }
            else if second < 0 || scores[e] > scores[second] { second = e }
        }
        let id = entryIDs[top], score = scores[top]
        let gap = second >= 0 ? score - scores[second] : score
        if score < threshold { return .abstain(reason: .belowThreshold, best: id, score: score, margin: gap) }
        if gap < margin { return .abstain(reason: .ambiguous, best: id, score: score, margin: gap) }
        if let entryMargin, score < intrusion[top] + entryMargin {
            return .abstain(reason: .belowEntryThreshold, best: id, score: score, margin: gap)
        }
        return .answer(id: id, score: score, margin: gap)
    }

    static func norm(_ v: [Float]) -> Float {
        var s: Float = 0
        for x in v { s += x * x }
        return s.squareRoot()
    }
}
