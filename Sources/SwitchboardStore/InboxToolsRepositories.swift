import Foundation
import SwitchboardCore

/// A reply an agent picks by typing `/` and its shortcut in the composer. Managed by the
/// workspace's admins (the API checks who), read by every agent.
public struct CannedReply: Sendable, Equatable {
    /// `cr_` and a ULID.
    public let id: String
    /// Unique within the workspace; the API allows `[a-z0-9_-]`, 1-32 characters.
    public var shortcut: String
    public var text: String
    public let createdAt: Date
    public var updatedAt: Date

    public init(id: String, shortcut: String, text: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.shortcut = shortcut
        self.text = text
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A label of a workspace, put on conversations ("order", "complaint", "vip").
public struct LabelRecord: Sendable, Equatable {
    /// `lb_` and a ULID.
    public let id: String
    /// Unique within the workspace.
    public var name: String
    /// One of the names the API allows (`LabelColor`), or nil.
    public var color: String?
    public let createdAt: Date

    public init(id: String, name: String, color: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.color = color
        self.createdAt = createdAt
    }
}

/// What agents add to a contact: a name of their own (the provider's profile name stays
/// on `Contact`) and custom attributes, text by key.
public struct ContactProfile: Sendable, Equatable {
    public let contactID: ContactID
    public var name: String?
    public var attributes: [String: String]
    /// nil until someone edits it.
    public var updatedAt: Date?

    public init(contactID: ContactID, name: String?, attributes: [String: String], updatedAt: Date?) {
        self.contactID = contactID
        self.name = name
        self.attributes = attributes
        self.updatedAt = updatedAt
    }
}

/// A note about a contact (not about one conversation), seen by the team only.
public struct ContactNote: Sendable, Equatable {
    /// `cn_` and a ULID.
    public let id: String
    public let contactID: ContactID
    /// The user id (or `token:<id>`) who wrote it.
    public let author: String
    public let text: String
    public let createdAt: Date

    public init(id: String, contactID: ContactID, author: String, text: String, createdAt: Date) {
        self.id = id
        self.contactID = contactID
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }
}

/// The canned replies of one workspace.
public protocol CannedReplyRepository: Sendable {
    /// By shortcut.
    func list() throws -> [CannedReply]
    func get(_ id: String) throws -> CannedReply?
    /// A shortcut already used in this workspace fails with `constraint`.
    func create(shortcut: String, text: String) throws -> CannedReply
    /// `notFound` for an id not in this workspace; `constraint` for a shortcut another
    /// canned reply has.
    func update(_ id: String, shortcut: String, text: String) throws -> CannedReply
    /// Returns true if it existed.
    @discardableResult
    func delete(_ id: String) throws -> Bool
}

/// The labels of one workspace and their links to its conversations.
public protocol LabelRepository: Sendable {
    /// By name.
    func list() throws -> [LabelRecord]
    func get(_ id: String) throws -> LabelRecord?
    /// A name already used in this workspace fails with `constraint`.
    func create(name: String, color: String?) throws -> LabelRecord
    /// Deletes the label and takes it off every conversation. True if it existed.
    @discardableResult
    func delete(_ id: String) throws -> Bool
    /// Puts the label on the conversation (again: nothing changes). `notFound` when
    /// either is not this workspace's.
    func attach(_ label: String, to conversation: ConversationID) throws
    /// Takes it off; true if it was on. `notFound` for a conversation not in this workspace.
    @discardableResult
    func detach(_ label: String, from conversation: ConversationID) throws -> Bool
    /// The labels of each of `conversations` (by name); conversations without any are absent.
    func labels(of conversations: [ConversationID]) throws -> [ConversationID: [LabelRecord]]
}

/// Contacts as agents see them in the contact panel: profile, notes, conversations.
public protocol ContactProfileRepository: Sendable {
    /// The profile (empty when nobody edited it); `notFound` for a contact not in this workspace.
    func profile(_ contact: ContactID) throws -> ContactProfile
    /// Sets the name (when `name` is given: `.some(nil)` clears it) and/or replaces the
    /// attributes (when given). `notFound` for a contact not in this workspace.
    func update(_ contact: ContactID, name: String??, attributes: [String: String]?) throws -> ContactProfile
    /// The agents' names of those of `contacts` that have one.
    func names(of contacts: [ContactID]) throws -> [ContactID: String]
    /// Newest first, at most `limit`.
    func notes(_ contact: ContactID, limit: Int) throws -> [ContactNote]
    /// `notFound` for a contact not in this workspace.
    func addNote(_ contact: ContactID, author: String, text: String) throws -> ContactNote
    /// The contact's conversations (one per channel), most recently active first.
    func conversations(of contact: ContactID, limit: Int) throws -> [Conversation]
}

/// What the daily report (`DailyReport`) reads: the journal of a time range.
public protocol ReportRepository: Sendable {
    /// The `received`, `sent`, `queued` and `state_changed` events of this workspace
    /// created in `from..<until`, in id order (as `DailyReport.Entry`, the details the
    /// report needs taken out), and the conversations created then.
    func reportInput(from: Date, until: Date) throws -> (entries: [DailyReport.Entry], starts: [DailyReport.Start])
}
