import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// The store conformance suite: one mechanism for both backends. The suites written for
/// the store protocols take a backend (`init(backend:)`; the plain `init()` is SQLite), and
/// `PostgresStoreSuites.swift` runs the same test bodies on PostgreSQL in the same run:
///
///     swift test --filter SwitchboardStoreTests                        # both backends
///     scripts/with-postgres.sh swift test --skip-build --filter Postgres  # PostgreSQL's alone
///
/// A test of one backend's insides (SQLite's pool, FTS5 index, group commit, files,
/// migrations, claimer liveness in /proc) is not listed in `PostgresStoreSuites.swift`
/// (each suite there names what it leaves out), or lives in an SQLite-only suite
/// (MigrationTests, OpenErrorTests, WALWriteTests, ConnectionSettingsTests);
/// PostgresConnectionTests, PostgresMigrationTests and PostgresSeveralHostsTests are
/// PostgreSQL's own.
enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }
    var isSQLite: Bool { self == .sqlite }
}

/// A fresh store of `backend` with workspaces `a` and `b` synced: SQLite in `dir`, or a
/// new empty database on the test PostgreSQL (`TestPostgres`; a test fails, never skips,
/// when there is no server).
func makeStore(_ dir: TempDir, backend: StoreBackend = .sqlite, name: String = "switchboard.db",
               options: StoreOptions = testOptions()) throws -> any Store {
    let store = try openStore(dir, backend: backend, name: name, options: options)
    _ = try store.syncWorkspaces([definition("a"), definition("b")])
    return store
}

/// The PostgreSQL databases of the tests, by the test's `dir` and database `name`.
private let postgresDatabases = Mutex<[String: String]>([:])

/// Opens the database `name` of the test owning `dir` on `backend`: a new, empty and
/// migrated one at the first open, the same one at every later open (a reopen, or a
/// second host on the same database). SQLite: the file `name` in `dir`; PostgreSQL: a
/// fresh database of the test server per `dir` and `name`.
func openStore(_ dir: TempDir, backend: StoreBackend = .sqlite, name: String = "switchboard.db",
               options: StoreOptions = testOptions()) throws -> any Store {
    switch backend {
    case .sqlite:
        return try SQLiteStore(path: dir.file(name), options: options)
    case .postgres:
        let key = dir.file(name)
        let url = try postgresDatabases.withLock { known in
            if let url = known[key] { return url }
            let url = try TestPostgres.freshDatabase(prefix: "store")
            known[key] = url
            return url
        }
        return try PostgresStore(url: url, poolSize: 4, options: options)
    }
}

/// A second host on `store`'s database, whose claims name `claimer` (nil: the store itself).
func secondStore(_ store: any Store, claimer: Claimer?) throws -> any Store {
    var options = testOptions()
    options.claimer = claimer
    return try reopen(store, options: options)
}

/// Waits until a search finds every committed message: SQLite indexes in the background
/// (`waitForSearchIndex`); PostgreSQL's index is written with each commit.
func waitForSearchIndex(_ store: any Store, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
    if let sqlite = store as? SQLiteStore { waitForSearchIndex(sqlite, seconds: seconds, sourceLocation: sourceLocation) }
}

/// The SQLite store behind `store`, for the tests of SQLite's own machinery (its
/// background indexing, its group commit).
/// (Not throwing: these tests are not run on another backend, see `StoreBackend`.)
func sqlite(_ store: any Store) -> SQLiteStore { store as! SQLiteStore }

/// Runs `statements` (SQL both backends read, `?` parameters) in one write of `store`,
/// joining the caller's transaction if it is in one: what a test does to set up rows
/// the store's API would not write (an unknown enum value, a broken profile).
func rawSQL(_ store: any Store, _ statements: [String], _ values: [any SQLiteBindable] = []) throws {
    if let s = store as? SQLiteStore {
        try s.pool.write { db in for sql in statements { try db.run(sql, values) } }
    } else if let p = store as? PostgresStore {
        try p.pool.write { db in for sql in statements { try db.run(sql, values) } }
    }
}

/// Runs `statements` like `rawSQL(store:)`, inside the transaction whose handle is `tx`.
func rawSQL(_ tx: any StoreTransaction, _ statements: [String], _ values: [any SQLiteBindable] = []) throws {
    if let s = tx as? SQLiteStoreTransaction {
        try s.context.use { db in for sql in statements { try db.run(sql, values) } }
    } else if let p = tx as? PostgresStoreTransaction {
        try p.held.use { db in for sql in statements { try db.run(sql, values) } }
    }
}

/// Runs `statements` like `rawSQL(store:)`, through the workspace store `ws` (inside its
/// transaction when it was reached through a transaction's handle).
func rawSQL(_ ws: any WorkspaceStore, _ statements: [String], _ values: [any SQLiteBindable] = []) throws {
    if let s = ws as? SQLiteWorkspaceStore {
        try s.scope.write { db in for sql in statements { try db.run(sql, values) } }
    } else if let p = ws as? PostgresWorkspaceStore {
        try p.scope.write { db in for sql in statements { try db.run(sql, values) } }
    }
}

/// Another store on the same database as `store` (another process, or a restart).
func reopen(_ store: any Store, options: StoreOptions = testOptions()) throws -> any Store {
    if let p = store as? PostgresStore { return try PostgresStore(url: p.pool.url, poolSize: 4, options: options) }
    return try SQLiteStore(path: sqlite(store).path, options: options)
}
