import Foundation
import SwitchboardCore

/// What a person may do in a workspace's inbox. Owners and admins manage; agents answer.
public enum UserRole: String, Sendable, Codable, CaseIterable, Comparable {
    case owner, admin, agent

    /// How much the role may do: agent < admin < owner.
    public var rank: Int {
        switch self {
        case .agent: 0
        case .admin: 1
        case .owner: 2
        }
    }

    public static func < (a: UserRole, b: UserRole) -> Bool { a.rank < b.rank }
}

/// A person who logs in to one workspace's inbox. The same e-mail in two workspaces is
/// two users, with two passwords.
public struct UserRecord: Sendable, Equatable {
    /// `usr_` and a ULID.
    public let id: String
    public let workspaceID: WorkspaceID
    /// Normalised (trimmed, lower case) by the caller; unique within the workspace.
    public let email: String
    public var role: UserRole
    /// `scrypt$N$r$p$salt$hash` (SwitchboardAuth's `PasswordHasher`); never the password.
    public var passwordHash: String
    public let createdAt: Date

    public init(id: String, workspaceID: WorkspaceID, email: String, role: UserRole, passwordHash: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// The users of one workspace.
public protocol UserRepository: Sendable {
    /// Adds a user. An e-mail already used in this workspace fails with
    /// `StoreError.Code.constraint` (a message naming the e-mail and the workspace), as
    /// does a workspace that is not stored.
    func create(email: String, role: UserRole, passwordHash: String) throws -> UserRecord
    func get(_ id: String) throws -> UserRecord?
    func find(email: String) throws -> UserRecord?
    /// Oldest first.
    func list() throws -> [UserRecord]
    /// Replaces a user's password hash; `notFound` for a user not in this workspace.
    func setPasswordHash(_ id: String, _ passwordHash: String) throws
    /// Changes a user's role; `notFound` for a user not in this workspace.
    func setRole(_ id: String, _ role: UserRole) throws
    /// Deletes a user and their sessions. Returns true if the user existed.
    @discardableResult
    func delete(_ id: String) throws -> Bool
}
