/// One question-and-answer pair of a workspace's FAQ, as an admin writes it in config:
/// an id, a few ways customers ask the question (any language), and the answer to send.
public struct FAQEntry: Sendable {
    public let id: String
    public let questions: [String]
    public let answer: String

    public init(id: String, questions: [String], answer: String) {
        self.id = id
        self.questions = questions
        self.answer = answer
    }
}
