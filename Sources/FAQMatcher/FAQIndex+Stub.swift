// PLACEHOLDER, to be deleted when the `faq` branch (the real FAQMatcher) is merged.
// It exists only so the FAQ plugin compiles against the agreed API:
//   FAQEntry { id, questions, answer }, FAQIndex(entries:threshold:), match(_:) -> FAQMatch?
// Matching here is exact, after lower-casing and collapsing punctuation and spaces.
import Foundation

public struct FAQEntry: Sendable, Equatable {
    public var id: String
    public var questions: [String]
    public var answer: String
    public init(id: String, questions: [String], answer: String) {
        self.id = id
        self.questions = questions
        self.answer = answer
    }
}

public struct FAQMatch: Sendable, Equatable {
    public var entryID: String
    public var answer: String
    public var score: Double
    public init(entryID: String, answer: String, score: Double) {
        self.entryID = entryID
        self.answer = answer
        self.score = score
    }
}

public final class FAQIndex: Sendable {
    private let byQuestion: [String: FAQEntry]

    public init(entries: [FAQEntry], threshold: Double? = nil) {
        var map: [String: FAQEntry] = [:]
        for e in entries {
            for q in e.questions where map[FAQIndex.fold(q)] == nil { map[FAQIndex.fold(q)] = e }
        }
        byQuestion = map
    }

    public func match(_ text: String) -> FAQMatch? {
        guard let e = byQuestion[FAQIndex.fold(text)] else { return nil }
        return FAQMatch(entryID: e.id, answer: e.answer, score: 1)
    }

    static func fold(_ s: String) -> String {
        let lowered = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        let words = lowered.unicodeScalars.split { !CharacterSet.alphanumerics.contains($0) }
        return words.map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }
}
