import Foundation

/// What `switchboard copy` did: every table copied with its rows (counted on both sides
/// and equal), the sequences set to continue after the copied ids, and the SQLite
/// tables left behind (SQLite's own search and journal indexes, rebuilt by PostgreSQL's
/// schema on its own).
public struct StoreCopyReport: Sendable {
    public struct Table: Sendable, Equatable {
        public let name: String
        public let rows: Int
    }
    /// In the order they were copied (tables referenced by others first).
    public var tables: [Table] = []
    /// `table.column` → the next value the sequence gives (ids continue after the copy).
    public var sequences: [String: Int64] = [:]
    /// SQLite tables with no PostgreSQL counterpart, not copied.
    public var skipped: [String] = []
    public var schemaVersion = 0
    /// Whether the target's rows were deleted first (`replace`).
    public var replaced = false
    /// Claims of queued work (outbox entries being sent, inbound jobs) whose leases the
    /// copy ended: the SQLite host is stopped, so the first PostgreSQL host takes them.
    public var claimsReleased = 0
    /// Why the target's statistics were not gathered after the copy (nil: they were).
    public var analyzeFailure: String?
}

/// Moves an installation from SQLite to PostgreSQL (`switchboard copy`): every table of
/// every workspace with ids and times as they are, in **one** PostgreSQL transaction
/// (a failure leaves the target as it was; running it again starts over), from one
/// read snapshot of the SQLite file (writes made to it during the copy are not in it:
/// stop the host first). The target is migrated to the latest schema first; it must be
/// empty unless `replace` (then its rows are deleted in the same transaction). Refused
/// while a host beats on the target. At the end each table's rows are counted on both
/// sides (a difference undoes everything), and each `bigserial` sequence (message
/// `seq`, journal `events.id`, queues, audit) is set past the largest copied id, so
/// the journal's cursors and new rows continue where SQLite stopped. Claims on queued
/// work are copied with their leases ended (`claimsReleased`).
public enum StoreCopy {
    /// SQLite tables that exist only as SQLite's own machinery.
    static let sqliteOnly: Set<String> = ["search_progress", "journal_progress", "conversation_events"]
    /// PostgreSQL tables that are not data of an installation.
    static let notCopied: Set<String> = ["schema_migrations", "host_heartbeats", "shared_limits"]
    /// Rows per INSERT statement (at most 65,535 parameters in one statement).
    static let batchRows = 500

