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
    func addUser(workspace: WorkspaceID, email rawEmail: String, role: UserRole, password: String,
                 actor: String = "cli") throws -> UserRecord {
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
        return try ws.transaction { ws in
            let user = try ws.users.create(email: email, role: role, passwordHash: hash)
            try ws.audit.record(actor: actor, action: "user_added", summary: "added user \(user.email) (\(role.rawValue))")
            return user
        }
    }

    /// Creates an API token named `name`; returns its record and the token itself, which
    /// is shown once and stored only as its SHA-256.
    func createToken(workspace: WorkspaceID, name rawName: String, role: UserRole = .admin, expiresAt: Date? = nil,
                     actor: String = "cli", now: Date = Date()) throws -> (record: TokenRecord, token: String) {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw Refusal(description: "a token name is 1 to 100 printable characters, got '\(rawName)'")
        }
        if let expiresAt, expiresAt <= now {
            throw Refusal(description: "the expiry \(RFC3339.string(expiresAt)) is not in the future")
        }
        let ws = try activeWorkspace(workspace)
        let token = try Secrets.apiToken()
        let record = try ws.transaction { ws in
            let record = try ws.tokens.create(name: name, tokenHash: Secrets.hash(token), role: role, expiresAt: expiresAt)
            try ws.audit.record(actor: actor, action: "token_created",
                                summary: "created token \(record.id) '\(name)' (\(role.rawValue)\(expiresAt.map { ", expires \(RFC3339.string($0))" } ?? ", no expiry"))")
            return record
        }
        return (record, token)
    }

    /// Revokes a token: its next request is refused (401). Unknown: a refusal.
    func revokeToken(workspace: WorkspaceID, id: String, actor: String = "cli") throws {
        let ws = store.workspace(workspace)
        try ws.transaction { ws in
            guard let record = try ws.tokens.get(id), try ws.tokens.revoke(id) else {
                throw Refusal(description: "no token \(id) in workspace \(workspace)")
            }
            try ws.audit.record(actor: actor, action: "token_revoked", summary: "revoked token \(id) '\(record.name)'")
        }
    }

    /// The user with this id or e-mail in the workspace, or a refusal.
    func user(workspace: WorkspaceID, _ idOrEmail: String) throws -> UserRecord {
        let ws = store.workspace(workspace)
        if let u = try ws.users.get(idOrEmail) { return u }
        if let email = EmailAddress.normalize(idOrEmail), let u = try ws.users.find(email: email) { return u }
        throw Refusal(description: "no user '\(idOrEmail)' in workspace \(workspace)")
    }

    /// Whether removing `user` or taking their owner role would leave the workspace
    /// without an owner: refused, so that someone can always manage the workspace.
    private func checkNotLastOwner(_ ws: any WorkspaceStore, _ user: UserRecord, doing: String) throws {
        guard user.role == .owner else { return }
        let owners = try ws.users.list().filter { $0.role == .owner }
        if owners.count <= 1 {
            throw Refusal(description: "\(user.email) is the last owner of workspace \(ws.workspaceID); make someone else owner before you \(doing)")
        }
    }

    /// Removes a user; their sessions end at once (their next request is 401).
    func removeUser(workspace: WorkspaceID, _ idOrEmail: String, actor: String = "cli") throws -> UserRecord {
        let ws = store.workspace(workspace)
        let user = try user(workspace: workspace, idOrEmail)
        try checkNotLastOwner(ws, user, doing: "remove them")
        try ws.transaction { ws in
            _ = try ws.sessions.deleteAll(user: user.id)
            try ws.users.delete(user.id)
            try ws.audit.record(actor: actor, action: "user_removed", summary: "removed user \(user.email) (\(user.role.rawValue)); their sessions ended")
        }
        return user
    }

    /// Changes a user's role (their sessions carry on with the new role at their next
    /// request: the role is read per request).
    func setRole(workspace: WorkspaceID, _ idOrEmail: String, role: UserRole, actor: String = "cli") throws -> UserRecord {
        let ws = store.workspace(workspace)
        var user = try user(workspace: workspace, idOrEmail)
        if role != .owner { try checkNotLastOwner(ws, user, doing: "change their role") }
        let before = user.role
        try ws.transaction { ws in
            try ws.users.setRole(user.id, role)
            try ws.audit.record(actor: actor, action: "user_role", summary: "changed the role of \(user.email) from \(before.rawValue) to \(role.rawValue)")
        }
        user.role = role
        return user
    }

    /// Sets a new password (generated unless given) and ends every session of the user.
    func resetPassword(workspace: WorkspaceID, _ idOrEmail: String, password given: String? = nil,
                       actor: String = "cli") throws -> (user: UserRecord, password: String) {
        let ws = store.workspace(workspace)
        let user = try user(workspace: workspace, idOrEmail)
        let password = try given ?? Self.generatePassword()
        guard password.count >= Self.minimumPasswordLength else {
            throw Refusal(description: "the password is shorter than \(Self.minimumPasswordLength) characters")
        }
        let hash = try hasher.hash(password)
        try ws.transaction { ws in
            try ws.users.setPasswordHash(user.id, hash)
            let ended = try ws.sessions.deleteAll(user: user.id)
            try ws.audit.record(actor: actor, action: "password_reset", summary: "reset the password of \(user.email); \(ended) session\(ended == 1 ? "" : "s") ended")
        }
        return (user, password)
    }

    /// How long an invite link is valid: 7 days.
    static let inviteLifetime: TimeInterval = 7 * 86400

    /// Invites `email` to join the workspace as `role`; returns the invite and the token
    /// of its link (`/invite/TOKEN`), shown once and stored as its SHA-256.
    func invite(workspace: WorkspaceID, email rawEmail: String, role: UserRole, actor: String = "cli",
                now: Date = Date()) throws -> (invite: InviteRecord, token: String) {
        guard let email = EmailAddress.normalize(rawEmail) else {
            throw Refusal(description: "'\(rawEmail)' is not an e-mail address")
        }
        let ws = try activeWorkspace(workspace)
        if try ws.users.find(email: email) != nil {
            throw Refusal(description: "a user with e-mail \(email) already exists in workspace \(workspace)")
        }
        let token = try Secrets.token()
        let expires = now.addingTimeInterval(Self.inviteLifetime)
        let invite = try ws.transaction { ws in
            let invite = try ws.invites.create(email: email, role: role, tokenHash: Secrets.hash(token), createdBy: actor, expiresAt: expires)
            try ws.audit.record(actor: actor, action: "user_invited",
                                summary: "invited \(email) as \(role.rawValue) (the link is valid until \(RFC3339.string(expires)))")
            return invite
        }
        return (invite, token)
    }

    /// The open invite of a link's token, or a refusal saying why it cannot be used.
    func openInvite(token: String, now: Date = Date()) throws -> InviteRecord {
        guard let (_, invite) = try store.invite(tokenHash: Secrets.hash(token)) else {
            throw Refusal(description: "no invite has this link")
        }
        guard invite.acceptedAt == nil else { throw Refusal(description: "this invite was used already; log in instead") }
        guard invite.expiresAt > now else { throw Refusal(description: "this invite expired; ask for a new one") }
        return invite
    }

    /// Accepts an invite: the invited person becomes a user with the password they chose.
    func acceptInvite(token: String, password: String, now: Date = Date()) throws -> UserRecord {
        let invite = try openInvite(token: token, now: now)
        guard password.count >= Self.minimumPasswordLength else {
            throw Refusal(description: "the password is shorter than \(Self.minimumPasswordLength) characters")
        }
        let ws = try activeWorkspace(invite.workspaceID)
        let hash = try hasher.hash(password)
        return try ws.transaction { ws in
            try ws.invites.markAccepted(invite.id, at: now)
            let user = try ws.users.create(email: invite.email, role: invite.role, passwordHash: hash)
            try ws.audit.record(actor: "user:\(user.id) \(user.email)", action: "invite_accepted",
                                summary: "\(user.email) joined as \(user.role.rawValue) (invited by \(invite.createdBy))")
            return user
        }
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
