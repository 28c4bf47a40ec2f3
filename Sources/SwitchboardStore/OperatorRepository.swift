import Foundation

/// A host-level account of the agency running the host (`switchboard operator add`):
/// creates workspaces, invites their owners, sees channel health across workspaces, and
/// nothing else of a workspace unless invited into it as a user.
public struct OperatorRecord: Sendable, Equatable {
    /// `op_` and a ULID.
    public let id: String
    /// Normalised (trimmed, lower case); unique in the host.
    public let email: String
    public var passwordHash: String
    public let createdAt: Date

    public init(id: String, email: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// An API token of an operator, stored as its SHA-256 like workspace tokens.
public struct OperatorTokenRecord: Sendable, Equatable {
    /// `otk_` and a ULID.
    public let id: String
    public let operatorID: String
    public let name: String
    public let createdAt: Date
    public let expiresAt: Date?

    public init(id: String, operatorID: String, name: String, createdAt: Date, expiresAt: Date?) {
        self.id = id
        self.operatorID = operatorID
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// The host's operators and their tokens (`Store.operators`).
public protocol OperatorRepository: Sendable {
    /// An e-mail already used fails with `StoreError.Code.constraint`.
    func create(email: String, passwordHash: String) throws -> OperatorRecord
    func find(email: String) throws -> OperatorRecord?
    /// Oldest first.
    func list() throws -> [OperatorRecord]
    /// Deletes the operator and their tokens. Returns true if it existed.
    @discardableResult
    func delete(_ id: String) throws -> Bool
    func createToken(operatorID: String, name: String, tokenHash: String, expiresAt: Date?) throws -> OperatorTokenRecord
    /// Every operator token, oldest first.
    func tokens() throws -> [OperatorTokenRecord]
    @discardableResult
    func revokeToken(_ id: String) throws -> Bool
    /// The operator and token a token hash belongs to (expired ones too: the caller's
    /// clock decides).
    func authenticate(tokenHash: String) throws -> (OperatorRecord, OperatorTokenRecord)?
}
