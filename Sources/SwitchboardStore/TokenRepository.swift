import Foundation
import SwitchboardCore

/// An API token of one workspace. The token itself is shown once when created and stored
/// only as its SHA-256 (`tokenHash`), so this record never holds the secret.
public struct TokenRecord: Sendable, Equatable {
    /// `tok_` and a ULID.
    public let id: String
    public let workspaceID: WorkspaceID
    /// What the token is for (`ci`, `crm-sync`), chosen by whoever created it.
    public let name: String
    public let createdAt: Date
    public var lastUsedAt: Date?
    /// The role the token acts with (tokens made before roles were checked: admin).
    public var role: UserRole
    /// After this the token is refused; nil: it never expires.
    public var expiresAt: Date?

    public init(id: String, workspaceID: WorkspaceID, name: String, createdAt: Date, lastUsedAt: Date?,
                role: UserRole = .admin, expiresAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.role = role
        self.expiresAt = expiresAt
    }

    /// Whether the token is past its expiry at `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// The API tokens of one workspace. Looking a token up by its hash is not here: the
/// token names its workspace, so that is `Store.authenticate(tokenHash:)`.
public protocol TokenRepository: Sendable {
    /// Stores a token by the hash of its secret. A hash already stored (anywhere) fails
    /// with `StoreError.Code.constraint`.
    func create(name: String, tokenHash: String, role: UserRole, expiresAt: Date?) throws -> TokenRecord
    func get(_ id: String) throws -> TokenRecord?
    /// Oldest first.
    func list() throws -> [TokenRecord]
    /// Records that the token was used at `at`.
    func markUsed(_ id: String, at: Date) throws
    /// Deletes a token: it stops working at once. Returns true if it existed.
    @discardableResult
    func revoke(_ id: String) throws -> Bool
}

extension TokenRepository {
    /// A token acting as admin that never expires (what tokens were before roles).
    public func create(name: String, tokenHash: String) throws -> TokenRecord {
        try create(name: name, tokenHash: tokenHash, role: .admin, expiresAt: nil)
    }
}
