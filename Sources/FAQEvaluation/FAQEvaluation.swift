import Foundation
import FAQMatcher

/// What a matcher did with a labelled question set: the figures the FAQ is held to.
///
/// - precision: correct answers among all answers (in scope and out of scope alike);
/// - coverage: in-scope questions answered with the right entry, over all in-scope ones;
/// - out-of-scope answered: out-of-scope questions that got an answer anyway.
public struct FAQEvaluation: Sendable {
    public var inScope = 0
    public var outOfScope = 0
    /// In-scope questions answered with the right entry.
    public var correct = 0
    /// In-scope questions answered with another entry.
    public var wrongEntry = 0
    /// Out-of-scope questions answered.
    public var outOfScopeAnswered = 0
    /// Wrong answers, as `(text, expected, answered)`, for reports.
    public var mistakes: [(text: String, expected: String?, answered: String)] = []
    /// In-scope questions the matcher abstained on, as `(text, expected)`.
    public var abstained: [(text: String, expected: String)] = []

    public init() {}

    /// Asks `index` every question of `questions`.
    public init(index: FAQIndex, questions: [LabelledQuestion]) {
        for q in questions { record(q, index.match(q.text)?.entryID) }
    }

    public mutating func record(_ q: LabelledQuestion, _ answered: String?) {
        if let expected = q.expected {
            inScope += 1
            if let answered {
                if answered == expected { correct += 1 } else {
                    wrongEntry += 1
                    mistakes.append((q.text, expected, answered))
                }
            } else {
                abstained.append((q.text, expected))
            }
        } else {
            outOfScope += 1
            if let answered {
                outOfScopeAnswered += 1
                mistakes.append((q.text, nil, answered))
            }
        }
    }

    public var answered: Int { correct + wrongEntry + outOfScopeAnswered }
    public var precision: Double { answered == 0 ? 1 : Double(correct) / Double(answered) }
    public var coverage: Double { inScope == 0 ? 0 : Double(correct) / Double(inScope) }
    public var outOfScopeAnsweredShare: Double { outOfScope == 0 ? 0 : Double(outOfScopeAnswered) / Double(outOfScope) }

    /// One line: the three figures with their counts.
    public var summary: String {
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        return "precision \(percent(precision)) (\(correct)/\(answered)), "
            + "coverage \(percent(coverage)) (\(correct)/\(inScope)), "
            + "out of scope answered \(percent(outOfScopeAnsweredShare)) (\(outOfScopeAnswered)/\(outOfScope))"
    }
}
