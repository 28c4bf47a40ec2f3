import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// `switchboard migrate`'s store side on both backends: the versions read without
/// applying anything, and a store opened with `StoreOptions.migrate` off refusing a
/// database with migrations pending (what `storage.migrate_on_start: false` does).
@Suite struct StoreMigrationsTests {
    func open(_ backend: StoreBackend, _ dir: TempDir, version: Int, migrate: Bool = true) throws -> any Store {
        var options = testOptions()
        options.migrate = migrate
        switch backend {
        case .sqlite:
            return try SQLiteStore(path: dir.file("m.db"), options: options, schemaVersion: version)
        case .postgres:
            let url = try dir.postgresURL()
            return try PostgresStore(url: url, setting: "storage.postgres", poolSize: 2, options: options, schemaVersion: version)
        }
    }

    func versions(_ backend: StoreBackend, _ dir: TempDir) throws -> SchemaVersions {
        switch backend {
        case .sqlite: return try StoreMigrations.versions(sqlite: dir.file("m.db"))
        case .postgres: return try StoreMigrations.versions(postgres: try dir.postgresURL())
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func versionsAreReadWithoutApplyingAnything(_ backend: StoreBackend) throws {
        let dir = TempDir()
        let latest = backend.isSQLite ? SQLiteSchema.latestVersion : PostgresSchema.latestVersion
        let empty = try versions(backend, dir)
        #expect(empty == SchemaVersions(current: 0, latest: latest))
        #expect(empty.pending == latest)
        if backend.isSQLite { #expect(!FileManager.default.fileExists(atPath: dir.file("m.db"))) }
        let old = try open(backend, dir, version: 5)
        old.close()
        let atFive = try versions(backend, dir)
        #expect(atFive.current == 5 && atFive.pending == latest - 5)
        #expect(try versions(backend, dir).current == 5) // reading twice applied nothing
        let current = try open(backend, dir, version: latest)
        current.close()
        #expect(try versions(backend, dir) == SchemaVersions(current: latest, latest: latest))
    }

    @Test(arguments: StoreBackend.allCases)
    func aStoreThatMayNotMigrateRefusesPendingMigrationsAndNamesTheCommand(_ backend: StoreBackend) throws {
        let dir = TempDir()
        let latest = backend.isSQLite ? SQLiteSchema.latestVersion : PostgresSchema.latestVersion
        try open(backend, dir, version: 3).close()
        do {
            _ = try open(backend, dir, version: latest, migrate: false)
            Issue.record("opened a database with migrations pending")
        } catch let error as StoreError {
            #expect(error.code == .migration)
            #expect(error.message.contains("switchboard migrate"), "\(error)")
            #expect(error.message.contains("version 3"), "\(error)")
        }
        #expect(try versions(backend, dir).current == 3) // nothing applied
        // Once migrated, it opens without migrating and works.
        try open(backend, dir, version: latest).close()
        let store = try open(backend, dir, version: latest, migrate: false)
        _ = try store.syncWorkspaces([definition("a")])
        #expect(try store.workspaces().map(\.id) == ["a"])
        store.close()
    }
}

extension TempDir {
    /// A PostgreSQL database of the test server for this folder (the same at every call).
    func postgresURL() throws -> String {
        let marker = file("postgres-url")
        if let url = try? String(contentsOfFile: marker, encoding: .utf8) { return url }
        let url = try TestPostgres.freshDatabase(prefix: "migcmd")
        try url.write(toFile: marker, atomically: true, encoding: .utf8)
        return url
    }
}
