import Foundation
import SwitchboardCore

/// An invitation to join a workspace: whoever opens its link sets a password and becomes
/// a user with `role`. The token is shown once (in the link) and stored as its SHA-256.
public struct InviteRecord: Sendable, Equatable {
    /// `inv_` and a ULID.
    public let id: String
    public let workspaceID: WorkspaceID
    /// Normalised; the user's login name once accepted.
    public let email: String
    public let role: UserRole
    /// Who invited: an audit actor (`operator:...`, `user:...`, `cli`).
    public let createdBy: String
    public let createdAt: Date
    public let expiresAt: Date
    public var acceptedAt: Date?

    public init(id: String, workspaceID: WorkspaceID, email: String, role: UserRole, createdBy: String,
                createdAt: Date, expiresAt: Date, acceptedAt: Date?) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.role = role
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
    }

    /// Open: neither accepted nor expired at `now`.
    public func isOpen(at now: Date) -> Bool { acceptedAt == nil && expiresAt > now }
}

/// The invites of one workspace. Finding one by its token is `Store.invite(tokenHash:)`.
public protocol InviteRepository: Sendable {
    func create(email: String, role: UserRole, tokenHash: String, createdBy: String, expiresAt: Date) throws -> InviteRecord
    /// Newest first.
    func list() throws -> [InviteRecord]
    /// Marks the invite accepted; `notFound` if it is not in this workspace.
    func markAccepted(_ id: String, at: Date) throws
}
