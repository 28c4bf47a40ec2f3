import Foundation
import SwitchboardCore

/// Data care for one workspace (GDPR and the businesses' own promises): everything stored
/// about one customer, erasing it, and deleting old message content.
///
/// Erasing keeps the shape of the history and removes its content: a message keeps its
/// id, direction, kind, times and delivery status, and loses its text and payload; its
/// journal entries keep their kind and times, and those a responder wrote (verdicts,
/// plugin events and errors, which may quote the customer) lose their details; the
/// contact keeps its id and loses its number, name, the agents' profile and notes. Reports and counts stay right; nothing of what
/// the customer said, or of who they are, is left. Other workspaces are untouched: every
/// statement is bound to this workspace.
public protocol DataCareRepository: Sendable {
    /// Everything stored about one contact of this workspace; nil when there is none.
    func export(contact: ContactID) throws -> ContactDataExport?

    /// Erases one contact in one transaction; nil when there is none. Replies still queued
    /// to them are cancelled (their messages end `failed`, "contact erased"); a reply
    /// already being sent finishes. A later message from the same number starts a new
    /// contact.
    func erase(contact: ContactID) throws -> ErasureReport?

    /// Removes the text and payload of this workspace's messages created before `cutoff`,
    /// at most `limit` of them, oldest first; returns how many. Call again until it
    /// returns less than `limit`.
    func expireContent(before cutoff: Date, limit: Int) throws -> Int
}

/// What `export` found: the contact, its conversations, their messages and journal.
public struct ContactDataExport: Sendable {
    public let contact: Contact
    public let conversations: [Conversation]
    public let messages: [Message]
    public let events: [Event]
    /// What the workspace's agents recorded about the person (the inbox's contact panel).
    public let agentName: String?
    public let attributesJSON: String
    public let notes: [Note]
    /// The contact's other addresses (a WhatsApp LID, a business-scoped user id).
    public var aliases: [ContactAlias] = []

    public struct Note: Sendable {
        public let author: String
        public let text: String
        public let createdAt: Date
    }
}

public struct ErasureReport: Sendable, Equatable {
    public let contact: ContactID
    public let conversations: Int
    public let messages: Int
    public let events: Int
    /// Replies that were still queued and will not be sent.
    public let cancelledReplies: Int
    /// The media store's files (SHA-256) of the erased messages: their records are marked
    /// deleted; the caller removes each file no other record of the workspace names.
    public var mediaFiles: [String] = []
    /// Held (unrouted) messages of the contact's addresses on the workspace's channels,
    /// deleted (set by the host's erasure, which knows the channels).
    public var unrouted = 0
    /// Plugin state entries removed or rewritten because they held the contact's data.
    public var pluginState = 0
}
