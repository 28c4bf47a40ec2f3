import Foundation
import SwitchboardCore

struct PostgresConversationRepository: ConversationRepository {
    let scope: PostgresScope

    static let columns = "id, workspace_id, channel_id, contact_id, state, assigned_to, last_inbound_at, created_at, updated_at"

    static func read(_ r: PostgresRow) throws(StoreError) -> Conversation {
        Conversation(
            id: ConversationID(r.string(0)), workspaceID: WorkspaceID(r.string(1)),
            channelID: ChannelID(r.string(2)), contactID: ContactID(r.string(3)),
            state: try r.enumValue(4, ConversationState.self), assignedTo: r.optionalString(5),
            lastInboundAt: r.optionalDate(6), createdAt: r.date(7), updatedAt: r.date(8))
    }

    /// The conversation `id` of this workspace, read on `db` (inside a transaction).
    static func load(_ db: PostgresDB, _ scope: PostgresScope, _ id: ConversationID) throws -> Conversation {
        guard let conversation = try db.queryOne(
            "SELECT \(columns) FROM conversations WHERE workspace_id = ? AND id = ?",
            [scope.workspaceID, id], read)
        else { throw scope.notFound("conversation", id) }
        return conversation
    }

    func find(channel: ChannelID, contact: ContactID) throws -> Conversation? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? AND channel_id = ? AND contact_id = ?",
                [scope.workspaceID, channel, contact], Self.read)
        }
    }

    func findOrCreate(channel: ChannelID, contact: ContactID) throws -> ConversationLookup {
        try scope.write { db in
            if let existing = try db.queryOne(
                "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? AND channel_id = ? AND contact_id = ?",
                [scope.workspaceID, channel, contact], Self.read)
            {
                return ConversationLookup(conversation: existing, created: false)
            }
            guard try db.queryOne(
                "SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?", [scope.workspaceID, contact], { $0.int64(0) }) != nil
            else { throw scope.notFound("contact", contact) }
            let now = scope.now()
            let conversation = Conversation(
                id: ConversationID(scope.newID("cv", now)), workspaceID: scope.workspaceID, channelID: channel,
                contactID: contact, state: .bot, assignedTo: nil, lastInboundAt: nil, createdAt: now, updatedAt: now)
            // Created by another connection meanwhile: the insert waits for it and stores
            // nothing, and that one is the conversation.
            let inserted = try db.run(
                """
                INSERT INTO conversations (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, channel_id, contact_id) DO NOTHING
                """,
                [conversation.id, conversation.workspaceID, conversation.channelID, conversation.contactID,
                 conversation.state, conversation.assignedTo, conversation.lastInboundAt,
                 conversation.createdAt, conversation.updatedAt])
            if inserted == 0, let existing = try db.queryOne(
                "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? AND channel_id = ? AND contact_id = ?",
                [scope.workspaceID, channel, contact], Self.read)
            {
                return ConversationLookup(conversation: existing, created: false)
            }
            return ConversationLookup(conversation: conversation, created: true)
        }
    }

    func get(_ id: ConversationID) throws -> Conversation? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id], Self.read)
        }
    }

    func list(state: ConversationState?, limit: Int) throws -> [Conversation] {
        try scope.read { db in
            if let state {
                return try db.query(
                    """
                    SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? AND state = ?
                    ORDER BY updated_at DESC, id DESC LIMIT ?
                    """,
                    [scope.workspaceID, state, max(0, limit)], Self.read)
            }
            return try db.query(
                "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
                [scope.workspaceID, max(0, limit)], Self.read)
        }
    }

    func list(_ filter: ConversationFilter, after cursor: ListCursor?, limit: Int) throws -> [Conversation] {
        var sql = "SELECT \(Self.columns) FROM conversations WHERE workspace_id = ?"
        var values: [any SQLiteBindable] = [scope.workspaceID]
        if let state = filter.state {
            sql += " AND state = ?"
            values.append(state)
        }
        switch filter.assignment {
        case .to(let agent)?:
            sql += " AND assigned_to = ?"
            values.append(agent)
        case .nobody?:
            sql += " AND assigned_to IS NULL"
        case nil:
            break
        }
        if let channel = filter.channel {
            sql += " AND channel_id = ?"
            values.append(channel)
        }
        if let label = filter.label {
            sql += " AND id IN (SELECT conversation_id FROM conversation_labels WHERE workspace_id = ? AND label_id = ?)"
            values += [scope.workspaceID, label]
        }
        if let cursor {
            sql += " AND (updated_at < ? OR (updated_at = ? AND id < ?))"
            values += [cursor.at, cursor.at, cursor.id]
        }
        sql += " ORDER BY updated_at DESC, id DESC LIMIT ?"
        values.append(max(0, limit))
        return try scope.read { db in try db.query(sql, values, Self.read) }
    }

    func transition(_ id: ConversationID, _ trigger: ConversationTrigger, extraDetail: [String: String]) throws -> ConversationTransition {
        try scope.write { db in
            var conversation = try Self.load(db, scope, id)
            let previous = conversation.state
            let next: ConversationState
            do {
                next = try previous.applying(trigger)
            } catch {
                throw StoreError(.invalidTransition, "conversation \(id): \(error)", path: scope.path)
            }
            guard next != previous else {
                return ConversationTransition(conversation: conversation, previous: previous, trigger: trigger, event: nil)
            }
            let now = scope.now()
            try db.run(
                "UPDATE conversations SET state = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                [next, now, scope.workspaceID, id])
            conversation.state = next
            conversation.updatedAt = now
            var detail = extraDetail
            detail["from"] = previous.rawValue
            detail["to"] = next.rawValue
            detail["trigger"] = trigger.rawValue
            let event = try PostgresEventRepository.append(
                db, scope, NewEvent(.stateChanged, conversation: id, channel: conversation.channelID, detail: detail))
            return ConversationTransition(conversation: conversation, previous: previous, trigger: trigger, event: event)
        }
    }

    func assign(_ id: ConversationID, to agent: String?) throws -> Conversation {
        try scope.write { db in
            var conversation = try Self.load(db, scope, id)
            let now = scope.now()
            try db.run(
                "UPDATE conversations SET assigned_to = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                [agent, now, scope.workspaceID, id])
            conversation.assignedTo = agent
            conversation.updatedAt = now
            var detail: [String: String] = [:]
            if let agent { detail["agent"] = agent }
            _ = try PostgresEventRepository.append(
                db, scope, NewEvent(.assigned, conversation: id, channel: conversation.channelID, detail: detail))
            return conversation
        }
    }
}
