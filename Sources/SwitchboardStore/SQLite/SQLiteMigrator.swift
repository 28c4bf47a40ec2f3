import Foundation
import SwitchboardLog

/// Brings a database up to a schema version, one migration per transaction.
///
/// Each step takes the write lock (`BEGIN IMMEDIATE`) and reads the version inside it,
/// so two processes starting on the same file at once apply each migration once.
enum SQLiteMigrator {
    struct Outcome: Equatable {
        let from: Int
        let to: Int
    }

    static func currentVersion(_ db: SQLiteConnection) throws(StoreError) -> Int {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """)
        return Int(try db.queryOne("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int64(0) } ?? 0)
    }

    @discardableResult
    static func migrate(
        _ db: SQLiteConnection, to target: Int = SQLiteSchema.latestVersion,
        now: () -> Date, logger: Logger?
    ) throws(StoreError) -> Outcome {
        let start = try currentVersion(db)
        if start > SQLiteSchema.latestVersion {
            throw StoreError(
                .migration,
                "database schema is version \(start), newer than this switchboard knows (\(SQLiteSchema.latestVersion)); upgrade switchboard",
                path: db.path)
        }
        var version = start
        while version < target {
            do {
                version = try db.transaction(immediate: true) { () throws(StoreError) -> Int in
                    let current = try currentVersion(db)
                    guard current < target else { return current }
                    let migration = SQLiteSchema.migrations[current] // versions are 1...n in order
                    precondition(migration.version == current + 1, "migrations must be numbered 1, 2, 3, ...")
                    try db.execute(migration.sql)
                    try db.run(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        [migration.version, migration.name, now()])
                    try db.execute("PRAGMA user_version = \(migration.version)")
                    logger?.info("schema migrated", ["version": String(migration.version), "name": migration.name])
                    return migration.version
                }
            } catch let error as StoreError {
                let name = SQLiteSchema.migrations[min(version, SQLiteSchema.migrations.count - 1)].name
                // Errors opening or locking the file keep their own code; a failing script is a migration error.
                if error.code == .sqlite || error.code == .constraint {
                    throw StoreError(.migration, "migration \(version + 1) (\(name)) failed: \(error.message)", path: db.path, sqliteCode: error.sqliteCode)
                }
                throw error
            } catch {
                throw StoreError(.migration, "migration \(version + 1) failed: \(error)", path: db.path)
            }
        }
        return Outcome(from: start, to: version)
    }
}
