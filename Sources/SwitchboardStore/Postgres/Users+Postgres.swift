import Foundation
import SwitchboardCore

struct PostgresUserRepository: UserRepository {
    let scope: PostgresScope

    static let columns = "id, workspace_id, email, role, password_hash, created_at"

    static func read(_ r: PostgresRow) throws(StoreError) -> UserRecord {
        UserRecord(
            id: r.string(0), workspaceID: WorkspaceID(r.string(1)), email: r.string(2),
            role: try r.enumValue(3, UserRole.self), passwordHash: r.string(4), createdAt: r.date(5))
    }

    func create(email: String, role: UserRole, passwordHash: String) throws -> UserRecord {
        try scope.write { db in
            if try db.queryOne("SELECT 1 FROM users WHERE workspace_id = ? AND email = ?",
                               [scope.workspaceID, email], { _ in true }) != nil {
                throw StoreError(.constraint, "a user with e-mail \(email) already exists in workspace \(scope.workspaceID)",
                                 path: scope.path)
            }
            let now = scope.now()
            let user = UserRecord(id: scope.newID("usr", now), workspaceID: scope.workspaceID, email: email,
                                  role: role, passwordHash: passwordHash, createdAt: now)
            try db.run(
                "INSERT INTO users (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?)",
                [user.id, user.workspaceID, user.email, user.role.rawValue, user.passwordHash, user.createdAt])
            return user
        }
    }

    func get(_ id: String) throws -> UserRecord? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM users WHERE workspace_id = ? AND id = ?",
                            [scope.workspaceID, id], Self.read)
        }
    }

    func find(email: String) throws -> UserRecord? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM users WHERE workspace_id = ? AND email = ?",
                            [scope.workspaceID, email], Self.read)
        }
    }

    func list() throws -> [UserRecord] {
        try scope.read { db in
            try db.query("SELECT \(Self.columns) FROM users WHERE workspace_id = ? ORDER BY created_at, id",
                         [scope.workspaceID], Self.read)
        }
    }

    func setPasswordHash(_ id: String, _ passwordHash: String) throws {
        try scope.write { db in
            let changed = try db.run("UPDATE users SET password_hash = ? WHERE workspace_id = ? AND id = ?",
                                     [passwordHash, scope.workspaceID, id])
            guard changed > 0 else { throw scope.notFound("user", id) }
        }
    }

    func setRole(_ id: String, _ role: UserRole) throws {
        try scope.write { db in
            let changed = try db.run("UPDATE users SET role = ? WHERE workspace_id = ? AND id = ?",
                                     [role.rawValue, scope.workspaceID, id])
            guard changed > 0 else { throw scope.notFound("user", id) }
        }
    }

    @discardableResult
    func delete(_ id: String) throws -> Bool {
        try scope.write { db in
            // Sessions go with the user (ON DELETE CASCADE).
            try db.run("DELETE FROM users WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id]) > 0
        }
    }
}
