/// A customer question and the FAQ entry that answers it, or `nil` when the FAQ does
/// not cover it and the matcher should abstain.
public struct LabelledQuestion: Sendable {
    public let text: String
    public let expected: String?

    public init(text: String, expected: String?) {
        self.text = text
        self.expected = expected
    }
}
