import Foundation

/// A customer of a workspace, keyed by their address (an E.164 number, a WhatsApp user
/// id, a Telegram chat, a web visitor; `address`): the same person writing to two
/// workspaces is two contacts, one in each.
public struct Contact: Sendable, Codable, Equatable {
    public var id: ContactID
    public var workspaceID: WorkspaceID
    /// The normalised number, `+` and digits.
    public var e164: String
    /// The number as the provider sent it (a WhatsApp `wa_id`), if different.
    public var rawPhone: String?
    /// The name the customer set in their profile, as last seen.
    public var profileName: String?
    public var createdAt: Date

    /// How the contact's channel reaches them (`e164` is the stored key of this address).
    public var address: ContactAddress { ContactAddress(storageKey: e164) }

    public init(
        id: ContactID, workspaceID: WorkspaceID, e164: String, rawPhone: String?,
        profileName: String?, createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.e164 = e164
        self.rawPhone = rawPhone
        self.profileName = profileName
        self.createdAt = createdAt
    }
}
