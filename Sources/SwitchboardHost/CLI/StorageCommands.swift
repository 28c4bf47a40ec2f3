import Foundation
import SwitchboardConfig
import SwitchboardStore

/// Commands about the database itself (issue 15): `migrate` applies the schema
/// migrations of the configured storage, `copy` moves an installation from SQLite to
/// PostgreSQL.
enum StorageCommands {
    static var commands: [SwitchboardCLI.Command] {
        [
            SwitchboardCLI.Command(
                name: "migrate", summary: "Apply the schema migrations of the configured storage (SQLite or PostgreSQL); print the versions.",
                usage: "switchboard migrate [--config PATH] [--check]",
                options: [SwitchboardCLI.configOption,
                          CommandOptions.Option("check", help: "Apply nothing: exit 1 if migrations are pending, 0 if the schema is current.")],
                run: migrate),
            SwitchboardCLI.Command(
                name: "copy", summary: "Copy an installation from SQLite to PostgreSQL: every table, ids and times kept, in one transaction; row counts checked.",
                usage: "switchboard copy --from sqlite:PATH --to postgres:URL [--replace]",
                options: [CommandOptions.Option("from", value: "sqlite:PATH", help: "The SQLite database to copy (stop its host first; it is only read)."),
                          CommandOptions.Option("to", value: "postgres:URL", help: "The PostgreSQL database to fill (migrated first; must be empty)."),
                          CommandOptions.Option("replace", help: "Delete the target's rows first (in the same transaction) instead of refusing a non-empty target.")],
                run: copy),
        ]
    }

    static func copy(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard copy"
        guard options.positional.isEmpty else { throw UsageError("\(command): takes no arguments besides --from and --to") }
        guard let from = options.value("from"), !from.isEmpty else { throw UsageError("\(command): --from sqlite:PATH is required") }
        guard let to = options.value("to"), !to.isEmpty else { throw UsageError("\(command): --to postgres:URL is required") }
        guard from.hasPrefix("sqlite:"), from.count > "sqlite:".count else {
            throw UsageError("\(command): --from must be sqlite:PATH (the only source there is), not '\(from)'")
        }
        let path = String(from.dropFirst("sqlite:".count))
        let url: String
        if to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") {
            url = to
        } else if to.hasPrefix("postgres:"), to.count > "postgres:".count {
            url = String(to.dropFirst("postgres:".count))
        } else {
            throw UsageError("\(command): --to must be postgres:URL, e.g. postgres:postgresql://switchboard@db.example/switchboard")
        }
        let started = ContinuousClock.now
        do {
            let report = try StoreCopy.sqliteToPostgres(from: path, to: url, replace: options.has("replace"))
            let elapsed = ContinuousClock.now - started
            print("rows per table (counted in both databases, equal):")
            let width = report.tables.map(\.name.count).max() ?? 0
            for t in report.tables {
                print("  " + t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(t.rows)")
            }
            for (name, next) in report.sequences.sorted(by: { $0.key < $1.key }) {
                print("sequence \(name) continues at \(next)")
            }
            if report.claimsReleased > 0 {
                print("claims released: \(report.claimsReleased) (queued work the stopped SQLite host held; the first host on PostgreSQL takes it)")
            }
            if !report.skipped.isEmpty {
                print("not copied (SQLite's own indexes; PostgreSQL keeps its own): \(report.skipped.joined(separator: ", "))")
            }
            if let failure = report.analyzeFailure {
                print("statistics not gathered (ANALYZE: \(failure)); autovacuum gathers them within minutes, or run ANALYZE before starting hosts")
            } else {
                print("statistics gathered (ANALYZE)")
            }
            let total = report.tables.reduce(0) { $0 + $1.rows }
            print("copied \(report.tables.count) tables, \(total) rows, schema version \(report.schemaVersion), from \(path) to \(PostgresConnection.redact(url))\(report.replaced ? " (its earlier rows deleted)" : "") in \(elapsed.formatted(.units(allowed: [.milliseconds])))")
            return 0
        } catch let error as StoreError {
            printErr("\(command): \(error.message)")
            return 1
        } catch {
            printErr("\(command): \(error)")
            return 1
        }
    }

    /// Where the configured storage is, for messages: `storage.sqlite data/x.db` or
    /// `storage.postgres postgres://u@h/db` (no password).
    static func describe(_ storage: HostConfig.Storage) -> String {
        switch storage {
        case .sqlite(let path, _): return "storage.sqlite \(path)"
        case .postgres(let url, _): return "storage.postgres \(PostgresConnection.redact(url))"
        }
    }

    static func versions(_ storage: HostConfig.Storage) throws(StoreError) -> SchemaVersions {
        switch storage {
        case .sqlite(let path, _): return try StoreMigrations.versions(sqlite: path)
        case .postgres(let url, _): return try StoreMigrations.versions(postgres: url)
        }
    }

    static func migrate(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard migrate"
        guard options.positional.isEmpty else { throw UsageError("\(command): takes no arguments") }
        guard var config = ConfigLoading.forCommand(options) else { return 1 }
        let storage = describe(config.host.storage)
        let before: SchemaVersions
        do {
            before = try versions(config.host.storage)
        } catch {
            printErr("\(command): \(error.description)")
            return 1
        }
        if before.current > before.latest {
            printErr("\(command): \(storage): schema version \(before.current) is newer than this switchboard knows (\(before.latest)); upgrade switchboard")
            return 1
        }
        if options.has("check") {
            if before.pending == 0 {
                print("\(storage): schema version \(before.current), up to date")
                return 0
            }
            print("\(storage): schema version \(before.current), \(before.pending) migration\(before.pending == 1 ? "" : "s") pending (to version \(before.latest)); run `switchboard migrate`")
            return 1
        }
        let started = ContinuousClock.now
        config.host.migrateOnStart = true
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        store.close()
        let elapsed = ContinuousClock.now - started
        if before.pending == 0 {
            print("\(storage): schema version \(before.current), up to date; nothing applied")
        } else {
            print("\(storage): migrated from schema version \(before.current) to \(before.latest) (\(before.pending) migration\(before.pending == 1 ? "" : "s"), \(elapsed.formatted(.units(allowed: [.milliseconds]))))")
        }
        return 0
    }
}
