import Foundation
import SwitchboardCore

/// A file of the media store that belongs to one message: an inbound image, voice note
/// or document downloaded on arrival, or an agent's attachment. The bytes live under the
/// media folder, named by `sha256`; this record says which message has which file.
public struct StoredMedia: Sendable, Equatable {
    public enum Origin: String, Sendable { case inbound, upload }
    public var messageID: MessageID
    /// Lowercase hex SHA-256 of the bytes: the file's name in the store.
    public var sha256: String
    public var mimeType: String
    public var size: Int
    /// A document's file name, as the customer or agent gave it.
    public var filename: String?
    public var origin: Origin
    public var createdAt: Date
    /// Set when retention deleted the file (the record stays, so the inbox can say so).
    public var deletedAt: Date?

    public init(messageID: MessageID, sha256: String, mimeType: String, size: Int, filename: String?, origin: Origin,
                createdAt: Date = Date(), deletedAt: Date? = nil) {
        self.messageID = messageID
        self.sha256 = sha256
        self.mimeType = mimeType
        self.size = size
        self.filename = filename
        self.origin = origin
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}

/// The media records of one workspace.
public protocol MediaRepository: Sendable {
    /// Records the file of a message (the message must be of this workspace). A second
    /// record for the same message is ignored (a download repeated after a restart).
    func insert(_ media: StoredMedia) throws
    func get(_ message: MessageID) throws -> StoredMedia?
    /// Marks the files created before `cutoff` deleted and returns their hashes
    /// (retention); the caller removes a file once no live record names its hash.
    func expire(before cutoff: Date) throws -> [String]
    /// Whether any live record of this workspace still names the file.
    func isReferenced(sha256: String) throws -> Bool
}