    public static func sqliteToPostgres(
        from path: String, to url: String, replace: Bool = false,
        fromSetting: String = "--from", toSetting: String = "--to",
        progress: (String) -> Void = { _ in }
    ) throws(StoreError) -> StoreCopyReport {
        let source = "\(fromSetting) sqlite:\(path)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.cannotOpen, "\(source): no such file", path: path)
        }
        let sqlite: SQLiteConnection
        do {
            sqlite = try SQLiteConnection(path: path, readOnly: true, options: StoreOptions())
        } catch {
            throw StoreError(error.code, "\(source): \(error.message)", path: path)
        }
        let sourceVersion: Int
        do {
            // One snapshot for every read (WAL: writers go on, the copy does not see them).
            try sqlite.execute("BEGIN")
            let hasTable = try sqlite.queryOne(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") { $0.int64(0) } ?? 0
            sourceVersion = hasTable == 0 ? 0 : Int(try sqlite.queryOne("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int64(0) } ?? 0)
        } catch {
            throw StoreError(error.code, "\(source): \(error.message)", path: path)
        }
        defer { try? sqlite.execute("ROLLBACK") }
        guard sourceVersion == SQLiteSchema.latestVersion else {
            if sourceVersion > SQLiteSchema.latestVersion {
                throw StoreError(.migration, "\(source): schema version \(sourceVersion) is newer than this switchboard knows (\(SQLiteSchema.latestVersion)); upgrade switchboard", path: path)
            }
            throw StoreError(.migration, "\(source): schema version \(sourceVersion), this switchboard's is \(SQLiteSchema.latestVersion); run `switchboard migrate` on it first (a config with storage.sqlite: \(path))", path: path)
        }

        let pool = PostgresPool(url: url, setting: toSetting, size: 1)
        defer { pool.close() }
        let target = "\(toSetting) \(pool.displayURL)"
        do {
            return try pool.withConnection { db -> StoreCopyReport in
                try PostgresMigrator.migrate(db, now: { Date() }, logger: nil)
                return try copy(sqlite, source: source, to: db, target: target, replace: replace, progress: progress)
            }
        } catch let error as StoreError {
            // Connection errors already name the setting (`--to: cannot connect: ...`).
            if error.message.hasPrefix(toSetting) || error.message.hasPrefix(source) { throw error }
            throw StoreError(error.code, "\(target): \(error.message)", path: pool.displayURL)
        } catch {
            throw StoreError(.io, "\(target): \(error)", path: pool.displayURL)
        }
    }

    private static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    private static func copy(_ sqlite: SQLiteConnection, source: String, to db: PostgresDB, target: String,
                             replace: Bool, progress: (String) -> Void) throws(StoreError) -> StoreCopyReport {
        var report = StoreCopyReport()
        report.schemaVersion = SQLiteSchema.latestVersion
        // A host serving on the target would write beside the copy.
        let beating = try db.query(
            "SELECT host_id FROM host_heartbeats WHERE beat_at > \(HostHeartbeat.serverNowMS) - 60000 ORDER BY host_id") { $0.string(0) }
        if !beating.isEmpty {
            throw StoreError(.busy, "\(target): a host is serving on this database (\(beating.joined(separator: ", ")) wrote a heartbeat within the last minute); stop every host first", path: db.path)
        }

        let pgTables = Set(try db.query("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            """) { $0.string(0) }).subtracting(notCopied)
        let sqliteTables = try sqlite.query("""
            SELECT name, coalesce(sql, '') FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%'
            """) { ($0.string(0), $0.string(1)) }
        let withoutRowID = Set(sqliteTables.filter { $0.1.uppercased().contains("WITHOUT ROWID") }.map(\.0))
        let sqliteNames = Set(sqliteTables.map(\.0)).subtracting(notCopied)
        report.skipped = sqliteNames.subtracting(pgTables).sorted()
        let unknown = report.skipped.filter { !sqliteOnly.contains($0) }
        if !unknown.isEmpty {
            throw StoreError(.migration, "\(source): tables \(unknown.joined(separator: ", ")) have no place in PostgreSQL's schema", path: sqlite.path)
        }
        if let missing = pgTables.subtracting(sqliteNames).sorted().first {
            throw StoreError(.migration, "\(source): has no table \(missing)", path: sqlite.path)
        }

        // Referenced tables first (foreign keys are checked row by row).
        let references = try db.query("""
            SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
            WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
            """) { ($0.string(0), $0.string(1)) }
        var dependsOn: [String: Set<String>] = [:]
        for (table, referenced) in references where table != referenced && pgTables.contains(referenced) {
            dependsOn[table, default: []].insert(referenced)
        }
        var order: [String] = []
        var left = pgTables
        while !left.isEmpty {
            let ready = left.filter { dependsOn[$0, default: []].isSubset(of: Set(order)) }.sorted()
            guard !ready.isEmpty else {
                throw StoreError(.migration, "\(target): circular foreign keys among \(left.sorted().joined(separator: ", "))", path: db.path)
            }
            order += ready
            left.subtract(ready)
        }

        try db.execute("BEGIN")
        do {
            var nonEmpty: [String] = []
            for table in order where try db.queryOne("SELECT EXISTS (SELECT 1 FROM \(quoted(table)))", [], { $0.string(0) == "t" }) ?? false {
                nonEmpty.append(table)
            }
            if !nonEmpty.isEmpty {
                guard replace else {
                    throw StoreError(.constraint, "\(target): not empty (rows in \(nonEmpty.joined(separator: ", "))); copy into an empty database, or pass --replace to delete its rows first", path: db.path)
                }
                try db.execute("TRUNCATE \(order.map(quoted).joined(separator: ", ")) RESTART IDENTITY CASCADE")
                report.replaced = true
            }
            for table in order {
                let pgColumns = try db.query("""
                    SELECT column_name, is_generated, coalesce(column_default, '') FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                    """, [table]) { ($0.string(0), $0.string(1), $0.string(2)) }
                let sqliteColumns = try sqlite.query("SELECT name, pk FROM pragma_table_info(?)", [table]) { ($0.string(0), $0.int64(1)) }
                let writable = pgColumns.filter { $0.1 != "ALWAYS" }.map(\.0)
                if let lost = sqliteColumns.map(\.0).first(where: { !writable.contains($0) }) {
                    throw StoreError(.migration, "\(source): column \(table).\(lost) has no place in PostgreSQL's schema", path: sqlite.path)
                }
                let columns = writable.filter { c in sqliteColumns.contains { $0.0 == c } }
                let list = columns.map(quoted).joined(separator: ", ")
                let rows = try copyRows(table, columns: list, count: columns.count, keys: sqliteColumns.filter { $0.1 > 0 }.sorted { $0.1 < $1.1 }.map(\.0),
                                        withoutRowID: withoutRowID.contains(table), from: sqlite, to: db)
                let counted = Int(try db.queryOne("SELECT count(*) FROM \(quoted(table))") { $0.int64(0) } ?? -1)
                let expected = Int(try sqlite.queryOne("SELECT count(*) FROM \(quoted(table))") { $0.int64(0) } ?? -2)
                guard counted == expected, rows == expected else {
                    throw StoreError(.constraint, "\(table): \(expected) rows in SQLite, \(counted) in PostgreSQL after the copy; nothing was copied", path: db.path)
                }
                for (column, _, defaultValue) in pgColumns where defaultValue.hasPrefix("nextval(") {
                    let next = try db.queryOne(
                        "SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(\(quoted(column))) FROM \(quoted(table))), 0) + 1, false)",
                        [table, column]) { $0.int64(0) } ?? 0
                    report.sequences["\(table).\(column)"] = next
                }
                report.tables.append(.init(name: table, rows: rows))
                progress("\(table): \(rows) rows")
            }
            // The SQLite host is stopped: its claims are void (on SQLite a restart saw its
            // process gone; here no heartbeat names it), so its leases end now and the
            // first PostgreSQL host takes that work at once instead of after the lease.
            report.claimsReleased = try db.run("UPDATE outbox SET lease_until = NULL WHERE state = 'sending' AND lease_until IS NOT NULL")
                + db.run("UPDATE inbound_jobs SET lease_until = NULL WHERE lease_until IS NOT NULL")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error as? StoreError ?? StoreError(.io, "\(error)", path: db.path)
        }
        // Copied tables have no statistics until autovacuum first looks at them (within a
        // minute or so); a host started meanwhile would plan its statements, and keep the
        // plans of those it prepared, without them. The copy stands if this fails.
        do {
            try db.execute("ANALYZE")
        } catch {
            report.analyzeFailure = error.message
        }
        return report
    }

    /// Copies one table's rows in batches; returns how many.
    private static func copyRows(_ table: String, columns: String, count: Int, keys: [String], withoutRowID: Bool,
                                 from sqlite: SQLiteConnection, to db: PostgresDB) throws(StoreError) -> Int {
        guard count > 0 else { return 0 }
        let perBatch = max(1, min(batchRows, 60_000 / count))
        var copied = 0
        var lastRowID: Int64 = .min
        while true {
            let batch: [[SQLiteValue]]
            if withoutRowID {
                let order = keys.isEmpty ? columns : keys.map(quoted).joined(separator: ", ")
                batch = try sqlite.query("SELECT \(columns) FROM \(quoted(table)) ORDER BY \(order) LIMIT ? OFFSET ?",
                                         [perBatch, copied]) { r in (0..<Int32(count)).map { r.value($0) } }
            } else {
                let rows = try sqlite.query("SELECT rowid, \(columns) FROM \(quoted(table)) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                            [lastRowID, perBatch]) { r in (r.int64(0), (1...Int32(count)).map { r.value($0) }) }
                lastRowID = rows.last?.0 ?? lastRowID
                batch = rows.map(\.1)
            }
            if batch.isEmpty { return copied }
            let one = "(" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
            let sql = "INSERT INTO \(quoted(table)) (\(columns)) VALUES " + Array(repeating: one, count: batch.count).joined(separator: ", ")
            try db.run(sql, batch.flatMap { $0 })
            copied += batch.count
            if batch.count < perBatch { return copied }
        }
    }
}
