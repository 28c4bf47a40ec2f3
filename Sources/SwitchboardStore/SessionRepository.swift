import Foundation
import SwitchboardCore

/// A browser session of one user, created by a login. The session id (the `sb_session`
/// cookie) is stored only as its SHA-256 (`idHash`); the CSRF token is stored as is: it
/// is useless without the cookie.
public struct SessionRecord: Sendable, Equatable {
    public let idHash: String
    public let workspaceID: WorkspaceID
    public let userID: String
    public let csrfToken: String
    public let createdAt: Date
    public let expiresAt: Date

    public init(idHash: String, workspaceID: WorkspaceID, userID: String, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.workspaceID = workspaceID
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// The sessions of one workspace. Looking a session up by its hash is
/// `Store.authenticate(sessionHash:)` (the cookie names the workspace).
public protocol SessionRepository: Sendable {
    /// Stores a session of `userID`, who must be a user of this workspace (otherwise
    /// `StoreError.Code.constraint`).
    func create(idHash: String, userID: String, csrfToken: String, expiresAt: Date) throws -> SessionRecord
    /// Deletes a session (logout). Returns true if it existed in this workspace.
    @discardableResult
    func delete(idHash: String) throws -> Bool
    /// Deletes every session of a user (password change, removal). Returns how many.
    @discardableResult
    func deleteAll(user: String) throws -> Int
    /// Deletes the sessions that expired at or before `now`. Returns how many.
    @discardableResult
    func deleteExpired(now: Date) throws -> Int
    /// A user's sessions, newest first.
    func list(user: String) throws -> [SessionRecord]
}
