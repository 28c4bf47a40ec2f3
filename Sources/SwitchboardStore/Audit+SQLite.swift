import Foundation
import SwitchboardCore

/// The `audit_log` table, bound to one workspace, or to the host's own entries
/// (`workspace_id IS NULL`) when `workspaceID` is nil.
struct SQLiteAuditRepository: AuditRepository {
    let store: SQLiteStore
    let workspaceID: WorkspaceID?
    /// The transaction whose handle this was reached through (nil: each call its own).
    var tx: SQLiteTransactionContext? = nil

    static let columns = "id, workspace_id, at, actor, action, summary"

    static func read(_ r: SQLiteRow) -> AuditEntry {
        AuditEntry(id: r.int64(0), workspaceID: r.optionalString(1).map { WorkspaceID($0) }, at: r.date(2),
                   actor: r.string(3), action: r.string(4), summary: r.string(5))
    }

    @discardableResult
    func record(actor: String, action: String, summary: String) throws -> AuditEntry {
        try store.write(tx) { db in
            let now = store.now()
            _ = try db.run("INSERT INTO audit_log (workspace_id, at, actor, action, summary) VALUES (?, ?, ?, ?, ?)",
                           [workspaceID?.rawValue, now, actor, action, summary])
            let id = try db.queryOne("SELECT last_insert_rowid()") { $0.int64(0) } ?? 0
            return AuditEntry(id: id, workspaceID: workspaceID, at: now, actor: actor, action: action, summary: summary)
        }
    }

    func list(before: Int64?, limit: Int) throws -> [AuditEntry] {
        try store.read(tx) { db in
            let scope = workspaceID == nil ? "workspace_id IS NULL" : "workspace_id = ?"
            var values: [any SQLiteBindable] = workspaceID.map { [$0.rawValue] } ?? []
            values.append(before ?? Int64.max)
            values.append(max(0, limit))
            return try db.query("SELECT \(Self.columns) FROM audit_log WHERE \(scope) AND id < ? ORDER BY id DESC LIMIT ?",
                                values, Self.read)
        }
    }
}
