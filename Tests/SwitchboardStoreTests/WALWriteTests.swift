import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// At full durability the writer appends the WAL through CSQLiteWAL, which gathers a
/// commit's frames into one write. What it must never change: a commit is visible to the
/// readers (other connections, other file handles) as soon as it returns, whatever its
/// size, and the file stays a sound SQLite database.
@Suite struct WALWriteTests {
    func fullDurabilityStore(_ dir: TempDir) throws -> SQLiteStore {
        var options = testOptions()
        options.durability = .full
        return try SQLiteStore(path: dir.file("wal.db"), options: options)
    }

    @Test func onlyAWriterAtFullDurabilityUsesIt() throws {
        let dir = TempDir()
        let store = try fullDurabilityStore(dir)
        #expect(try store.pool.write { db in db.vfsName } == "switchboard-wal")
        #expect(try store.pool.read { db in db.vfsName } == "unix")
        let normal = try SQLiteStore(path: dir.file("normal.db"), options: testOptions())
        #expect(try normal.pool.write { db in db.vfsName } == "unix")
    }

    @Test func everySmallCommitIsVisibleToReadersAtOnce() throws {
        let dir = TempDir()
        let store = try fullDurabilityStore(dir)
        try store.pool.write { db in try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT)") }
        for n in 1...300 {
            try store.pool.write { db in
                _ = try db.run("INSERT INTO t (n, body) VALUES (?, ?)", [Int64(n), String(repeating: "x", count: 700)])
            }
            let seen = try store.pool.read { db in try db.queryOne("SELECT max(n) FROM t") { $0.int64(0) } }
            #expect(seen == Int64(n))
        }
    }

    @Test func commitsLargerThanTheBufferAreWrittenWhole() throws {
        // The buffer holds 120 KiB; the unix VFS cannot take a write of 128 KiB or more in
        // one call. Commits of ~50 KiB, ~300 KiB and ~1.3 MiB of pages cover both limits.
        let dir = TempDir()
        let store = try fullDurabilityStore(dir)
        try store.pool.write { db in try db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT)") }
        var total: Int64 = 0
        for rows in [40, 250, 1_100] {
            try store.pool.write { db in
                for _ in 0..<rows {
                    total += 1
                    _ = try db.run("INSERT INTO t (n, body) VALUES (?, ?)", [total, String(repeating: "y", count: 1_000)])
                }
            }
            let seen = try store.pool.read { db in
                try db.queryOne("SELECT count(*), sum(length(body)) FROM t") { ($0.int64(0), $0.int64(1)) }
            }
            #expect(seen?.0 == total)
            #expect(seen?.1 == total * 1_000)
        }
        let check = try store.pool.write { db in try db.queryOne("PRAGMA integrity_check") { $0.string(0) } }
        #expect(check == "ok")
        store.close()

        // What a fresh process would find: everything, read back through SQLite's own VFS.
        let reopened = try SQLiteStore(path: dir.file("wal.db"), options: testOptions())
        let count = try reopened.pool.read { db in try db.queryOne("SELECT count(*) FROM t") { $0.int64(0) } }
        #expect(count == total)
    }
}
