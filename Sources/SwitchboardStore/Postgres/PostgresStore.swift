import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// The store on PostgreSQL (issue 15): the same protocols as `SQLiteStore`, over a pool
/// of libpq connections (`PostgresPool`), migrated to the latest schema
/// (`PostgresSchema`) when opened. Thread-safe.
///
/// Every repository binds its workspace in every query, as on SQLite; a transaction's
/// handle (`PostgresStoreTransaction`) carries the connection its transaction checked
/// out, and the repositories reached through it run on that connection.
public final class PostgresStore: Store {
    /// The URL with its password hidden (what errors name).
    public let path: String
    let pool: PostgresPool
    let options: StoreOptions
    /// When claims next look for outbox entries whose lease ran out (`claimOutbox`).
    let leaseChecks = LeaseChecks()
    /// When `PostgresLimits` last deleted expired meters (seconds since 1970).
    let limitsPurgedAt = Mutex<Double>(0)
    /// Whom this store's claims name (`Claimer`). On PostgreSQL a claimer's liveness is
    /// its lease alone (hosts on other machines cannot be looked up); a store that closes
    /// releases its claims, so the next claim of another host takes them at once.
    let claimer: Claimer
    /// Whether `claimer` is this store's own (released when it closes).
    private let ownsClaimer: Bool
    /// This host's heartbeat (nil on a schema before `heartbeatVersion`, in tests of old versions).
    let heartbeat: HostHeartbeat?
    /// The migration that added `host_heartbeats`.
    static let heartbeatVersion = 17

    /// How many connections a store opens at most, unless told otherwise.
    public static let defaultPoolSize = 8

    /// Connects to `url` and migrates the database. `setting` names where the URL came
    /// from (errors say `storage.postgres: cannot connect: ...`); `poolSize` is the most
    /// connections open at once. Fails with a one-line `StoreError` for a wrong URL or
    /// credentials, a server that does not answer, or a schema newer than this program.
    public convenience init(url: String, setting: String = "storage.postgres", poolSize: Int = PostgresStore.defaultPoolSize,
                            options: StoreOptions = StoreOptions()) throws(StoreError) {
        try self.init(url: url, setting: setting, poolSize: poolSize, options: options,
                      schemaVersion: PostgresSchema.latestVersion)
    }

