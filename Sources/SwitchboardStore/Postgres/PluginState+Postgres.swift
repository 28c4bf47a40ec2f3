import Foundation
import SwitchboardCore

struct PostgresPluginStateRepository: PluginStateRepository {
    let scope: PostgresScope

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

    /// One statement: the row's lock orders concurrent adds of several hosts, and the
    /// ceiling is checked against the latest committed total. A new key is inserted only
    /// when `delta` alone is within the ceiling.
    func add(plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64? {
        do {
            return try scope.write { db in
                try db.queryOne(
                    """
                    INSERT INTO plugin_state AS p (workspace_id, plugin, key, value, updated_at)
                    SELECT ?1, ?2, ?3, convert_to(?4::bigint::text, 'UTF8'), ?6::bigint
                    WHERE ?5::bigint IS NULL OR ?4::bigint <= ?5::bigint
                    ON CONFLICT (workspace_id, plugin, key) DO UPDATE SET
                        value = convert_to((convert_from(p.value, 'UTF8')::bigint + ?4::bigint)::text, 'UTF8'),
                        updated_at = ?6::bigint
                    WHERE ?5::bigint IS NULL OR convert_from(p.value, 'UTF8')::bigint + ?4::bigint <= ?5::bigint
                    RETURNING convert_from(value, 'UTF8')::bigint
                    """,
                    [scope.workspaceID, plugin, key, delta, ceiling, scope.now()], { $0.int64(0) })
            }
        } catch let error as StoreError where ["22P02", "22003"].contains(error.sqlState ?? "") {
            throw StoreError(.unreadable, "plugin state \(plugin)/\(key) is not an integer: \(error.message)", path: error.path)
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
