import CSQLite
import Foundation
import SwitchboardCore

/// What every SQLite repository of one workspace holds: the workspace id that each of
/// its queries binds, and the store's connections and clock.
struct SQLiteScope: Sendable {
    let workspaceID: WorkspaceID
    let store: SQLiteStore

    var path: String { store.path }
    func now() -> Date { store.now() }

    func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try store.pool.read(body)
    }

    /// A write transaction; a foreign-key failure is reported in terms of workspaces.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        do {
            return try store.pool.write(body)
        } catch let error as StoreError where error.sqliteCode == Self.foreignKeyConstraint {
            throw StoreError(
                .constraint,
                "workspace \(workspaceID) is not stored (not synced from config?), or a referenced row is not in it",
                path: path, sqliteCode: error.sqliteCode)
        }
    }

    /// `SQLITE_CONSTRAINT_FOREIGNKEY`, a macro Swift does not import.
    static let foreignKeyConstraint: Int32 = SQLITE_CONSTRAINT | (3 << 8)

    func notFound(_ what: String, _ id: CustomStringConvertible) -> StoreError {
        StoreError(.notFound, "\(what) \(id) not found in workspace \(workspaceID)", path: path)
    }

    func newID(_ prefix: String, _ at: Date) -> String {
        IDGenerator.make(prefix, milliseconds: UInt64(max(0, at.millisecondsSince1970)))
    }
}
