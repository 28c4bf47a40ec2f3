import Foundation
import SwitchboardCore

/// The connection of one open SQLite transaction, carried by its handle and by every
/// repository reached through it (`SQLiteScope.tx`): their calls run on the writer
/// connection inside that transaction, on whichever thread makes them (the body's, the
/// writer thread, or one the body handed work to and waits for), one call at a time.
final class SQLiteTransactionContext: @unchecked Sendable {
    let db: SQLiteConnection
    let path: String
    /// One call at a time on the connection (recursive: a repository call may make another
    /// through the same transaction).
    private let lock = NSRecursiveLock()
    private var open = true
    /// The first error a call threw after changing rows: the whole transaction fails with
    /// it at its end, even if the body caught it (calls have no savepoint of their own).
    private(set) var doomed: (any Error)?

    init(db: SQLiteConnection, path: String) {
        self.db = db
        self.path = path
    }

    /// Runs `body` on the transaction's connection; fails with `misuse` once the
    /// transaction has ended.
    func use<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard open else {
            throw StoreError(.misuse, "the transaction has ended: its handle was used after its body returned", path: path)
        }
        let changesBefore = db.totalChanges
        do {
            return try body(db)
        } catch {
            if doomed == nil && db.totalChanges != changesBefore { doomed = error }
            throw error
        }
    }

    /// Ends the handle's use (waits for a call in progress on another thread).
    func end() {
        lock.lock()
        open = false
        lock.unlock()
    }
}

/// `StoreTransaction` on SQLite: the store's repositories bound to one transaction's
/// connection.
struct SQLiteStoreTransaction: StoreTransaction {
    let store: SQLiteStore
    let context: SQLiteTransactionContext

    func workspace(_ id: WorkspaceID) -> any WorkspaceStore {
        SQLiteWorkspaceStore(scope: SQLiteScope(workspaceID: id, store: store, tx: context))
    }
    func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try store.workspaceOwning(channel: channel, providerMessageID: providerMessageID, tx: context)
    }
    var queue: any QueueStore { SQLiteQueueStore(store: store, tx: context) }
    var templates: any TemplateStore { SQLiteTemplateStore(store: store, tx: context) }
    var channelStatus: any ChannelStatusRepository { SQLiteChannelStatusRepository(store: store, tx: context) }
    func workspaces() throws -> [Workspace] { try store.workspaces(tx: context) }
    func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)? {
        try store.authenticate(tokenHash: tokenHash, tx: context)
    }
    func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)? {
        try store.authenticate(sessionHash: sessionHash, tx: context)
    }
    var hostAudit: any AuditRepository { SQLiteAuditRepository(store: store, workspaceID: nil, tx: context) }
    func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)? { try store.invite(tokenHash: tokenHash, tx: context) }
    var operators: any OperatorRepository { SQLiteOperatorRepository(store: store, tx: context) }
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try body(self) }
}

extension SQLiteStore {
    /// Reads on the transaction's connection, or (nil) on a reader of the pool.
    func read<T>(_ tx: SQLiteTransactionContext?, _ body: (SQLiteConnection) throws -> T) throws -> T {
        if let tx { return try tx.use(body) }
        return try pool.read(body)
    }

    /// Writes on the transaction's connection, or (nil) as a write of its own.
    func write<T>(_ tx: SQLiteTransactionContext?, _ body: (SQLiteConnection) throws -> T) throws -> T {
        if let tx { return try tx.use(body) }
        return try pool.write(body)
    }

    /// Runs a transaction's body with its handle on `db` (the writer, inside the unit's
    /// savepoint): fails, undoing the body's writes, when a call through the handle failed
    /// after changing rows.
    func runTransaction<T>(on db: SQLiteConnection, _ body: (any StoreTransaction) throws -> T) throws -> T {
        let context = SQLiteTransactionContext(db: db, path: path)
        defer { context.end() }
        let value = try body(SQLiteStoreTransaction(store: self, context: context))
        context.end()
        if let doomed = context.doomed { throw doomed }
        return value
    }
}
