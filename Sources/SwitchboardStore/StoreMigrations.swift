import Foundation

/// Where a database stands against this program's migrations (`switchboard migrate`).
public struct SchemaVersions: Sendable, Equatable, CustomStringConvertible {
    /// The version the database is at (0: empty, or a SQLite file not created yet).
    public let current: Int
    /// The version this program migrates to.
    public let latest: Int

    /// Migrations this program would apply.
    public var pending: Int { max(0, latest - current) }

    public var description: String { "schema version \(current), this switchboard's is \(latest)" }
}

/// Reads and applies the schema migrations of a store without running it: the work of
/// `switchboard migrate`. A store opened with `StoreOptions.migrate` (the default)
/// migrates itself as well; with it off, opening a database that has migrations pending
/// fails with an error naming `switchboard migrate`.
public enum StoreMigrations {
    /// The SQLite file's versions. Reads only: a file that does not exist is version 0
    /// and is not created.
    public static func versions(sqlite path: String) throws(StoreError) -> SchemaVersions {
        guard FileManager.default.fileExists(atPath: path) else {
            return SchemaVersions(current: 0, latest: SQLiteSchema.latestVersion)
        }
        let db = try SQLiteConnection(path: path, readOnly: true, options: StoreOptions())
        let hasTable = try db.queryOne(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") { $0.int64(0) } ?? 0
        let current = hasTable == 0 ? 0 : Int(try db.queryOne("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int64(0) } ?? 0)
        return SchemaVersions(current: current, latest: SQLiteSchema.latestVersion)
    }

    /// The PostgreSQL database's versions. `setting` names where the URL came from, for
    /// errors (`storage.postgres: cannot connect: ...`).
    public static func versions(postgres url: String, setting: String = "storage.postgres") throws(StoreError) -> SchemaVersions {
        let pool = PostgresPool(url: url, setting: setting, size: 1)
        defer { pool.close() }
        do {
            let current = try pool.withConnection { db in
                let exists = try db.queryOne("SELECT to_regclass('schema_migrations') IS NOT NULL") { $0.string(0) == "t" } ?? false
                return exists ? Int(try db.queryOne("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int64(0) } ?? 0) : 0
            }
            return SchemaVersions(current: current, latest: PostgresSchema.latestVersion)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "\(error)", path: pool.displayURL)
        }
    }

    /// The error a store opened with `StoreOptions.migrate` off gives when migrations are
    /// pending.
    static func pendingError(current: Int, target: Int, path: String) -> StoreError {
        StoreError(.migration,
                   "database schema is version \(current), this switchboard needs \(target) (\(target - current) migration\(target - current == 1 ? "" : "s") pending); run `switchboard migrate` first, or set storage.migrate_on_start: true",
                   path: path)
    }

    static func newerError(current: Int, latest: Int, path: String) -> StoreError {
        StoreError(.migration, "database schema is version \(current), newer than this switchboard knows (\(latest)); upgrade switchboard",
                   path: path)
    }
}