    /// Opens the database migrated only up to `schemaVersion` (tests of old versions).
    init(url: String, setting: String, poolSize: Int, options: StoreOptions, schemaVersion: Int) throws(StoreError) {
        pool = PostgresPool(url: url, setting: setting, size: poolSize)
        path = pool.displayURL
        self.options = options
        claimer = options.claimer ?? Claimer.forStore(prefix: ProcessInfo.processInfo.hostName + "/")
        ownsClaimer = options.claimer == nil
        let logger = options.logger?.with("database", path)
        let clock = options.clock
        do {
            let migrate = options.migrate, path = self.path
            try pool.withConnection { db in
                guard migrate else {
                    let current = try PostgresMigrator.currentVersion(db)
                    if current < schemaVersion {
                        throw StoreMigrations.pendingError(current: current, target: schemaVersion, path: path)
                    }
                    if current > PostgresSchema.latestVersion {
                        throw StoreMigrations.newerError(current: current, latest: PostgresSchema.latestVersion, path: path)
                    }
                    return
                }
                try PostgresMigrator.migrate(db, to: schemaVersion, now: clock, logger: logger)
            }
            heartbeat = schemaVersion >= Self.heartbeatVersion && options.heartbeat
                ? try HostHeartbeat(pool: pool, hostID: claimer.id, interval: options.heartbeatInterval,
                                    timeout: options.heartbeatTimeout, logger: logger)
                : nil
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

    deinit {
        heartbeat?.stopBeating()
        pool.close()
    }

    /// The schema version the database is at.
    var schemaVersion: Int {
        get throws { try pool.read { db in try PostgresMigrator.currentVersion(db) } }
    }

    /// Most connections open at once.
    public var poolSize: Int { pool.size }

    func now() -> Date { options.clock().truncatedToMilliseconds }

    public func workspace(_ id: WorkspaceID) -> any WorkspaceStore {
        PostgresWorkspaceStore(scope: PostgresScope(workspaceID: id, store: self))
    }

    public var queue: any QueueStore { PostgresQueueStore(store: self) }

    public var templates: any TemplateStore { PostgresTemplateStore(store: self) }

    public var channelStatus: any ChannelStatusRepository { PostgresChannelStatusRepository(store: self) }

    public var limits: any LimitRepository { PostgresLimits(store: self) }

    public func workspaces() throws -> [Workspace] { try workspaces(tx: nil) }

    func workspaces(tx: PostgresPool.Held?) throws -> [Workspace] {
        try read(tx) { db in
            try db.query("SELECT \(PostgresWorkspaceStore.columns) FROM workspaces ORDER BY id", [], PostgresWorkspaceStore.read)
        }
    }

    public func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try workspaceOwning(channel: channel, providerMessageID: providerMessageID, tx: nil)
    }

    func workspaceOwning(channel: ChannelID, providerMessageID: String, tx: PostgresPool.Held?) throws -> WorkspaceID? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT workspace_id FROM messages WHERE channel_id = ? AND provider_message_id = ?",
                [channel, providerMessageID]) { WorkspaceID($0.string(0)) }
        }
    }

    public func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try pool.transaction { h in try body(PostgresStoreTransaction(store: self, held: h)) }
    }

    /// Runs the body as `transaction` does, on the calling thread, and then queues
    /// `completion` on the store's completion queue (one for all callers, in the order
    /// transactions ended). Unlike SQLite's writer thread this does not return before the
    /// commit: PostgreSQL commits of different connections run side by side, so there is
    /// no group to join (`timing` makes no difference).
    public func transactionAsync(_ body: @escaping @Sendable (any StoreTransaction) throws -> Void,
                                 timing: CommitTiming,
                                 completion: @escaping @Sendable ((any Error)?) -> Void) {
        var failure: (any Error)?
        do { try transaction(body) } catch { failure = error }
        let outcome = failure
        pool.completions.async { completion(outcome) }
    }

    /// Reads on the transaction's connection, or (nil) on a connection of the pool.
    func read<T>(_ tx: PostgresPool.Held?, _ body: (PostgresDB) throws -> T) throws -> T {
        if let tx { return try tx.use(body) }
        return try pool.read(body)
    }

    /// Writes on the transaction's connection, or (nil) in a transaction of its own.
    func write<T>(_ tx: PostgresPool.Held?, _ body: (PostgresDB) throws -> T) throws -> T {
        if let tx { return try tx.use(body) }
        return try pool.write(body)
    }

    /// Releases this store's claims (the leases of the outbox entries it is sending and
    /// of the inbound jobs it holds end now: another host's next claim takes them, as
    /// `Claimer` describes; an entry in flight at this moment may be sent twice, the
    /// window the outbox documents), then closes the connections. Only when this store
    /// is the schema this program knows (a test of an old version has no claim columns).
    public func close() {
        if ((try? schemaVersion) ?? 0) >= 16 {
            _ = try? pool.write { db in
                _ = try db.run("UPDATE outbox SET lease_until = NULL WHERE state = 'sending' AND claimed_by = ?", [claimer.id])
                _ = try db.run("UPDATE inbound_jobs SET lease_until = NULL WHERE claimed_by = ?", [claimer.id])
                try heartbeat?.end(db)
            }
        }
        pool.close()
        if ownsClaimer { claimer.release() }
    }

    // MARK: credentials and host-wide repositories

    public var hostAudit: any AuditRepository { PostgresAuditRepository(store: self, workspaceID: nil) }
    public var operators: any OperatorRepository { PostgresOperatorRepository(store: self) }

    public func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)? { try invite(tokenHash: tokenHash, tx: nil) }

    func invite(tokenHash: String, tx: PostgresPool.Held?) throws -> (WorkspaceID, InviteRecord)? {
        try read(tx) { db in
            try db.queryOne("SELECT \(PostgresInviteRepository.columns) FROM invites WHERE token_hash = ?",
                            [tokenHash], PostgresInviteRepository.read)
        }.map { ($0.workspaceID, $0) }
    }

    public func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)? { try authenticate(tokenHash: tokenHash, tx: nil) }

    func authenticate(tokenHash: String, tx: PostgresPool.Held?) throws -> (WorkspaceID, TokenRecord)? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT \(PostgresTokenRepository.columns) FROM api_tokens WHERE token_hash = ?",
                [tokenHash], PostgresTokenRepository.read)
        }.map { ($0.workspaceID, $0) }
    }

    public func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)? { try authenticate(sessionHash: sessionHash, tx: nil) }

    func authenticate(sessionHash: String, tx: PostgresPool.Held?) throws -> (WorkspaceID, SessionRecord)? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT \(PostgresSessionRepository.columns) FROM sessions WHERE id_hash = ?",
                [sessionHash], PostgresSessionRepository.read)
        }.map { ($0.workspaceID, $0) }
    }

    // MARK: workspaces

    public func syncWorkspaces(_ configured: [WorkspaceDefinition]) throws -> SyncReport {
        var seen = Set<WorkspaceID>()
        for definition in configured where !seen.insert(definition.id).inserted {
            throw StoreError(.constraint, "workspace \(definition.id) is configured twice", path: path)
        }
        let report = try pool.write { db in
            // Hosts starting at once sync one after the other (each sees the other's rows).
            try db.run("SELECT pg_advisory_xact_lock(?)", [Self.syncLockKey])
            var report = SyncReport()
            let stored = try db.query("SELECT \(PostgresWorkspaceStore.columns) FROM workspaces", [], PostgresWorkspaceStore.read)
            let byID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let now = self.now()

            func journal(_ id: WorkspaceID, _ change: String, _ extra: [String: String]) throws {
                var detail = extra
                detail["change"] = change
                _ = try PostgresEventRepository.append(
                    db, PostgresScope(workspaceID: id, store: self), NewEvent(.workspaceSynced, detail: detail))
            }

            for definition in configured {
                guard let existing = byID[definition.id] else {
                    try db.run(
                        "INSERT INTO workspaces (\(PostgresWorkspaceStore.columns)) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
                        [definition.id, definition.name, definition.region, definition.timezone,
                         definition.configHash, now, now])
                    try journal(definition.id, "created", ["config_hash": definition.configHash])
                    report.created.append(definition.id)
                    continue
                }
                var changed: [String] = []
                if existing.name != definition.name { changed.append("name") }
                if existing.region != definition.region { changed.append("region") }
                if existing.timezone != definition.timezone { changed.append("timezone") }
                if existing.configHash != definition.configHash { changed.append("config_hash") }
                if !existing.active { changed.append("active") }
                guard !changed.isEmpty else {
                    report.unchanged.append(definition.id)
                    continue
                }
                try db.run(
                    """
                    UPDATE workspaces SET name = ?, region = ?, timezone = ?, config_hash = ?, active = 1, updated_at = ?
                    WHERE id = ?
                    """,
                    [definition.name, definition.region, definition.timezone, definition.configHash, now, definition.id])
                try journal(
                    definition.id, existing.active ? "updated" : "reactivated",
                    ["fields": changed.joined(separator: ","), "config_hash": definition.configHash])
                report.updated.append(definition.id)
            }
            for workspace in stored where workspace.active && !seen.contains(workspace.id) {
                try db.run("UPDATE workspaces SET active = 0, updated_at = ? WHERE id = ?", [now, workspace.id])
                try journal(workspace.id, "deactivated", [:])
                report.deactivated.append(workspace.id)
            }
            return report
        }
        if let logger = options.logger {
            for id in report.created { logger.info("workspace created", [LogKey.workspace: id.rawValue]) }
            for id in report.updated { logger.info("workspace updated", [LogKey.workspace: id.rawValue]) }
            for id in report.deactivated { logger.info("workspace deactivated", [LogKey.workspace: id.rawValue]) }
        }
        return report
    }

    /// The advisory lock `syncWorkspaces` holds ("sbsync").
    static let syncLockKey: Int64 = 0x7362_7379_6e63
}

