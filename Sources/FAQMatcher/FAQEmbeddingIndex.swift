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
/// Vectors are L2-normalised at insertion, so a cosine is a dot product; they are kept in
/// one contiguous buffer (entries * questions * dimensions floats), never per message.
public struct FAQEmbeddingIndex: Sendable {
    public let dimensions: Int
    public let entryIDs: [String]
    /// Row r of `vectors` belongs to entry `owner[r]`.
    private let owner: [Int32]
    private let vectors: [Float]

    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `entries`: each entry's id and the embeddings of its questions (at least one).
    public init(entries: [(id: String, vectors: [[Float]])]) throws {
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
    }

    /// One entry's score for a message.
    public struct Score: Sendable, Equatable {
        public let id: String
        public let score: Double
    }

    /// Every entry's score for the message's embedding, best first.
    public func rank(_ query: [Float]) throws -> [Score] {
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
            let s = best2[e] == -.infinity ? Double(best1[e]) : Double(best1[e] + best2[e]) / 2
            return Score(id: entryIDs[e], score: s)
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    /// What the tier does with a message.
    public enum Decision: Sendable, Equatable {
        /// The entry's answer is sent: `score` reached the threshold, `margin` over the next entry.
        case answer(id: String, score: Double, margin: Double)
        /// Nothing is sent by this tier; `best` is the closest entry, for the journal.
        case abstain(reason: AbstainReason, best: String, score: Double, margin: Double)
    }

    public enum AbstainReason: String, Sendable {
        case belowThreshold = "below_threshold"
        case ambiguous = "ambiguous"
    }

    public func decide(_ query: [Float], threshold: Double, margin: Double) throws -> Decision {
        let ranked = try rank(query)
        let top = ranked[0]
        let gap = ranked.count > 1 ? top.score - ranked[1].score : top.score
        if top.score < threshold { return .abstain(reason: .belowThreshold, best: top.id, score: top.score, margin: gap) }
        if gap < margin { return .abstain(reason: .ambiguous, best: top.id, score: top.score, margin: gap) }
        return .answer(id: top.id, score: top.score, margin: gap)
    }

    static func norm(_ v: [Float]) -> Float {
        var s: Float = 0
        for x in v { s += x * x }
        return s.squareRoot()
    }
}
