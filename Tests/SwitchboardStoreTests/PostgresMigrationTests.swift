import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// The PostgreSQL schema's migrations against the test server: from an empty database,
/// from each earlier version with data kept, once when several hosts start at once, a
/// newer schema refused, and the isolation rules of the schema (workspace first).
@Suite struct PostgresMigrationTests {
    func open(_ url: String, version: Int = PostgresSchema.latestVersion) throws -> PostgresStore {
        try PostgresStore(url: url, setting: "storage.postgres", poolSize: 2, options: testOptions(), schemaVersion: version)
    }

    @Test func theMigrationsMirrorSQLitesNumbersAndNames() {
        #expect(PostgresSchema.migrations.map(\.version) == Array(1...PostgresSchema.latestVersion))
        #expect(PostgresSchema.migrations.map { "\($0.version) \($0.name)" }
                == SQLiteSchema.migrations.map { "\($0.version) \($0.name)" })
    }

    @Test func emptyDatabaseMigratesToLatest() throws {
        let store = try open(try TestPostgres.freshDatabase(prefix: "mig"))
        #expect(try store.schemaVersion == PostgresSchema.latestVersion)
        let applied = try store.pool.read { db in
            try db.query("SELECT version, name FROM schema_migrations ORDER BY version") { "\($0.int64(0)) \($0.string(1))" }
        }
        #expect(applied == PostgresSchema.migrations.map { "\($0.version) \($0.name)" })
        _ = try store.syncWorkspaces([definition("a")])
        let conversation = try makeConversation(store.workspace("a"))
        #expect(try store.workspace("a").conversations.get(conversation.id) == conversation)
        // Reopening runs nothing again.
        store.close()
        let again = try open(store.pool.url)
        #expect(try again.pool.read { db in try db.queryOne("SELECT count(*) FROM schema_migrations") { $0.int64(0) } }
                == Int64(PostgresSchema.latestVersion))
    }

    /// `hasEarlierInbound` runs for every job. From migration 7 to 19 nothing indexed it:
    /// each job of a backlog scanned every pending job (0.6 ms a look with 10,000 pending
    /// against 0.1 with the index). The plan with scans priced out names the index.
    @Test func theEarlierJobLookUpUsesAnIndex() throws {
        let store = try open(try TestPostgres.freshDatabase(prefix: "mig"))
        let plan = try store.pool.write { db -> [String] in
            try db.execute("SET LOCAL enable_seqscan = off")
            return try db.query("EXPLAIN " + PostgresQueueStore.earlierInboundQuery, ["ws", "cv_1", Int64(10)]) { $0.string(0) }
        }
        #expect(plan.joined(separator: "\n").contains("inbound_jobs_by_conversation"), "\(plan)")
        #expect(!plan.joined(separator: "\n").contains("Seq Scan"), "\(plan)")
    }

    /// Rows written with plain SQL at version 1's columns, as a program of that version would have.
    static func seed(_ db: PostgresDB) throws {
        try db.execute("""
            INSERT INTO workspaces VALUES ('old', 'Old Shop', 'KE', 'Africa/Nairobi', 1, 'h0', 1000, 1000);
            INSERT INTO workspaces VALUES ('other', 'Other', 'NG', 'Africa/Lagos', 1, 'h0', 1000, 1000);
            INSERT INTO contacts VALUES ('ct_1', 'old', '+254700000001', '254700000001', 'Wanjiru', 1001);
            INSERT INTO conversations VALUES ('cv_1', 'old', 'wa-ke', 'ct_1', 'human', 'agent-1', 1002, 1002, 1003);
            INSERT INTO messages (id, workspace_id, conversation_id, channel_id, direction, kind, text,
                provider_message_id, status, created_at, updated_at)
            VALUES ('msg_1', 'old', 'cv_1', 'wa-ke', 'inbound', 'text', 'Do you deliver chapati to Westlands?',
                'wamid.OLD1', NULL, 1002, 1002),
                   ('msg_2', 'old', 'cv_1', 'wa-ke', 'outbound', 'text', 'Yes, every morning.',
                'wamid.OLD2', 'delivered', 1003, 1003);
            INSERT INTO events (workspace_id, conversation_id, kind, detail_json, created_at)
            VALUES ('old', 'cv_1', 'state_changed', '{"from":"bot","to":"human","trigger":"handoff"}', 1003);
            INSERT INTO plugin_state VALUES ('old', 'faq', 'hits', '\\x0102', 1004);
            """)
    }

    @Test(arguments: 1..<PostgresSchema.latestVersion)
    func everyEarlierVersionMigratesWithDataKept(from version: Int) throws {
        let url = try TestPostgres.freshDatabase(prefix: "mig")
        let old = try open(url, version: version)
        #expect(try old.schemaVersion == version)
        try old.pool.write { db in try Self.seed(db) }
        old.close()

        let store = try open(url)
        #expect(try store.schemaVersion == PostgresSchema.latestVersion)
        let ws = store.workspace("old")
        #expect(try ws.record()?.name == "Old Shop")
        let contact = try #require(try ws.contacts.find(e164: "+254700000001"))
        #expect(contact.profileName == "Wanjiru")
        let conversation = try #require(try ws.conversations.get(ConversationID("cv_1")))
        #expect(conversation.state == .human)
        #expect(conversation.lastInboundAt == Date(millisecondsSince1970: 1002))
        let messages = try ws.messages.list(conversation: conversation.id, after: nil, limit: 10)
        #expect(messages.map(\.id.rawValue) == ["msg_1", "msg_2"])
        #expect(messages.last?.status == .delivered)
        // Messages stored before full-text search existed are searchable after migrating.
        #expect(try ws.messages.search("chapati westlands", limit: 5).map(\.id.rawValue) == ["msg_1"])
        #expect(try store.workspace("other").messages.search("chapati", limit: 5).isEmpty)
        let events = try ws.events.list(conversation: nil, after: nil, limit: 10)
        #expect(events.map(\.kind) == [.stateChanged])
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10) == events)
        #expect(try ws.pluginState.get(plugin: "faq", key: "hits") == [1, 2])
        // The old data keeps working with the new code: dedup, transitions, new rows.
        #expect(try ws.messages.insertInbound(inbound(conversation, "wamid.OLD1", "again")).duplicateID == MessageID("msg_1"))
        #expect(try ws.conversations.transition(conversation.id, .handBack).conversation.state == .bot)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "Karibu tena"))
        #expect(try ws.messages.search("karibu", limit: 5).map(\.id) == [reply.id])
    }

    /// Several hosts starting at once on a new database: each migration runs once.
    @Test func concurrentOpeningMigratesOnce() throws {
        let url = try TestPostgres.freshDatabase(prefix: "mig")
        let errors = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { try open(url).close() } catch { errors.update { $0.append("\(error)") } }
        }
        #expect(errors.get() == [])
        let store = try open(url)
        let versions = try store.pool.read { db in try db.query("SELECT version FROM schema_migrations ORDER BY version") { $0.int64(0) } }
        #expect(versions == PostgresSchema.migrations.map { Int64($0.version) })
    }

    @Test func aNewerSchemaIsRefusedWithAClearError() throws {
        let url = try TestPostgres.freshDatabase(prefix: "mig")
        let store = try open(url)
        try store.pool.write { db in try db.run("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)") }
        store.close()
        let error = storeError { _ = try open(url) }
        #expect(error?.code == .migration)
        #expect(error?.description == "\(PostgresConnection.redact(url)): database schema is version 99, newer than this switchboard knows (\(PostgresSchema.latestVersion)); upgrade switchboard")
    }

    @Test func aWrongURLIsAClearErrorNamingTheSetting() throws {
        let error = storeError { _ = try PostgresStore(url: "postgresql://app:s3cret@127.0.0.1:1/db?connect_timeout=2") }
        #expect(error?.code == .cannotOpen)
        #expect(error?.message.hasPrefix("storage.postgres: cannot connect") == true)
        #expect(error.map { !$0.description.contains("s3cret") } == true)
    }

    /// Every index of a workspace table leads with `workspace_id` (except the global
    /// identities, as on SQLite); `workspace_id` is NOT NULL and references `workspaces`.
    @Test func indexesLeadWithWorkspace() throws {
        let store = try open(try TestPostgres.freshDatabase(prefix: "mig"))
        let tables = try store.pool.read { db in
            try db.query("""
                SELECT table_name FROM information_schema.columns
                WHERE table_schema = 'public' AND column_name = 'workspace_id' AND table_name <> 'audit_log' ORDER BY table_name
                """) { $0.string(0) }
        }
        #expect(tables.count >= 15)
        // Global by design: primary keys and credential hashes, the provider's message id
        // per channel (dedup across workspaces), the full-text index (a query filters
        // its workspace), and the outbox's claim index (a channel's sender claims across
        // the workspaces it serves), as on SQLite.
        let allowed: Set<String> = ["id", "channel_id,provider_message_id", "id_hash", "token_hash", "seq", "search",
                                    "channel_id,state,id"]
        for table in tables {
            let indexes = try store.pool.read { db in
                try db.query("""
                    SELECT i.relname, string_agg(a.attname, ',' ORDER BY k.n)
                    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                    CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                    WHERE t.relname = ? GROUP BY i.relname
                    """, [table]) { ($0.string(0), $0.string(1)) }
            }
            for (name, columns) in indexes {
                #expect(columns.hasPrefix("workspace_id") || allowed.contains(columns), "\(table).\(name): \(columns)")
            }
            let nullable = try store.pool.read { db in
                try db.queryOne("""
                    SELECT is_nullable FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = ? AND column_name = 'workspace_id'
                    """, [table]) { $0.string(0) }
            }
            #expect(nullable == "NO", "\(table).workspace_id is NOT NULL")
            let references = try store.pool.read { db in
                try db.queryOne("""
                    SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                    WHERE t.relname = ? AND c.contype = 'f' AND c.confrelid = 'workspaces'::regclass
                    """, [table]) { $0.int64(0) }
            }
            #expect(references == 1, "\(table) references workspaces")
        }
    }
}
