import Foundation

/// A position in a list ordered newest first by a time and then an id, both descending
/// (conversations by `updatedAt`, contacts by `createdAt`): the next page holds the rows
/// strictly after it in that order. Times compare as stored, in whole milliseconds.
public struct ListCursor: Sendable, Equatable {
    public var at: Date
    public var id: String

    public init(at: Date, id: String) {
        self.at = at
        self.id = id
    }
}
