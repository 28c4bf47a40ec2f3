import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct ConnectionSettingsTests {
    func pragma(_ db: SQLiteConnection, _ name: String) throws -> String? {
        try db.queryOne("PRAGMA \(name)") { $0.string(0) }
    }

    @Test func writerUsesWALFullSyncAndForeignKeys() throws {
        let dir = TempDir()
        var options = StoreOptions()
        options.busyTimeoutMilliseconds = 1234
        let store = try SQLiteStore(path: dir.file("x.db"), options: options)
        let writer = try store.pool.write { db in
            try ["journal_mode", "synchronous", "foreign_keys", "busy_timeout", "page_size", "wal_autocheckpoint", "mmap_size"]
                .map { try pragma(db, $0) }
        }
        // synchronous 2 is FULL: the default, see StoreOptions.Durability. A new file has
        // 1 KiB pages (see SQLiteConnection.init).
        #expect(writer == ["wal", "2", "1", "1234", "1024", "4096", "268435456"])
        let reader = try store.pool.read { db in
            try ["foreign_keys", "busy_timeout", "mmap_size"].map { try pragma(db, $0) }
        }
        // Readers do not map the file (see SQLiteConnection.init).
        #expect(reader == ["1", "1234", "0"])
        let readerWrite = storeError { try store.pool.read { db in _ = try db.run("DELETE FROM events") } }
        #expect(readerWrite?.code == .readOnly) // readers cannot write
    }

    @Test func normalDurabilityIsSynchronousNormal() throws {
        let dir = TempDir()
        var options = StoreOptions()
        options.durability = .normal
        let store = try SQLiteStore(path: dir.file("x.db"), options: options)
        #expect(try store.pool.write { db in try pragma(db, "synchronous") } == "1")
    }

    @Test func valuesRoundTrip() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("x.db"), options: testOptions())
        let rows = try store.pool.write { db in
            try db.execute("CREATE TABLE t (a, b, c, d, e)")
            try db.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", ["naïve \u{0} nul ✓", Int64.min, [UInt8](), [UInt8]([0, 255, 7]), String?.none])
            return try db.query("SELECT a, b, c, d, e, typeof(c) FROM t") { r in
                (r.string(0), r.int64(1), r.optionalBlob(2), r.blob(3), r.optionalString(4), r.string(5))
            }
        }
        let row = try #require(rows.first)
        #expect(row.0 == "naïve \u{0} nul ✓")
        #expect(row.1 == Int64.min)
        #expect(row.2 == [])
        #expect(row.3 == [0, 255, 7])
        #expect(row.4 == nil)
        #expect(row.5 == "blob")
    }

    @Test func anEmptyPluginValueIsStoredAsEmptyNotMissing() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)
        try store.workspace("a").pluginState.set(plugin: "p", key: "k", value: [])
        #expect(try store.workspace("a").pluginState.get(plugin: "p", key: "k") == [])
        #expect(try store.workspace("a").pluginState.keys(plugin: "p") == ["k"])
        #expect(try store.workspace("a").pluginState.delete(plugin: "p", key: "k"))
        #expect(try store.workspace("a").pluginState.get(plugin: "p", key: "k") == nil)
    }
}
