import Foundation
import SwitchboardCore

struct PostgresDataCareRepository: DataCareRepository {
    let scope: PostgresScope

    /// The conversations of one contact (bound to ?1 workspace, ?2 contact).
    private static let conversationsOfContact =
        "SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2"

    func export(contact id: ContactID) throws -> ContactDataExport? {
        try scope.read { db in
            guard let contact = try db.queryOne(
                "SELECT \(PostgresContactRepository.columns) FROM contacts WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id], PostgresContactRepository.read) else { return nil }
            let conversations = try db.query(
                "SELECT \(PostgresConversationRepository.columns) FROM conversations WHERE workspace_id = ? AND contact_id = ? ORDER BY created_at, id",
                [scope.workspaceID, id], PostgresConversationRepository.read)
            let messages = try db.query(
                """
                SELECT \(PostgresMessageRepository.columns) FROM messages
                WHERE workspace_id = ?1 AND conversation_id IN (\(Self.conversationsOfContact)) ORDER BY seq
                """,
                [scope.workspaceID, id], PostgresMessageRepository.read)
            let events = try db.query(
                """
                SELECT \(PostgresEventRepository.columns) FROM events
                WHERE workspace_id = ?1 AND id IN (\(Self.eventIDs)) ORDER BY id
                """,
                [scope.workspaceID, id], PostgresEventRepository.read)
            let profile = try db.queryOne(
                "SELECT name, attributes_json FROM contact_profiles WHERE workspace_id = ? AND contact_id = ?",
                [scope.workspaceID, id]) { ($0.optionalString(0), $0.string(1)) }
            let notes = try db.query(
                "SELECT author, text, created_at FROM contact_notes WHERE workspace_id = ? AND contact_id = ? ORDER BY created_at",
                [scope.workspaceID, id]) { ContactDataExport.Note(author: $0.string(0), text: $0.string(1), createdAt: $0.date(2)) }
            let aliases = try db.query(
                "SELECT kind, value FROM contact_aliases WHERE workspace_id = ? AND contact_id = ? ORDER BY kind, value",
                [scope.workspaceID, id]) { ContactAlias(kind: $0.string(0), value: $0.string(1)) }
            return ContactDataExport(contact: contact, conversations: conversations, messages: messages, events: events,
                                     agentName: profile?.0, attributesJSON: profile?.1 ?? "{}", notes: notes, aliases: aliases)
        }
    }

    /// The journal of a contact's conversations.
    private static let eventIDs = """
        SELECT id FROM events
        WHERE workspace_id = ?1 AND conversation_id IN (\(conversationsOfContact))
        """

    func erase(contact id: ContactID) throws -> ErasureReport? {
        try scope.write { db in
            let exists = try db.queryOne("SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?",
                                         [scope.workspaceID, id]) { _ in true } ?? false
            guard exists else { return nil }
            let now = scope.now()
            let conversations = try db.queryOne(
                "SELECT count(*) FROM conversations WHERE workspace_id = ? AND contact_id = ?",
                [scope.workspaceID, id]) { $0.int64(0) } ?? 0
            // Replies still queued are not sent to someone who asked to be forgotten.
            let cancelled = try db.query(
                """
                SELECT message_id FROM outbox
                WHERE workspace_id = ?1 AND state = 'queued' AND conversation_id IN (\(Self.conversationsOfContact))
                """,
                [scope.workspaceID, id]) { $0.string(0) }
            for message in cancelled {
                _ = try db.run(
                    "UPDATE messages SET status = 'failed', error_code = 'erased', error_title = 'contact erased before sending', updated_at = ? WHERE workspace_id = ? AND id = ?",
                    [now, scope.workspaceID, message])
            }
            _ = try db.run(
                """
                DELETE FROM outbox
                WHERE workspace_id = ?1 AND state = 'queued' AND conversation_id IN (\(Self.conversationsOfContact))
                """,
                [scope.workspaceID, id])
            // Entries being sent now keep their body until they settle; none is left after.
            _ = try db.run(
                """
                UPDATE outbox SET body_json = '{}'
                WHERE workspace_id = ?1 AND state <> 'sending' AND conversation_id IN (\(Self.conversationsOfContact))
                """,
                [scope.workspaceID, id])
            let messages = try db.run(
                """
                UPDATE messages SET text = NULL, payload_json = NULL, error_title = CASE WHEN error_code = 'erased' THEN error_title END
                WHERE workspace_id = ?1 AND conversation_id IN (\(Self.conversationsOfContact))
                """,
                [scope.workspaceID, id])
            // Journal details a responder wrote (verdicts, plugin events and errors) may
            // quote the customer; the pipeline's own (states, deliveries, ids) do not, and
            // reports read them: those stay.
            let events = try db.run(
                """
                UPDATE events SET detail_json = '{"erased":"true"}'
                WHERE workspace_id = ?1 AND id IN (\(Self.eventIDs)) AND kind IN ('verdict', 'plugin_event', 'plugin_error')
                """,
                [scope.workspaceID, id])
            // Their media: the records are marked deleted (the messages' media answers 410);
            // the caller removes the files no other record names.
            let mediaFiles = try db.query(
                """
                SELECT DISTINCT sha256 FROM media_files
                WHERE workspace_id = ?1 AND deleted_at IS NULL AND message_id IN (
                    SELECT id FROM messages WHERE workspace_id = ?1 AND conversation_id IN (\(Self.conversationsOfContact)))
                """,
                [scope.workspaceID, id]) { $0.string(0) }
            _ = try db.run(
                """
                UPDATE media_files SET deleted_at = ?3, filename = NULL
                WHERE workspace_id = ?1 AND deleted_at IS NULL AND message_id IN (
                    SELECT id FROM messages WHERE workspace_id = ?1 AND conversation_id IN (\(Self.conversationsOfContact)))
                """,
                [scope.workspaceID, id, now])
            // What agents wrote about the person: the name they gave, attributes, notes.
            _ = try db.run("DELETE FROM contact_profiles WHERE workspace_id = ? AND contact_id = ?", [scope.workspaceID, id])
            _ = try db.run("DELETE FROM contact_notes WHERE workspace_id = ? AND contact_id = ?", [scope.workspaceID, id])
            // Its other addresses (LID, business-scoped user id) are personal data too: a
            // later message from one of them starts a new contact.
            _ = try db.run("DELETE FROM contact_aliases WHERE workspace_id = ? AND contact_id = ?", [scope.workspaceID, id])
            // The number is personal data: the row keeps its id (conversations point at
            // it) and a placeholder that no real number can equal.
            _ = try db.run(
                "UPDATE contacts SET e164 = 'erased:' || id, raw_phone = NULL, profile_name = NULL WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id])
            return ErasureReport(contact: id, conversations: Int(conversations), messages: messages, events: events,
                                 cancelledReplies: cancelled.count, mediaFiles: mediaFiles)
        }
    }

    func expireContent(before cutoff: Date, limit: Int) throws -> Int {
        try scope.write { db in
            // Messages are numbered in commit order, so their times rise with seq: the
            // workspace's progress mark skips what earlier sweeps already emptied, and a
            // sweep reads only the messages written since (all workspaces' rows in that
            // range, the PRIMARY KEY's order), never the whole table.
            let from = try db.queryOne("SELECT erased_seq FROM retention_progress WHERE workspace_id = ?",
                                       [scope.workspaceID]) { $0.int64(0) } ?? 0
            let rows = try db.query(
                """
                SELECT seq, created_at < ? FROM messages
                WHERE seq > ? AND workspace_id = ? ORDER BY seq LIMIT ?
                """,
                [cutoff, from, scope.workspaceID, max(1, limit)]) { ($0.int64(0), $0.bool(1)) }
            // Up to the first message still young enough to keep.
            let expired = rows.prefix { $0.1 }
            guard let last = expired.last?.0 else { return 0 }
            _ = try db.run(
                """
                UPDATE messages SET text = NULL, payload_json = NULL
                WHERE seq > ? AND seq <= ? AND workspace_id = ? AND (text IS NOT NULL OR payload_json IS NOT NULL)
                """,
                [from, last, scope.workspaceID])
            _ = try db.run(
                """
                INSERT INTO retention_progress (workspace_id, erased_seq) VALUES (?, ?)
                ON CONFLICT (workspace_id) DO UPDATE SET erased_seq = excluded.erased_seq
                """,
                [scope.workspaceID, last])
            return expired.count
        }
    }
}