/// What every PostgreSQL repository of one workspace holds: the workspace id that each
/// of its queries binds, the store's connections and clock, and the transaction whose
/// handle it was reached through (nil: each call is its own transaction).
struct PostgresScope: Sendable {
    let workspaceID: WorkspaceID
    let store: PostgresStore
    var tx: PostgresPool.Held? = nil

    var path: String { store.path }
    func now() -> Date { store.now() }

    func read<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        try store.read(tx, body)
    }

    /// A write transaction; a foreign-key failure is reported in terms of workspaces.
    func write<T>(_ body: (PostgresDB) throws -> T) throws -> T {
        do {
            return try store.write(tx, body)
        } catch let error as StoreError where error.sqlState == "23503" {
            throw StoreError(
                .constraint,
                "workspace \(workspaceID) is not stored (not synced from config?), or a referenced row is not in it",
                path: path, sqlState: error.sqlState)
        }
    }

    func notFound(_ what: String, _ id: CustomStringConvertible) -> StoreError {
        StoreError(.notFound, "\(what) \(id) not found in workspace \(workspaceID)", path: path)
    }

    /// This scope inside the write running `body` on `db` (a repository call that makes
    /// another of this workspace inside its own write).
    func within(_ db: PostgresDB) -> PostgresScope {
        var scope = self
        if scope.tx == nil { scope.tx = PostgresPool.Held(db, pool: store.pool) }
        return scope
    }

    func newID(_ prefix: String, _ at: Date) -> String {
        IDGenerator.make(prefix, milliseconds: UInt64(max(0, at.millisecondsSince1970)))
    }
}

