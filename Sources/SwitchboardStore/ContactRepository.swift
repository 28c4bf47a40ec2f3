import SwitchboardCore

/// The contacts of one workspace.
public protocol ContactRepository: Sendable {
    /// Finds the contact with this E.164 number, or creates it. An existing contact's
    /// profile name is updated when a different non-nil one is given (customers rename
    /// themselves); `rawPhone` is kept from the first time the contact was seen.
    func upsert(e164: String, rawPhone: String?, profileName: String?) throws -> ContactUpsert
    func get(_ id: ContactID) throws -> Contact?
    func find(e164: String) throws -> Contact?
    /// Newest first.
    func list(limit: Int) throws -> [Contact]
    /// One page of contacts, newest first (`createdAt` descending, then id descending),
    /// starting after `cursor` (nil: from the newest); the last contact of a page, as
    /// `ListCursor(at: createdAt, id:)`, is the cursor of the next one.
    func list(after cursor: ListCursor?, limit: Int) throws -> [Contact]
    /// The one contact of the person these addresses belong to (number, WhatsApp LID,
    /// business-scoped user id), created when none is known. Every address given is
    /// mapped to it from now on; when they name two contacts (a LID seen alone first, its
    /// number later), the two become one: conversations, messages, their journal and
    /// queued work follow the surviving contact (see `Contacts+Identities+SQLite.swift`).
    func resolve(_ identities: ContactIdentities, rawPhone: String?, profileName: String?) throws -> ContactResolution
    /// The addresses mapped to a contact besides its key (`lid`, `bsuid`).
    func aliases(of contact: ContactID) throws -> [ContactAlias]
}

/// An address mapped to a contact besides its key.
public struct ContactAlias: Sendable, Equatable {
    /// `lid` (WhatsApp LID) or `bsuid` (the Cloud API's business-scoped user id).
    public var kind: String
    public var value: String
}

public struct ContactResolution: Sendable, Equatable {
    public let contact: Contact
    /// True when this call created the contact.
    public let created: Bool
    /// Contacts merged into `contact` by this call (they no longer exist).
    public let merged: [ContactID]
    /// Conversations merged into one of `contact`'s (absorbed id, surviving id).
    public let mergedConversations: [MergedConversation]
}

public struct MergedConversation: Sendable, Equatable {
    public let absorbed: ConversationID
    public let into: ConversationID
}

public struct ContactUpsert: Sendable, Equatable {
    public let contact: Contact
    /// True when this call created the contact.
    public let created: Bool
}

extension ContactRepository {
    /// Finds the contact with this address, or creates it (see `upsert(e164:...)`; the
    /// contact's key is the address's `storageKey`).
    public func upsert(address: ContactAddress, rawPhone: String?, profileName: String?) throws -> ContactUpsert {
        try upsert(e164: address.storageKey, rawPhone: rawPhone, profileName: profileName)
    }

    public func find(address: ContactAddress) throws -> Contact? {
        try find(e164: address.storageKey)
    }
}
