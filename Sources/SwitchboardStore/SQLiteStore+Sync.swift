import Foundation
import SwitchboardCore
import SwitchboardLog

extension SQLiteStore {
    public func syncWorkspaces(_ configured: [WorkspaceDefinition]) throws -> SyncReport {
        var seen = Set<WorkspaceID>()
        for definition in configured where !seen.insert(definition.id).inserted {
            throw StoreError(.constraint, "workspace \(definition.id) is configured twice", path: path)
        }
        let report = try pool.write { db in
            var report = SyncReport()
            let stored = try db.query("SELECT \(SQLiteWorkspaceStore.columns) FROM workspaces", [], SQLiteWorkspaceStore.read)
            let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let now = self.now()

            func journal(_ id: WorkspaceID, _ change: String, _ extra: [String: String]) throws {
                var detail = extra
                detail["change"] = change
                _ = try SQLiteEventRepository.append(
                    db, SQLiteScope(workspaceID: id, store: self), NewEvent(.workspaceSynced, detail: detail))
            }

            for definition in configured {
                guard let existing = byID[definition.id] else {
                    try db.run(
                        "INSERT INTO workspaces (\(SQLiteWorkspaceStore.columns)) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
                        [definition.id, definition.name, definition.region, definition.timezone,
                         definition.configHash, now, now])
                    try journal(definition.id, "created", ["config_hash": definition.configHash])
                    report.created.append(definition.id)
                    continue
                }
                var changed: [String] = []
                if existing.name != definition.name { changed.append("name") }
                if existing.region != definition.region { changed.append("region") }
                if existing.timezone != definition.timezone { changed.append("timezone") }
                if existing.configHash != definition.configHash { changed.append("config_hash") }
                if !existing.active { changed.append("active") }
                guard !changed.isEmpty else {
                    report.unchanged.append(definition.id)
                    continue
                }
                try db.run(
                    """
                    UPDATE workspaces SET name = ?, region = ?, timezone = ?, config_hash = ?, active = 1, updated_at = ?
                    WHERE id = ?
                    """,
                    [definition.name, definition.region, definition.timezone, definition.configHash, now, definition.id])
                try journal(
                    definition.id, existing.active ? "updated" : "reactivated",
                    ["fields": changed.joined(separator: ","), "config_hash": definition.configHash])
                report.updated.append(definition.id)
            }
            for workspace in stored where workspace.active && !seen.contains(workspace.id) {
                try db.run("UPDATE workspaces SET active = 0, updated_at = ? WHERE id = ?", [now, workspace.id])
                try journal(workspace.id, "deactivated", [:])
                report.deactivated.append(workspace.id)
            }
            return report
        }
        if let logger = options.logger {
            for id in report.created { logger.info("workspace created", [LogKey.workspace: id.rawValue]) }
            for id in report.updated { logger.info("workspace updated", [LogKey.workspace: id.rawValue]) }
            for id in report.deactivated { logger.info("workspace deactivated", [LogKey.workspace: id.rawValue]) }
        }
        return report
    }
}
