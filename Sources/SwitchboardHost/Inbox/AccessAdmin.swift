import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardStore

/// Adding inbox users and API tokens: what `switchboard user add` and
/// `switchboard token create` do, with the checks a person needs explained.
struct AccessAdmin {
    let store: any Store
    var hasher: PasswordHasher = .standard

    /// A refusal to show the person who asked (exit status 1).
    struct Refusal: Error, CustomStringConvertible, Equatable {
        let description: String
    }

    static let minimumPasswordLength = 8

    /// Adds a user with `password` (hashed with scrypt; never stored as is). Refuses an
    /// e-mail that is not one, a password shorter than 8 characters, a workspace that is
    /// not stored and active, and an e-mail already used in the workspace.
    func addUser(workspace: WorkspaceID, email rawEmail: String, role: UserRole, password: String) throws -> UserRecord {
        guard let email = EmailAddress.normalize(rawEmail) else {
            throw Refusal(description: "'\(rawEmail)' is not an e-mail address")
        }
        guard password.count >= Self.minimumPasswordLength else {
            throw Refusal(description: "the password is shorter than \(Self.minimumPasswordLength) characters")
        }
        let ws = try activeWorkspace(workspace)
        if try ws.users.find(email: email) != nil {
            throw Refusal(description: "a user with e-mail \(email) already exists in workspace \(workspace)")
        }
        let hash = try hasher.hash(password)
        return try ws.users.create(email: email, role: role, passwordHash: hash)
    }

    /// Creates an API token named `name`; returns its record and the token itself, which
    /// is shown once and stored only as its SHA-256.
    func createToken(workspace: WorkspaceID, name rawName: String) throws -> (record: TokenRecord, token: String) {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw Refusal(description: "a token name is 1 to 100 printable characters, got '\(rawName)'")
        }
        let ws = try activeWorkspace(workspace)
        let token = try Secrets.apiToken()
        let record = try ws.tokens.create(name: name, tokenHash: Secrets.hash(token))
        return (record, token)
    }

    /// A password to hand to a new user: 24 URL-safe random characters (144 bits).
    static func generatePassword() throws -> String {
        try Secrets.token().prefix(24).description
    }

    private func activeWorkspace(_ id: WorkspaceID) throws -> any WorkspaceStore {
        let ws = store.workspace(id)
        guard let record = try ws.record() else {
            throw Refusal(description: "workspace \(id) is not in the database (is it configured?)")
        }
        guard record.active else {
            throw Refusal(description: "workspace \(id) is no longer configured (inactive in the database)")
        }
        return ws
    }
}
