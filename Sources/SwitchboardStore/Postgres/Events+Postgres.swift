import Foundation
import SwitchboardCore

struct PostgresEventRepository: EventRepository {
    let scope: PostgresScope

    /// The first key of the journal's lock ("jrnl" in ASCII); the second is the workspace's hash.
    static let journalLockClass: Int32 = 0x6a72_6e6c

    static let columns = "id, workspace_id, conversation_id, message_id, channel_id, kind, detail_json, created_at"

    static func read(_ r: PostgresRow) throws(StoreError) -> Event {
        Event(
            id: r.int64(0), workspaceID: WorkspaceID(r.string(1)),
            conversationID: r.optionalString(2).map { ConversationID($0) },
            messageID: r.optionalString(3).map { MessageID($0) },
            channelID: r.optionalString(4).map { ChannelID($0) },
            kind: try r.enumValue(5, EventKind.self), detailJSON: r.string(6), createdAt: r.date(7))
    }

    /// Appends on `db`, inside the caller's transaction (other repositories journal
    /// their changes this way).
    ///
    /// The cursor (`EventRepository`): an event visible later has a greater id than every
    /// event of its workspace visible before. A sequence alone does not keep that (an id
    /// taken by a transaction that commits after a later id's), so the append first takes
    /// the workspace's journal lock (`pg_advisory_xact_lock`, held until this transaction
    /// ends) and only then its id: the transactions journalling in one workspace hand out
    /// ids and commit one after the other, and the lock is released after the commit is
    /// visible. Other workspaces, and transactions that journal nothing, do not wait. (The
    /// cost: a transaction holds its workspace's journal from its first append to its
    /// commit; renumbering at COMMIT would shorten that, at the price of ids that change
    /// after `append` returned them.)
    static func append(_ db: PostgresDB, _ scope: PostgresScope, _ new: NewEvent) throws -> Event {
        let now = scope.now()
        // One statement, one round trip: the lock first (the two-key form: a key space
        // apart from the store's one-key advisory locks, hand-overs and contacts, so no
        // workspace name can collide with one of theirs), in a CTE of its own
        // (MATERIALIZED: evaluated before the row it feeds exists), then the row and its
        // id, then the announcement to every host listening on this database
        // (`PostgresJournalListener`): NOTIFY is delivered when the transaction commits,
        // and not at all when it rolls back. The payload is the id and the workspace
        // (`JournalAnnouncement`), never content: a listener reads the journal by cursor.
        let id = try db.queryOne(
            """
            WITH journal_lock AS MATERIALIZED (
                SELECT pg_advisory_xact_lock(\(Self.journalLockClass), hashtext(?::text))
            ), appended AS (
                INSERT INTO events (workspace_id, conversation_id, message_id, channel_id, kind, detail_json, created_at)
                SELECT ?, ?, ?, ?, ?, ?, ?::bigint FROM journal_lock RETURNING id
            )
            SELECT id, pg_notify('\(JournalAnnouncement.channel)', id::text || ' ' || ?::text) FROM appended
            """,
            [scope.workspaceID, scope.workspaceID, new.conversationID, new.messageID, new.channelID, new.kind,
             new.detailJSON, now, scope.workspaceID]) { $0.int64(0) } ?? 0
        return Event(
            id: id, workspaceID: scope.workspaceID, conversationID: new.conversationID,
            messageID: new.messageID, channelID: new.channelID, kind: new.kind, detailJSON: new.detailJSON,
            createdAt: now)
    }

    func append(_ event: NewEvent) throws -> Event {
        try scope.write { db in try Self.append(db, scope, event) }
    }

    // The journal's cursor is the event id, as on SQLite; `append` keeps ids in commit
    // order per workspace (see there), so a reader following `after:` never passes an id
    // whose transaction commits later (`JournalCursorTests`).
    func list(conversation: ConversationID?, after: Int64?, limit: Int) throws -> [Event] {
        try scope.read { db in
            if let conversation {
                return try db.query(
                    """
                    SELECT \(Self.columns) FROM events
                    WHERE workspace_id = ? AND conversation_id = ? AND id > ? ORDER BY id LIMIT ?
                    """,
                    [scope.workspaceID, conversation, after ?? 0, max(0, limit)], Self.read)
            }
            return try db.query(
                "SELECT \(Self.columns) FROM events WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                [scope.workspaceID, after ?? 0, max(0, limit)], Self.read)
        }
    }

    func tail(conversation: ConversationID?, before: Int64?, limit: Int) throws -> [Event] {
        let before = before ?? Int64.max
        let newestFirst = try scope.read { db in
            if let conversation {
                return try db.query(
                    """
                    SELECT \(Self.columns) FROM events
                    WHERE workspace_id = ? AND conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                    """,
                    [scope.workspaceID, conversation, before, max(0, limit)], Self.read)
            }
            return try db.query(
                "SELECT \(Self.columns) FROM events WHERE workspace_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                [scope.workspaceID, before, max(0, limit)], Self.read)
        }
        return newestFirst.reversed()
    }
}
