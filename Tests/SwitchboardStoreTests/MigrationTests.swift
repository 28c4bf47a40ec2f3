import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct MigrationTests {
    @Test func emptyDatabaseMigratesToLatest() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("new.db"), options: testOptions())
        #expect(try store.schemaVersion == SQLiteSchema.latestVersion)
        let applied = try store.pool.read { db in
            try db.query("SELECT version, name FROM schema_migrations ORDER BY version") { "\($0.int64(0)) \($0.string(1))" }
        }
        #expect(applied == SQLiteSchema.migrations.map { "\($0.version) \($0.name)" })
        let userVersion = try store.pool.read { db in try db.queryOne("PRAGMA user_version") { $0.int64(0) } }
        #expect(userVersion == Int64(SQLiteSchema.latestVersion))
        // Every table exists and the store works end to end.
        _ = try store.syncWorkspaces([definition("a")])
        let conversation = try makeConversation(store.workspace("a"))
        #expect(try store.workspace("a").conversations.get(conversation.id) == conversation)
    }

    @Test func thereAreSeveralVersionsToMigrateFrom() {
        #expect(SQLiteSchema.latestVersion >= 3)
        #expect(SQLiteSchema.migrations.map(\.version) == Array(1...SQLiteSchema.latestVersion))
    }

    @Test func reopeningDoesNotRunMigrationsAgain() throws {
        let dir = TempDir()
        try SQLiteStore(path: dir.file("x.db"), options: testOptions()).close()
        let store = try SQLiteStore(path: dir.file("x.db"), options: testOptions())
        let count = try store.pool.read { db in try db.queryOne("SELECT count(*) FROM schema_migrations") { $0.int64(0) } }
        #expect(count == Int64(SQLiteSchema.latestVersion))
    }

    /// Rows written with plain SQL at an old schema version (the columns of version 1,
    /// which later migrations have not changed), as a program of that version would have.
    static func seed(_ db: SQLiteConnection) throws {
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
            INSERT INTO plugin_state VALUES ('old', 'faq', 'hits', x'0102', 1004);
            """)
    }

    @Test(arguments: 1..<SQLiteSchema.latestVersion)
    func everyEarlierVersionMigratesWithDataKept(from version: Int) throws {
        let dir = TempDir()
        let path = dir.file("v\(version).db")
        let old = try SQLiteStore(path: path, options: testOptions(), schemaVersion: version)
        #expect(try old.schemaVersion == version)
        try old.pool.write { db in try Self.seed(db) }
        old.close()

        let store = try SQLiteStore(path: path, options: testOptions())
        #expect(try store.schemaVersion == SQLiteSchema.latestVersion)
        let ws = store.workspace("old")
        #expect(try ws.record()?.name == "Old Shop")
        let contact = try #require(try ws.contacts.find(e164: "+254700000001"))
        #expect(contact.profileName == "Wanjiru")
        #expect(contact.rawPhone == "254700000001")
        let conversation = try #require(try ws.conversations.get(ConversationID("cv_1")))
        #expect(conversation.state == .human)
        #expect(conversation.assignedTo == "agent-1")
        #expect(conversation.lastInboundAt == Date(millisecondsSince1970: 1002))
        let messages = try ws.messages.list(conversation: conversation.id, after: nil, limit: 10)
        #expect(messages.map(\.id.rawValue) == ["msg_1", "msg_2"])
        #expect(messages.last?.status == .delivered)
        // Messages stored before full-text search existed are searchable after migrating.
        waitForSearchIndex(store)
        #expect(try ws.messages.search("chapati westlands", limit: 5).map(\.id.rawValue) == ["msg_1"])
        #expect(try store.workspace("other").messages.search("chapati", limit: 5).isEmpty)
        let events = try ws.events.list(conversation: nil, after: nil, limit: 10)
        #expect(events.map(\.kind) == [.stateChanged])
        #expect(events.first?.detail?["to"] == "human")
        // The conversation's journal, found through the lookup migration 8 filled.
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10) == events)
        #expect(try ws.events.tail(conversation: conversation.id, limit: 10) == events)
        #expect(try ws.pluginState.get(plugin: "faq", key: "hits") == [1, 2])
        // The old data keeps working with the new code: dedup, transitions, new rows.
        #expect(try ws.messages.insertInbound(inbound(conversation, "wamid.OLD1", "again")).duplicateID == MessageID("msg_1"))
        #expect(try ws.conversations.transition(conversation.id, .handBack).conversation.state == .bot)
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "Karibu tena"))
        waitForSearchIndex(store)
        #expect(try ws.messages.search("karibu", limit: 5).map(\.id) == [reply.id])
        let violations = try store.pool.read { db in try db.query("PRAGMA foreign_key_check") { $0.string(0) } }
        #expect(violations.isEmpty)
    }

    /// Two hosts starting at once on a new file: each migration runs once.
    @Test func concurrentOpeningMigratesOnce() throws {
        for round in 0..<5 {
            let dir = TempDir()
            let path = dir.file("race\(round).db")
            let errors = LockedBox<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                do { try SQLiteStore(path: path, options: testOptions()).close() } catch { errors.update { $0.append("\(error)") } }
            }
            #expect(errors.get() == [])
            let store = try SQLiteStore(path: path, options: testOptions())
            let versions = try store.pool.read { db in try db.query("SELECT version FROM schema_migrations ORDER BY version") { $0.int64(0) } }
            #expect(versions == SQLiteSchema.migrations.map { Int64($0.version) })
        }
    }

    @Test func aNewerSchemaIsRefusedWithAClearError() throws {
        let dir = TempDir()
        let path = dir.file("future.db")
        let store = try SQLiteStore(path: path, options: testOptions())
        try store.pool.write { db in
            try db.run("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)")
        }
        store.close()
        let error = storeError { _ = try SQLiteStore(path: path, options: testOptions()) }
        #expect(error?.code == .migration)
        #expect(error?.description == "\(path): database schema is version 99, newer than this switchboard knows (\(SQLiteSchema.latestVersion)); upgrade switchboard")
    }

    /// Every index of a workspace table leads with `workspace_id`, except the global
    /// identities listed in SQLiteSchema's comment.
    @Test func indexesLeadWithWorkspace() throws {
        let dir = TempDir()
        let store = try SQLiteStore(path: dir.file("x.db"), options: testOptions())
        let allowed: Set<[String]> = [["id"], ["channel_id", "provider_message_id"]]
        var checked = 0
        try store.pool.read { db in
            for table in ["contacts", "conversations", "messages", "events", "plugin_state", "conversation_events"] {
                let indexes = try db.query("SELECT name FROM pragma_index_list(?)", [table]) { $0.string(0) }
                for index in indexes {
                    let columns = try db.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index]) { $0.string(0) }
                    checked += 1
                    #expect(columns.first == "workspace_id" || allowed.contains(columns), "\(table).\(index): \(columns)")
                }
                let workspaceColumn = try db.queryOne(
                    "SELECT \"notnull\" FROM pragma_table_info(?) WHERE name = 'workspace_id'", [table]) { $0.int64(0) }
                #expect(workspaceColumn == 1, "\(table).workspace_id is NOT NULL")
                let references = try db.query("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)", [table]) { "\($0.string(0)).\($0.string(1))" }
                #expect(references.contains("workspaces.workspace_id"), "\(table) references workspaces: \(references)")
            }
        }
        #expect(checked > 10)
    }
}
