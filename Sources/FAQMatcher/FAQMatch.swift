/// The matcher's verdict on a message: the best entry with its confidence `score` in
/// `0...1` (see `FAQIndex` for what the score means), the runner-up, the signals the
/// decision was made on, and whether the matcher answers (`abstention == nil`) or why not.
///
/// `FAQIndex.match` returns only answers; `FAQIndex.assess` returns abstentions too, so
/// that a later tier (a semantic matcher, a model) can combine its own evidence with
/// what the lexical matcher saw.
public struct FAQMatch: Sendable, Equatable {
    public let entryID: String
    public let answer: String
    public let score: Double
    /// The second-best entry and its score (`nil` and 0 when only one entry was touched).
    public let runnerUpEntryID: String?
    public let runnerUpScore: Double
    public let signals: FAQSignals
    /// Why the matcher does not answer with `entryID`; `nil` when it does.
    public let abstention: FAQAbstention?

    public var isAnswer: Bool { abstention == nil }
    /// The best entry's lead over the runner-up.
    public var margin: Double { score - runnerUpScore }

    public init(
        entryID: String, answer: String, score: Double, runnerUpEntryID: String? = nil,
        runnerUpScore: Double = 0, signals: FAQSignals = FAQSignals(), abstention: FAQAbstention? = nil
    ) {
        self.entryID = entryID
        self.answer = answer
        self.score = score
        self.runnerUpEntryID = runnerUpEntryID
        self.runnerUpScore = runnerUpScore
        self.signals = signals
        self.abstention = abstention
    }
}

/// What the matcher saw of a message and its best entry, beyond the score.
public struct FAQSignals: Sendable, Equatable {
    /// Share of the message's informative weight (IDF) that the entry explains.
    public var coverage: Double
    /// Best share of one of the entry's questions that the message covers.
    public var questionCoverage: Double
    /// Topic words of the message (full weight, after stopwords), known to the FAQ or not.
    public var messageWords: Int
    /// Topic words of the message found in the entry (one of its questions or its answer).
    public var matchedWords: Int
    /// Topic words of the message that the FAQ has never seen (after fuzzy lookup).
    public var unknownWords: Int

    public init(coverage: Double = 0, questionCoverage: Double = 0, messageWords: Int = 0,
                matchedWords: Int = 0, unknownWords: Int = 0) {
        self.coverage = coverage
        self.questionCoverage = questionCoverage
        self.messageWords = messageWords
        self.matchedWords = matchedWords
        self.unknownWords = unknownWords
    }
}

/// Why the matcher did not answer.
public enum FAQAbstention: String, Sendable, Equatable {
    /// The best entry's score is under the threshold.
    case lowScore = "low_score"
    /// The match rests on a single topic word and its score is under
    /// `FAQIndex.singleWordThreshold`.
    case oneTopicWord = "one_topic_word"
    /// The message covers too little of any of the best entry's questions.
    case weakQuestionOverlap = "weak_question_overlap"
    /// The runner-up is too close to the best entry to tell them apart.
    case tooClose = "too_close"
    /// No topic word of the message is in the best entry's questions (only days, times,
    /// numbers, stopwords or answer words matched).
    case noTopicWord = "no_topic_word"
}
