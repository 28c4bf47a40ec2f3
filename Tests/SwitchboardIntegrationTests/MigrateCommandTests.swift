import Foundation
import Testing
import SwitchboardTestSupport

/// `switchboard migrate` on both backends, and `serve` with `storage.migrate_on_start:
/// false`: it refuses a database with migrations pending, names the command, and starts
/// once the operator ran it.
@Suite(.serialized) struct MigrateCommandTests {
    /// A host folder whose storage is `storage` (YAML lines under `storage:`), with
    /// migrations at start switched off.
    func host(storage: String) throws -> TestHost {
        let yaml = TestHost.minimalHostYAML().replacingOccurrences(
            of: "storage:\n  sqlite: $DIR/switchboard.db\n",
            with: "storage:\n  migrate_on_start: false\n  \(storage)\n")
        #expect(yaml.contains("migrate_on_start: false"))
        return try TestHost(hostYAML: yaml)
    }

    func migrate(_ h: TestHost, _ extra: [String] = []) throws -> CommandResult {
        try runSwitchboard(["migrate", "--config", h.configPath] + extra, cwd: h.dir)
    }

    /// The whole walk of an operator: check (pending), serve refused, migrate, check (up
    /// to date), migrate again (nothing), serve starts.
    func walk(_ h: TestHost, storageName: String) throws {
        let check = try migrate(h, ["--check"])
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("\(storageName)") && check.stdout.contains("schema version 0,")
                && check.stdout.contains("pending") && check.stdout.contains("switchboard migrate"), "\(check)")

        try h.start(waitForListening: false)
        let status = h.waitForExit(timeout: 30)
        #expect(status != nil && status != 0)
        let said = h.logText + h.stdout
        #expect(said.contains("run `switchboard migrate` first"), "\(said)")
        #expect(said.contains("version 0"), "\(said)")

        let applied = try migrate(h)
        #expect(applied.status == 0, "\(applied)")
        #expect(applied.stdout.contains("migrated from schema version 0 to "), "\(applied)")
        let latest = applied.stdout.components(separatedBy: " to ").last?.split(separator: " ").first.map(String.init) ?? "?"
        #expect(Int(latest) ?? 0 > 1, "\(applied)")

        let after = try migrate(h, ["--check"])
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("schema version \(latest), up to date"), "\(after)")
        let again = try migrate(h)
        #expect(again.status == 0 && again.stdout.contains("nothing applied"), "\(again)")

        try h.restart()
        #expect(try h.client.get("/readyz").status == 200)
    }

    @Test func sqliteMigratesOnlyWhenTold() throws {
        let h = try host(storage: "sqlite: $DIR/switchboard.db")
        try walk(h, storageName: "storage.sqlite \(h.dir.path)/switchboard.db")
        h.signal(SIGTERM)
        _ = h.waitForExit(timeout: 30)
    }

    @Test func postgresMigratesOnlyWhenTold() throws {
        let url = try TestPostgres.freshDatabase(prefix: "migcli")
        let h = try host(storage: "postgres: \"\(url)\"")
        try walk(h, storageName: "storage.postgres")
        h.signal(SIGTERM)
        _ = h.waitForExit(timeout: 30)
    }

    @Test func aServerThatDoesNotAnswerIsAnErrorNamingTheSetting() throws {
        let h = try host(storage: "postgres: \"postgresql://app:s3cret@127.0.0.1:1/db?connect_timeout=2\"")
        for args in [[], ["--check"]] {
            let r = try migrate(h, args)
            #expect(r.status == 1, "\(r)")
            #expect(r.stderr.contains("storage.postgres: cannot connect"), "\(r)")
            #expect(!(r.stderr + r.stdout).contains("s3cret"))
        }
    }

    @Test func serveMigratesAtStartByDefault() throws {
        let h = try TestHost(hostYAML: TestHost.minimalHostYAML())
        try h.start()
        #expect(try h.client.get("/readyz").status == 200)
        h.signal(SIGTERM)
        _ = h.waitForExit(timeout: 30)
        let check = try migrate(h, ["--check"])
        #expect(check.status == 0 && check.stdout.contains("up to date"), "\(check)")
    }
}
