import Foundation
import SwitchboardCore

struct SQLitePluginStateRepository: PluginStateRepository {
    let scope: SQLiteScope

    func get(plugin: String, key: String) throws -> [UInt8]? {
        try scope.read { db in
            try db.queryOne(
                "SELECT value FROM plugin_state WHERE workspace_id = ? AND plugin = ? AND key = ?",
                [scope.workspaceID, plugin, key], { $0.blob(0) })
        }
    }

    func set(plugin: String, key: String, value: [UInt8]) throws {
        try scope.write { db in
            _ = try db.run(
                """
                INSERT INTO plugin_state (workspace_id, plugin, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                [scope.workspaceID, plugin, key, value, scope.now()])
        }
    }

    @discardableResult
    func delete(plugin: String, key: String) throws -> Bool {
        try scope.write { db in
            try db.run(
                "DELETE FROM plugin_state WHERE workspace_id = ? AND plugin = ? AND key = ?",
                [scope.workspaceID, plugin, key]) > 0
        }
    }

    /// Read and written in one transaction of the single writer: atomic.
    func add(plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64? {
        try scope.write { db in
            let stored = try db.queryOne(
                "SELECT value FROM plugin_state WHERE workspace_id = ? AND plugin = ? AND key = ?",
                [scope.workspaceID, plugin, key], { $0.blob(0) })
            var total: Int64 = 0
            if let stored {
                guard let value = Int64(String(decoding: stored, as: UTF8.self)) else {
                    throw StoreError(.unreadable, "plugin state \(plugin)/\(key) is not an integer", path: scope.path)
                }
                total = value
            }
            let (sum, overflow) = total.addingReportingOverflow(delta)
            if overflow { throw StoreError(.unreadable, "plugin state \(plugin)/\(key) would overflow", path: scope.path) }
            if let ceiling, sum > ceiling { return nil }
            _ = try db.run(
                """
                INSERT INTO plugin_state (workspace_id, plugin, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                [scope.workspaceID, plugin, key, Array(String(sum).utf8), scope.now()])
            return sum
        }
    }

    func keys(plugin: String) throws -> [String] {
        try scope.read { db in
            try db.query(
                "SELECT key FROM plugin_state WHERE workspace_id = ? AND plugin = ? ORDER BY key",
                [scope.workspaceID, plugin], { $0.string(0) })
        }
    }
}
