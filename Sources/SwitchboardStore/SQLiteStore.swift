import Foundation
import SwitchboardCore
import SwitchboardLog

/// The embedded store: one SQLite file in WAL mode, migrated to the latest schema when
/// opened. Thread-safe (see `SQLitePool` for how connections are shared).
public final class SQLiteStore: Store {
    public let path: String
    let pool: SQLitePool
    let options: StoreOptions

    /// Opens or creates the database at `path` and migrates it. Fails with a one-line
    /// `StoreError` for a missing directory, an unwritable file or directory, a file that
    /// is not a database, or a schema newer than this program.
    public convenience init(path: String, options: StoreOptions = StoreOptions()) throws(StoreError) {
        try self.init(path: path, options: options, schemaVersion: SQLiteSchema.latestVersion)
    }

    /// Opens the database migrated only up to `schemaVersion` (tests of old versions).
    init(path: String, options: StoreOptions, schemaVersion: Int) throws(StoreError) {
        self.path = path
        self.options = options
        pool = try SQLitePool(path: path, options: options)
        let clock = options.clock
        let logger = options.logger?.with("database", path)
        do {
            // Several processes opening a new file at once queue for the migration lock;
            // under load one may wait past the busy timeout: it tries again (the
            // migrator re-reads the version inside the lock), for up to 6 timeouts.
            var attempt = 0
            while true {
                do {
                    _ = try pool.withWriter { db in
                        try SQLiteMigrator.migrate(db, to: schemaVersion, now: clock, logger: logger)
                    }
                    break
                } catch let error as StoreError where error.code == .busy && attempt < 5 {
                    attempt += 1
                    logger?.warn("database busy while migrating; trying again", ["attempt": String(attempt)])
                }
            }
        } catch let error as StoreError {
            pool.close()
            throw error
        } catch {
            pool.close()
            throw StoreError(.migration, "\(error)", path: path)
        }
    }

    /// The schema version the database is at.
    var schemaVersion: Int {
        get throws { try pool.read { db in try SQLiteMigrator.currentVersion(db) } }
    }

    func now() -> Date { options.clock().truncatedToMilliseconds }

    public func workspace(_ id: WorkspaceID) -> any WorkspaceStore {
        SQLiteWorkspaceStore(scope: SQLiteScope(workspaceID: id, store: self))
    }

    public var queue: any QueueStore { SQLiteQueueStore(store: self) }

    public func workspaces() throws -> [Workspace] {
        try pool.read { db in
            try db.query("SELECT \(SQLiteWorkspaceStore.columns) FROM workspaces ORDER BY id", [], SQLiteWorkspaceStore.read)
        }
    }

    public func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try pool.read { db in
            try db.queryOne(
                "SELECT workspace_id FROM messages WHERE channel_id = ? AND provider_message_id = ?",
                [channel, providerMessageID]) { WorkspaceID($0.string(0)) }
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try pool.write { _ in try body() }
    }

    public func transactionAsync(_ body: @escaping @Sendable () throws -> Void,
                                 completion: @escaping @Sendable ((any Error)?) -> Void) {
        pool.writeAsync({ _ in try body() }, completion: completion)
    }

    public func close() { pool.close() }
}
