import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardStore

/// libpq under the PostgreSQL store, against a real server (scripts/pg.sh; `make test`
/// starts one): parameters never mix with SQL, errors are classified and name the setting,
/// passwords never reach a message, and the claim primitive (`FOR UPDATE SKIP LOCKED`)
/// gives two hosts disjoint rows.
@Suite(.serialized) struct PostgresConnectionTests {
    func connect() throws -> PostgresConnection {
        try PostgresConnection(url: try TestPostgres.freshDatabase())
    }

    @Test func parametersRoundTripAndNeverBecomeSQL() throws {
        let db = try connect()
        #expect(db.serverVersion >= 150_000)
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY, text text, at bigint)")
        let hostile = "Robert'); DROP TABLE t; -- ☕ ñ"
        let inserted = try db.query("INSERT INTO t (id, text, at) VALUES ($1, $2, $3), ($4, $5, $6)",
                                    ["1", hostile, "1780000000123", "2", nil, nil])
        #expect(inserted.affectedRows == 2)
        let rows = try db.query("SELECT id, text, at, text IS NULL FROM t ORDER BY id")
        #expect(rows.rowCount == 2)
        #expect(rows.string(0, 1) == hostile)
        #expect(rows.int64(0, 2) == 1_780_000_000_123)
        #expect(rows.string(1, 1) == nil && rows.isNull(1, 1))
        #expect(rows.bool(1, 3) == true)
        #expect(rows.columnName(1) == "text")
        #expect(try db.query("SELECT count(*) FROM t").int64(0, 0) == 2)   // the table is still there
    }

    /// A statement is parsed once per connection and run by name after that (the server
    /// lists it in `pg_prepared_statements`); what can undo a prepared statement does not
    /// break the next run of its text.
    @Test func statementsArePreparedOncePerConnection() throws {
        let db = try connect()
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY, text text)")
        for i in 1...3 { try db.query("INSERT INTO t (id, text) VALUES ($1, $2)", [String(i), "n\(i)"]) }
        #expect(try db.query("SELECT text FROM t WHERE id = $1", ["2"]).string(0, 0) == "n2")
        let listed = try db.query("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time")
        let statements = (0..<listed.rowCount).compactMap { listed.string($0, 0) }
        #expect(statements.filter { $0.hasPrefix("INSERT INTO t") }.count == 1, "\(statements)")
        #expect(statements.contains("SELECT text FROM t WHERE id = $1"), "\(statements)")
        #expect(db.preparedCount == statements.count)

        // First prepared inside a transaction that rolled back: still there.
        try db.execute("BEGIN")
        #expect(try db.query("SELECT count(*) FROM t WHERE id > $1", ["0"]).int64(0, 0) == 3)
        try db.execute("ROLLBACK")
        try db.execute("BEGIN")
        #expect(try db.query("SELECT count(*) FROM t WHERE id > $1", ["0"]).int64(0, 0) == 3)
        try db.execute("COMMIT")

        // Its columns changed by a migration (another host's): prepared again, and run.
        #expect(try db.query("SELECT * FROM t WHERE id = $1", ["1"]).columnCount == 2)
        try db.execute("ALTER TABLE t ADD COLUMN at bigint")
        #expect(try db.query("SELECT * FROM t WHERE id = $1", ["1"]).columnCount == 3)

        // Dropped on the server (DEALLOCATE ALL, as a pooler may): prepared again, and run.
        try db.execute("DEALLOCATE ALL")
        #expect(try db.query("SELECT text FROM t WHERE id = $1", ["3"]).string(0, 0) == "n3")

        // Inside a transaction the statement's failure ends it: as `busy`, which the pool
        // answers by running the whole transaction again, and the statement is prepared anew.
        try db.execute("DEALLOCATE ALL")
        try db.execute("BEGIN")
        let stale = failure { try db.query("SELECT text FROM t WHERE id = $1", ["3"]) }
        #expect(stale?.code == .busy && stale?.sqlState == "26000", "\(String(describing: stale))")
        try db.execute("ROLLBACK")
        try db.execute("BEGIN")
        #expect(try db.query("SELECT text FROM t WHERE id = $1", ["3"]).string(0, 0) == "n3")
        try db.execute("COMMIT")
    }

    @Test func errorsAreClassifiedAndTheConnectionStaysUsable() throws {
        let db = try connect()
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY, ref bigint REFERENCES t(id))")
        try db.query("INSERT INTO t (id) VALUES ($1)", ["1"])
        let duplicate = failure { try db.query("INSERT INTO t (id) VALUES ($1)", ["1"]) }
        #expect(duplicate?.code == .conflict)
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.message.contains("duplicate key") == true)
        let dangling = failure { try db.query("INSERT INTO t (id, ref) VALUES (2, 99)") }
        #expect(dangling?.code == .constraint && dangling?.sqlState == "23503")
        let syntax = failure { try db.query("SELEC nonsense") }
        #expect(syntax?.code == .misuse && syntax?.sqlState == "42601")
        // After the errors the same connection still answers.
        #expect(try db.query("SELECT 1").int64(0, 0) == 1)
    }

    /// The error `body` threw, or nil.
    func failure(_ body: () throws -> Void) -> StoreError? {
        do { try body(); return nil } catch { return error as? StoreError }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        let db = try connect()
        try db.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction { c in
                try c.query("INSERT INTO t (id) VALUES (1)")
                throw Stop()
            }
        }
        try db.transaction { c in try c.query("INSERT INTO t (id) VALUES (2)") }
        let rows = try db.query("SELECT id FROM t")
        #expect(rows.rowCount == 1 && rows.int64(0, 0) == 2)
    }

    @Test func skipLockedGivesTwoConnectionsDisjointClaims() throws {
        let url = try TestPostgres.freshDatabase()
        let a = try PostgresConnection(url: url), b = try PostgresConnection(url: url)
        try a.execute("CREATE TABLE outbox (id bigint PRIMARY KEY, state text NOT NULL)")
        try a.execute("INSERT INTO outbox SELECT g, 'queued' FROM generate_series(1, 10) g")
        let claim = "SELECT id FROM outbox WHERE state = 'queued' ORDER BY id LIMIT 4 FOR UPDATE SKIP LOCKED"
        try a.execute("BEGIN")
        let first = try a.query(claim)
        try b.execute("BEGIN")
        let second = try b.query(claim)   // does not wait for a's locks, takes the next rows
        let ids = { (r: PostgresResult) in (0..<r.rowCount).compactMap { r.int64($0, 0) } }
        #expect(ids(first) == [1, 2, 3, 4])
        #expect(ids(second) == [5, 6, 7, 8])
        try a.execute("COMMIT"); try b.execute("COMMIT")
    }

    @Test func aWrongURLIsAClearErrorNamingTheSettingWithoutThePassword() throws {
        let base = try TestPostgres.url.get()
        // A database that does not exist.
        let missing = base.replacingOccurrences(of: "/switchboard?", with: "/no_such_db?")
        let noDatabase = failure { _ = try PostgresConnection(url: missing) }
        #expect(noDatabase?.code == .cannotOpen)
        #expect(noDatabase?.message.hasPrefix("storage.postgres: cannot connect") == true)
        #expect(noDatabase?.message.contains("no_such_db") == true, "\(String(describing: noDatabase))")
        // Nobody listening, with a password in the URL: the password never shows.
        let nowhere = "postgresql://app:s3cret-pw@127.0.0.1:1/db?connect_timeout=2"
        let refused = failure { _ = try PostgresConnection(url: nowhere) }
        #expect(refused?.code == .cannotOpen)
        #expect(refused.map { !$0.description.contains("s3cret-pw") } == true)
        #expect(refused?.path == "postgresql://app:***@127.0.0.1:1/db?connect_timeout=2")
        // Not a URL at all.
        let broken = failure { _ = try PostgresConnection(url: "postgres://[broken", setting: "storage.postgres") }
        #expect(broken?.code == .cannotOpen)
        #expect(broken?.message.hasPrefix("storage.postgres:") == true)
    }

    @Test func redactionCoversBothURLForms() {
        #expect(PostgresConnection.redact("postgres://u:p@h/db") == "postgres://u:***@h/db")
        #expect(PostgresConnection.redact("postgres://u@h/db") == "postgres://u@h/db")
        #expect(PostgresConnection.redact("host=h password=secret dbname=x") == "host=h password=*** dbname=x")
        #expect(PostgresConnection.redact("host=h password='a b' dbname=x") == "host=h password=*** dbname=x")
    }
}
