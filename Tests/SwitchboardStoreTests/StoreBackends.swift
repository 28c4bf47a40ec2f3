import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// The store's implementations the shared store tests run against: the suites written
/// for the store protocols take a backend (`init(backend:)`), run on SQLite by default,
/// and `PostgresStoreSuites.swift` runs the same test bodies on PostgreSQL.
enum StoreBackend: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// A fresh store of `backend` with workspaces `a` and `b` synced: SQLite in `dir`, or a
/// new empty database on the test PostgreSQL (`TestPostgres`; a test fails, never skips,
/// when there is no server).
func makeStore(_ dir: TempDir, backend: StoreBackend, options: StoreOptions = testOptions()) throws -> any Store {
    let store = try openStore(dir, backend: backend, options: options)
    _ = try store.syncWorkspaces([definition("a"), definition("b")])
    return store
}

/// A fresh, empty store of `backend` (nothing synced).
func openStore(_ dir: TempDir, backend: StoreBackend, options: StoreOptions = testOptions()) throws -> any Store {
    switch backend {
    case .sqlite:
        return try SQLiteStore(path: dir.file("switchboard.db"), options: options)
    case .postgres:
        return try PostgresStore(url: try TestPostgres.freshDatabase(prefix: "store"), poolSize: 4, options: options)
    }
}

/// Waits until a search finds every committed message: SQLite indexes in the background
/// (`waitForSearchIndex`); PostgreSQL's index is written with each commit.
func waitForSearchIndex(_ store: any Store, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
    if let sqlite = store as? SQLiteStore { waitForSearchIndex(sqlite, seconds: seconds, sourceLocation: sourceLocation) }
}

/// The SQLite store behind `store`, for the tests of SQLite's own machinery (its
/// background indexing, its group commit).
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

/// Another store on the same database as `store` (another process, or a restart).
func reopen(_ store: any Store, options: StoreOptions = testOptions()) throws -> any Store {
    if let p = store as? PostgresStore { return try PostgresStore(url: p.pool.url, poolSize: 4, options: options) }
    return try SQLiteStore(path: sqlite(store).path, options: options)
}
