import CSQLite
import Foundation
import SwitchboardCore

/// What every SQLite repository of one workspace holds: the workspace id that each of
/// its queries binds, the store's connections and clock, and the transaction whose
/// handle it was reached through (nil: each call is its own transaction).
struct SQLiteScope: Sendable {
    let workspaceID: WorkspaceID
    let store: SQLiteStore
    var tx: SQLiteTransactionContext? = nil

    var path: String { store.path }
    func now() -> Date { store.now() }

    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try store.read(tx, body)
    }

    /// A write transaction; a foreign-key failure is reported in terms of workspaces.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        do {
            return try store.write(tx, body)
        } catch let error as StoreError where error.sqliteCode == Self.foreignKeyConstraint {
            throw StoreError(
                .constraint,
                "workspace \(workspaceID) is not stored (not synced from config?), or a referenced row is not in it",
                path: path, sqliteCode: error.sqliteCode)
        }
    }

    /// This scope inside the write running `body` on `db` (a repository call that makes
    /// another of this workspace inside its own write).
    func within(_ db: SQLiteConnection) -> SQLiteScope {
        var scope = self
        if scope.tx == nil { scope.tx = SQLiteTransactionContext(db: db, path: path) }
        return scope
    }

    /// `SQLITE_CONSTRAINT_FOREIGNKEY`, a macro Swift does not import.
    static let foreignKeyConstraint: Int32 = SQLITE_CONSTRAINT | (3 << 8)

    func notFound(_ what: String, _ id: CustomStringConvertible) -> StoreError {
        StoreError(.notFound, "\(what) \(id) not found in workspace \(workspaceID)", path: path)
    }

    func newID(_ prefix: String, _ at: Date) -> String {
        var random = SQLiteRandom()
        return IDGenerator.make(prefix, milliseconds: UInt64(max(0, at.millisecondsSince1970)), random: &random)
    }
}

/// SQLite's own generator (ChaCha20, seeded from the kernel once) for the random part of
/// row ids: the system generator costs a `getrandom` call per draw, about eight per
/// message on the writer thread (bench/README, issue 10 item 6).
struct SQLiteRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { sqlite3_randomness(Int32($0.count), $0.baseAddress) }
        return value
    }
}
