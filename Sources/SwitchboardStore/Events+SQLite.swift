import Foundation
import SwitchboardCore

struct SQLiteEventRepository: EventRepository {
    let scope: SQLiteScope

    static let columns = "id, workspace_id, conversation_id, message_id, channel_id, kind, detail_json, created_at"

    static func read(_ r: SQLiteRow) throws(StoreError) -> Event {
        Event(
            id: r.int64(0), workspaceID: WorkspaceID(r.string(1)),
            conversationID: r.optionalString(2).map { ConversationID($0) },
            messageID: r.optionalString(3).map { MessageID($0) },
            channelID: r.optionalString(4).map { ChannelID($0) },
            kind: try r.enumValue(5, EventKind.self), detailJSON: r.string(6), createdAt: r.date(7))
    }

    /// Appends on `db`, inside the caller's transaction (other repositories journal
    /// their changes this way).
    static func append(_ db: SQLiteConnection, _ scope: SQLiteScope, _ new: NewEvent) throws -> Event {
        let now = scope.now()
        try db.run(
            """
            INSERT INTO events (workspace_id, conversation_id, message_id, channel_id, kind, detail_json, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [scope.workspaceID, new.conversationID, new.messageID, new.channelID, new.kind, new.detailJSON, now])
        return Event(
            id: db.lastInsertRowID, workspaceID: scope.workspaceID, conversationID: new.conversationID,
            messageID: new.messageID, channelID: new.channelID, kind: new.kind, detailJSON: new.detailJSON,
            createdAt: now)
    }

    func append(_ event: NewEvent) throws -> Event {
        try scope.write { db in try Self.append(db, scope, event) }
    }

    func list(conversation: ConversationID?, after: Int64?, limit: Int) throws -> [Event] {
        try scope.read { db in
            if let conversation {
                // One statement, so one snapshot: the batched index (see migration 8) up
                // to its progress mark, then the events after it, which it does not hold yet.
                return try db.query(
                    """
                    SELECT \(Self.columns) FROM events WHERE id IN (
                        SELECT event_id FROM conversation_events
                        WHERE workspace_id = ?1 AND conversation_id = ?2 AND event_id > ?3
                        ORDER BY event_id LIMIT ?4)
                    UNION ALL
                    SELECT \(Self.columns) FROM events
                    WHERE workspace_id = ?1 AND conversation_id = ?2
                      AND id > max(?3, (SELECT indexed_event_id FROM journal_progress WHERE id = 1))
                    ORDER BY id LIMIT ?4
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
                // As in `list`: the batched index, then the events it does not hold yet.
                return try db.query(
                    """
                    SELECT \(Self.columns) FROM (
                        SELECT \(Self.columns) FROM events WHERE id IN (
                            SELECT event_id FROM conversation_events
                            WHERE workspace_id = ?1 AND conversation_id = ?2 AND event_id < ?4
                            ORDER BY event_id DESC LIMIT ?3)
                        UNION ALL
                        SELECT \(Self.columns) FROM events
                        WHERE workspace_id = ?1 AND conversation_id = ?2 AND id < ?4
                          AND id > (SELECT indexed_event_id FROM journal_progress WHERE id = 1))
                    ORDER BY id DESC LIMIT ?3
                    """,
                    [scope.workspaceID, conversation, max(0, limit), before], Self.read)
            }
            return try db.query(
                "SELECT \(Self.columns) FROM events WHERE workspace_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                [scope.workspaceID, before, max(0, limit)], Self.read)
        }
        return newestFirst.reversed()
    }
}
