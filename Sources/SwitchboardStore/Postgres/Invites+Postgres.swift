import Foundation
import SwitchboardCore

struct PostgresInviteRepository: InviteRepository {
    let scope: PostgresScope

    static let columns = "id, workspace_id, email, role, created_by, created_at, expires_at, accepted_at"

    static func read(_ r: PostgresRow) throws(StoreError) -> InviteRecord {
        InviteRecord(id: r.string(0), workspaceID: WorkspaceID(r.string(1)), email: r.string(2),
                     role: try r.enumValue(3, UserRole.self), createdBy: r.string(4), createdAt: r.date(5),
                     expiresAt: r.date(6), acceptedAt: r.optionalDate(7))
    }

    func create(email: String, role: UserRole, tokenHash: String, createdBy: String, expiresAt: Date) throws -> InviteRecord {
        try scope.write { db in
            let now = scope.now()
            let invite = InviteRecord(id: scope.newID("inv", now), workspaceID: scope.workspaceID, email: email, role: role,
                                      createdBy: createdBy, createdAt: now, expiresAt: expiresAt, acceptedAt: nil)
            _ = try db.run("INSERT INTO invites (\(Self.columns), token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                           [invite.id, invite.workspaceID, email, role.rawValue, createdBy, now, expiresAt, tokenHash])
            return invite
        }
    }

    func list() throws -> [InviteRecord] {
        try scope.read { db in
            try db.query("SELECT \(Self.columns) FROM invites WHERE workspace_id = ? ORDER BY created_at DESC, id DESC",
                         [scope.workspaceID], Self.read)
        }
    }

    func markAccepted(_ id: String, at: Date) throws {
        try scope.write { db in
            let changed = try db.run("UPDATE invites SET accepted_at = ? WHERE workspace_id = ? AND id = ? AND accepted_at IS NULL",
                                     [at, scope.workspaceID, id])
            guard changed > 0 else { throw scope.notFound("open invite", id) }
        }
    }
}
