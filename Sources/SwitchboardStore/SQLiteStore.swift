import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import SwitchboardCore
import SwitchboardLog

/// The embedded store: one SQLite file in WAL mode, migrated to the latest schema when
/// opened. Thread-safe (see `SQLitePool` for how connections are shared).
public final class SQLiteStore: Store, StoreStatistics, CommitHolding {
    public let path: String
    let pool: SQLitePool
    let options: StoreOptions
    /// When claims next look for outbox entries whose lease ran out (`claimOutbox`).
    let leaseChecks = LeaseChecks()
    /// Whom this store's claims name.
    let claimer: Claimer
    /// Whether `claimer` is this store's own (released when it closes).
    private let ownsClaimer: Bool

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
        claimer = options.claimer ?? Claimer.forStore()
        ownsClaimer = options.claimer == nil
        let logger = options.logger?.with("database", path)
        // Several processes opening a new file at once queue for the migration lock;
        // under load one may wait past the busy timeout, and SQLite answers "busy" without
        // waiting at all while another connection is switching a new file to WAL or
        // closing the last connection: it tries again after a growing pause (the migrator
        // re-reads the version inside the lock), up to 8 times.
        var attempt = 0
        func retry(_ error: StoreError) -> Bool {
            guard error.code == .busy && attempt < 8 else { return false }
            attempt += 1
            logger?.warn("database busy while opening; trying again", ["attempt": String(attempt)])
            usleep(useconds_t(10_000 * attempt))
            return true
        }
        var opened: SQLitePool?
        while opened == nil {
            do {
                opened = try SQLitePool(path: path, options: options)
            } catch where retry(error) {}
        }
        pool = opened!
        let clock = options.clock
        do {
            while true {
                do {
                    let migrate = options.migrate
                    _ = try pool.withWriter { db in
                        guard migrate else {
                            let current = try SQLiteMigrator.currentVersion(db)
                            if current < schemaVersion {
                                throw StoreMigrations.pendingError(current: current, target: schemaVersion, path: path)
                            }
                            if current > SQLiteSchema.latestVersion {
                                throw StoreMigrations.newerError(current: current, latest: SQLiteSchema.latestVersion, path: path)
                            }
                            return
                        }
                        try SQLiteMigrator.migrate(db, to: schemaVersion, now: clock, logger: logger)
                    }
                    break
                } catch let error as StoreError where retry(error) {}
            }
            if schemaVersion >= Self.searchProgressVersion {
                let search = IndexPace(interval: Self.indexInterval)
                let journal = schemaVersion >= Self.journalProgressVersion ? IndexPace(interval: Self.indexInterval) : nil
                pool.beforeCommit = { (db: SQLiteConnection) throws(StoreError) -> Duration? in
                    var putOff: Duration?
                    if search.due() { try Self.indexNewMessages(db) } else { putOff = search.untilDue() }
                    if let journal {
                        if journal.due() {
                            try Self.indexConversationJournal(db)
                        } else {
                            putOff = min(putOff ?? journal.interval, journal.untilDue())
                        }
                    }
                    return putOff
                }
                // Messages stored by a process that stopped before indexing them are
                // indexed now, in the background (a search only reads).
                if try !searchIndexIsCurrent() { pool.writeAsync({ _ in }, completion: { _ in }) }
            }
        } catch let error as StoreError {
            pool.close()
            if ownsClaimer { claimer.release() }
            throw error
        } catch {
            pool.close()
            if ownsClaimer { claimer.release() }
            throw StoreError(.migration, "\(error)", path: path)
        }
    }

    /// The migration that moved full-text indexing from a trigger to `indexNewMessages`.
    static let searchProgressVersion = 7

    /// How often, at most, the writer runs a batched indexing step (each run of
    /// `indexNewMessages` writes a new FTS5 segment and its bookkeeping pages).
    static let indexInterval: Duration = .milliseconds(200)

    /// Adds the messages stored since the last indexing to the full-text index, in the
    /// current transaction (see migration 7). The writer runs it before a commit at most
    /// every `indexInterval` and, when it put a run off, once more on its own that long
    /// after its last commit (`SQLitePool.beforeCommit`): indexing happens in the
    /// background and a search only reads. Freshness: a search finds every message
    /// committed at least `indexInterval` (200 ms) plus one commit earlier; a newer one
    /// may be missing for that long. Costs a lookup of the newest `seq` when nothing is new.
    static func indexNewMessages(_ db: SQLiteConnection) throws(StoreError) {
        guard let indexed = try db.queryOne("SELECT indexed_seq FROM search_progress WHERE id = 1", [], { $0.int64(0) }),
              let newest = try db.queryOne("SELECT max(seq) FROM messages", [], { $0.optionalInt64(0) }) ?? nil,
              newest > indexed else { return }
        try db.run("INSERT INTO messages_fts (rowid, text) SELECT seq, text FROM messages WHERE seq > ? AND seq <= ?",
                   [indexed, newest])
        try db.run("UPDATE search_progress SET indexed_seq = ? WHERE id = 1", [newest])
    }

    /// Whether the full-text index holds every committed message (the background
    /// indexing has caught up); for tests and health checks.
    public func searchIndexIsCurrent() throws -> Bool {
        try pool.read { db in
            try db.queryOne(
                "SELECT (SELECT coalesce(max(seq), 0) FROM messages) <= (SELECT indexed_seq FROM search_progress WHERE id = 1)",
                [], { $0.int64(0) != 0 }) ?? false
        }
    }

    /// The migration that moved the conversation journal's index to `conversation_events`.
    static let journalProgressVersion = 8

    /// Copies the events journalled since the last run into `conversation_events`, in the
    /// current transaction (see migration 8), in key order. The writer runs it before a
    /// commit at most every 200 ms (once a second saved a few more pages but held the
    /// writer ~50 ms at each pass at 1,000 msg/s: the worst latency went from ~17 to
    /// ~50 ms); reads do not need it (they also look at the events
    /// not yet copied).
    static func indexConversationJournal(_ db: SQLiteConnection) throws(StoreError) {
        guard let indexed = try db.queryOne("SELECT indexed_event_id FROM journal_progress WHERE id = 1", [], { $0.int64(0) }),
              let newest = try db.queryOne("SELECT max(id) FROM events", [], { $0.optionalInt64(0) }) ?? nil,
              newest > indexed else { return }
        try db.run("""
            INSERT INTO conversation_events (workspace_id, conversation_id, event_id)
            SELECT workspace_id, conversation_id, id FROM events
            WHERE id > ? AND id <= ? AND conversation_id IS NOT NULL
            ORDER BY workspace_id, conversation_id, id
            """, [indexed, newest])
        try db.run("UPDATE journal_progress SET indexed_event_id = ? WHERE id = 1", [newest])
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

    public var templates: any TemplateStore { SQLiteTemplateStore(store: self) }

    public var channelStatus: any ChannelStatusRepository { SQLiteChannelStatusRepository(store: self) }

    /// One host on the file: the meters live in this process (no store round trip).
    public let limits: any LimitRepository = LocalLimits()

    public func workspaces() throws -> [Workspace] { try workspaces(tx: nil) }

    func workspaces(tx: SQLiteTransactionContext?) throws -> [Workspace] {
        try read(tx) { db in
            try db.query("SELECT \(SQLiteWorkspaceStore.columns) FROM workspaces ORDER BY id", [], SQLiteWorkspaceStore.read)
        }
    }

    public func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try workspaceOwning(channel: channel, providerMessageID: providerMessageID, tx: nil)
    }

    func workspaceOwning(channel: ChannelID, providerMessageID: String, tx: SQLiteTransactionContext?) throws -> WorkspaceID? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT workspace_id FROM messages WHERE channel_id = ? AND provider_message_id = ?",
                [channel, providerMessageID]) { WorkspaceID($0.string(0)) }
        }
    }

    public func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try pool.write { db in try runTransaction(on: db, body) }
    }

    public func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                                 timing: CommitTiming,
                                 completion: @escaping @Sendable ((any Error)?) -> Void) {
        pool.writeAsync({ db in try self.runTransaction(on: db, body) }, timing: timing, completion: completion)
    }

    public func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                                 timing: CommitTiming,
                                 ran: @escaping @Sendable (CommitHolds) -> Void,
                                 completion: @escaping @Sendable ((any Error)?) -> Void) {
        pool.writeAsync({ db in try self.runTransaction(on: db, body) }, timing: timing, ran: ran, completion: completion)
    }

    public var writeStatistics: (commits: Int, writes: Int) {
        (pool.commits.load(ordering: .relaxed), pool.committedWrites.load(ordering: .relaxed))
    }

    public func close() {
        pool.close()
        if ownsClaimer { claimer.release() }
    }
}

/// When the writer next runs a batched indexing step (search, the conversation journal):
/// at most every `interval` (writer thread only).
final class IndexPace: @unchecked Sendable {
    let interval: Duration
    private var last: ContinuousClock.Instant?

    init(interval: Duration) { self.interval = interval }

    /// How long until `due()` says yes (zero if it would now).
    func untilDue() -> Duration {
        guard let last else { return .zero }
        return max(.zero, interval - (ContinuousClock.now - last))
    }

    func due() -> Bool {
        let now = ContinuousClock.now
        if let last, now - last < interval { return false }
        last = now
        return true
    }
}
