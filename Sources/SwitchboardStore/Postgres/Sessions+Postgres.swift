import Foundation
import SwitchboardCore

struct PostgresSessionRepository: SessionRepository {
    let scope: PostgresScope

    static let columns = "id_hash, workspace_id, user_id, csrf_token, created_at, expires_at"

    static func read(_ r: PostgresRow) -> SessionRecord {
        SessionRecord(idHash: r.string(0), workspaceID: WorkspaceID(r.string(1)), userID: r.string(2),
                      csrfToken: r.string(3), createdAt: r.date(4), expiresAt: r.date(5))
    }

    func create(idHash: String, userID: String, csrfToken: String, expiresAt: Date) throws -> SessionRecord {
        try scope.write { db in
            let session = SessionRecord(idHash: idHash, workspaceID: scope.workspaceID, userID: userID,
                                        csrfToken: csrfToken, createdAt: scope.now(),
                                        expiresAt: expiresAt.truncatedToMilliseconds)
            try db.run(
                "INSERT INTO sessions (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?)",
                [session.idHash, session.workspaceID, session.userID, session.csrfToken, session.createdAt, session.expiresAt])
            return session
        }
    }

    @discardableResult
    func delete(idHash: String) throws -> Bool {
        try scope.write { db in
            try db.run("DELETE FROM sessions WHERE workspace_id = ? AND id_hash = ?", [scope.workspaceID, idHash]) > 0
        }
    }

    @discardableResult
    func deleteAll(user: String) throws -> Int {
        try scope.write { db in
            try db.run("DELETE FROM sessions WHERE workspace_id = ? AND user_id = ?", [scope.workspaceID, user])
        }
    }

    @discardableResult
    func deleteExpired(now: Date) throws -> Int {
        try scope.write { db in
            try db.run("DELETE FROM sessions WHERE workspace_id = ? AND expires_at <= ?", [scope.workspaceID, now])
        }
    }

    func list(user: String) throws -> [SessionRecord] {
        try scope.read { db in
            try db.query(
                "SELECT \(Self.columns) FROM sessions WHERE workspace_id = ? AND user_id = ? ORDER BY created_at DESC, id_hash",
                [scope.workspaceID, user], Self.read)
        }
    }
}
