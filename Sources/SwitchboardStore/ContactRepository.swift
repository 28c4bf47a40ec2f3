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