/// `WorkspaceStore` on PostgreSQL: the repositories of one workspace.
struct PostgresWorkspaceStore: WorkspaceStore {
    let scope: PostgresScope

    var workspaceID: WorkspaceID { scope.workspaceID }
    var contacts: any ContactRepository { PostgresContactRepository(scope: scope) }
    var conversations: any ConversationRepository { PostgresConversationRepository(scope: scope) }
    var messages: any MessageRepository { PostgresMessageRepository(scope: scope) }
    var events: any EventRepository { PostgresEventRepository(scope: scope) }
    var pluginState: any PluginStateRepository { PostgresPluginStateRepository(scope: scope) }
    var queue: any QueueRepository { PostgresQueueRepository(scope: scope) }
    var users: any UserRepository { PostgresUserRepository(scope: scope) }
    var tokens: any TokenRepository { PostgresTokenRepository(scope: scope) }
    var sessions: any SessionRepository { PostgresSessionRepository(scope: scope) }
    var dataCare: any DataCareRepository { PostgresDataCareRepository(scope: scope) }
    var cannedReplies: any CannedReplyRepository { PostgresCannedReplyRepository(scope: scope) }
    var labels: any LabelRepository { PostgresLabelRepository(scope: scope) }
    var contactProfiles: any ContactProfileRepository { PostgresContactProfileRepository(scope: scope) }
    var reports: any ReportRepository { PostgresReportRepository(scope: scope) }
    var invites: any InviteRepository { PostgresInviteRepository(scope: scope) }
    var audit: any AuditRepository { PostgresAuditRepository(store: scope.store, workspaceID: scope.workspaceID, tx: scope.tx) }
    var media: any MediaRepository { PostgresMediaRepository(scope: scope) }

    func record() throws -> Workspace? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM workspaces WHERE id = ?", [scope.workspaceID], Self.read)
        }
    }

    func transaction<T>(_ body: (any WorkspaceStore) throws -> T) throws -> T {
        // Reached through a transaction's handle: joins it.
        if scope.tx != nil { return try body(self) }
        return try scope.store.transaction { tx in try body(tx.workspace(scope.workspaceID)) }
    }

    static let columns = "id, name, region, timezone, active, config_hash, created_at, updated_at"

    static func read(_ r: PostgresRow) -> Workspace {
        Workspace(
            id: WorkspaceID(r.string(0)), name: r.string(1), region: r.string(2), timezone: r.string(3),
            active: r.bool(4), configHash: r.string(5), createdAt: r.date(6), updatedAt: r.date(7))
    }
}

/// `StoreTransaction` on PostgreSQL: the store's repositories bound to one transaction's
/// connection.
struct PostgresStoreTransaction: StoreTransaction {
    let store: PostgresStore
    let held: PostgresPool.Held

    func workspace(_ id: WorkspaceID) -> any WorkspaceStore {
        PostgresWorkspaceStore(scope: PostgresScope(workspaceID: id, store: store, tx: held))
    }
    func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try store.workspaceOwning(channel: channel, providerMessageID: providerMessageID, tx: held)
    }
    var queue: any QueueStore { PostgresQueueStore(store: store, tx: held) }
    var templates: any TemplateStore { PostgresTemplateStore(store: store, tx: held) }
    var channelStatus: any ChannelStatusRepository { PostgresChannelStatusRepository(store: store, tx: held) }
    func workspaces() throws -> [Workspace] { try store.workspaces(tx: held) }
    func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)? {
        try store.authenticate(tokenHash: tokenHash, tx: held)
    }
    func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)? {
        try store.authenticate(sessionHash: sessionHash, tx: held)
    }
    var hostAudit: any AuditRepository { PostgresAuditRepository(store: store, workspaceID: nil, tx: held) }
    func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)? { try store.invite(tokenHash: tokenHash, tx: held) }
    var operators: any OperatorRepository { PostgresOperatorRepository(store: store, tx: held) }
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try body(self) }
}
