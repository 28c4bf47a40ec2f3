/// The entry an incoming message matched, with a confidence `score` in `0...1`
/// (see `FAQIndex` for what the score means).
public struct FAQMatch: Sendable, Equatable {
    public let entryID: String
    public let answer: String
    public let score: Double

    public init(entryID: String, answer: String, score: Double) {
        self.entryID = entryID
        self.answer = answer
        self.score = score
    }
}
