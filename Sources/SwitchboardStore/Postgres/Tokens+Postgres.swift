import Foundation
import SwitchboardCore

struct PostgresTokenRepository: TokenRepository {
    let scope: PostgresScope

    static let columns = "id, workspace_id, name, created_at, last_used_at, role, expires_at"

    static func read(_ r: PostgresRow) throws(StoreError) -> TokenRecord {
        TokenRecord(id: r.string(0), workspaceID: WorkspaceID(r.string(1)), name: r.string(2),
                    createdAt: r.date(3), lastUsedAt: r.optionalDate(4),
                    role: try r.enumValue(5, UserRole.self), expiresAt: r.optionalDate(6))
    }

    func create(name: String, tokenHash: String, role: UserRole, expiresAt: Date?) throws -> TokenRecord {
        try scope.write { db in
            let now = scope.now()
            let token = TokenRecord(id: scope.newID("tok", now), workspaceID: scope.workspaceID, name: name,
                                    createdAt: now, lastUsedAt: nil, role: role, expiresAt: expiresAt)
            try db.run(
                "INSERT INTO api_tokens (id, workspace_id, name, token_hash, created_at, last_used_at, role, expires_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                [token.id, token.workspaceID, token.name, tokenHash, token.createdAt, token.role.rawValue, token.expiresAt])
            return token
        }
    }

    func get(_ id: String) throws -> TokenRecord? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM api_tokens WHERE workspace_id = ? AND id = ?",
                            [scope.workspaceID, id], Self.read)
        }
    }

    func list() throws -> [TokenRecord] {
        try scope.read { db in
            try db.query("SELECT \(Self.columns) FROM api_tokens WHERE workspace_id = ? ORDER BY created_at, id",
                         [scope.workspaceID], Self.read)
        }
    }

    func markUsed(_ id: String, at: Date) throws {
        try scope.write { db in
            let changed = try db.run("UPDATE api_tokens SET last_used_at = ? WHERE workspace_id = ? AND id = ?",
                                     [at, scope.workspaceID, id])
            guard changed > 0 else { throw scope.notFound("token", id) }
        }
    }

    @discardableResult
    func revoke(_ id: String) throws -> Bool {
        try scope.write { db in
            try db.run("DELETE FROM api_tokens WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id]) > 0
        }
    }
}
