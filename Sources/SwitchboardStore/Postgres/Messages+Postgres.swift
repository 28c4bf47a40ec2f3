import Foundation
import SwitchboardCore

struct PostgresMessageRepository: MessageRepository {
    let scope: PostgresScope

    static let fields = [
        "id", "workspace_id", "conversation_id", "channel_id", "direction", "kind", "text", "provider_message_id",
        "status", "error_code", "error_title", "payload_json", "created_at", "updated_at",
    ]
    static let columns = fields.joined(separator: ", ")
    static let qualifiedColumns = fields.map { "m." + $0 }.joined(separator: ", ")

    static func read(_ r: PostgresRow) throws(StoreError) -> Message {
        Message(
            id: MessageID(r.string(0)), workspaceID: WorkspaceID(r.string(1)),
            conversationID: ConversationID(r.string(2)), channelID: ChannelID(r.string(3)),
            direction: try r.enumValue(4, MessageDirection.self), kind: try r.enumValue(5, MessageKind.self),
            text: r.optionalString(6), providerMessageID: r.optionalString(7),
            status: try r.optionalEnumValue(8, DeliveryStatus.self),
            errorCode: r.optionalString(9), errorTitle: r.optionalString(10), payloadJSON: r.optionalString(11),
            createdAt: r.date(12), updatedAt: r.date(13))
    }

    @discardableResult
    private static func insert(_ db: PostgresDB, _ m: Message, onConflictDoNothing: Bool = false) throws -> Bool {
        try db.run(
            "INSERT INTO messages (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + (onConflictDoNothing ? " ON CONFLICT (channel_id, provider_message_id) DO NOTHING" : ""),
            [m.id, m.workspaceID, m.conversationID, m.channelID, m.direction, m.kind, m.text, m.providerMessageID,
             m.status, m.errorCode, m.errorTitle, m.payloadJSON, m.createdAt, m.updatedAt]) > 0
    }

    func insertInbound(_ new: NewInboundMessage) throws -> InboundInsert {
        try scope.write { db in
            let conversation = try PostgresConversationRepository.load(db, scope, new.conversationID)
            // The dedup key is global per channel; the owner's workspace decides the answer.
            func stored() throws -> InboundInsert? {
                guard let (id, owner) = try db.queryOne(
                    "SELECT id, workspace_id FROM messages WHERE channel_id = ? AND provider_message_id = ?",
                    [conversation.channelID, new.providerMessageID], { (MessageID($0.string(0)), $0.string(1)) })
                else { return nil }
                guard owner == scope.workspaceID.rawValue else {
                    throw StoreError(
                        .conflict,
                        "provider message \(new.providerMessageID) on channel \(conversation.channelID) is already stored in another workspace",
                        path: scope.path)
                }
                return .duplicate(id)
            }
            // No look-up first: the insert itself finds a duplicate (one round trip fewer
            // for the common case, a new message).
            let now = scope.now()
            let message = Message(
                id: MessageID(scope.newID("msg", now)), workspaceID: scope.workspaceID,
                conversationID: conversation.id, channelID: conversation.channelID, direction: .inbound,
                kind: new.kind, text: new.text, providerMessageID: new.providerMessageID, status: nil,
                errorCode: nil, errorTitle: nil, payloadJSON: new.payloadJSON, createdAt: now, updatedAt: now)
            // A redelivery (stored before, or by another connection now: the insert waits
            // for that one to commit) stores nothing; the stored one answers.
            guard try Self.insert(db, message, onConflictDoNothing: true) else {
                if let duplicate = try stored() { return duplicate }
                throw StoreError(.busy, "provider message \(new.providerMessageID) was being stored concurrently; try again", path: scope.path)
            }
            try db.run(
                "UPDATE conversations SET last_inbound_at = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                [now, now, scope.workspaceID, conversation.id])
            return .inserted(message)
        }
    }

    func insertOutbound(_ new: NewOutboundMessage) throws -> Message {
        try scope.write { db in
            let conversation = try PostgresConversationRepository.load(db, scope, new.conversationID)
            let now = scope.now()
            let message = Message(
                id: MessageID(scope.newID("msg", now)), workspaceID: scope.workspaceID,
                conversationID: conversation.id, channelID: conversation.channelID, direction: .outbound,
                kind: new.kind, text: new.text, providerMessageID: nil,
                status: new.kind == .note ? nil : .queued,
                errorCode: nil, errorTitle: nil, payloadJSON: new.payloadJSON, createdAt: now, updatedAt: now)
            try Self.insert(db, message)
            try db.run(
                "UPDATE conversations SET updated_at = ? WHERE workspace_id = ? AND id = ?",
                [now, scope.workspaceID, conversation.id])
            return message
        }
    }

    func get(_ id: MessageID) throws -> Message? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM messages WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id], Self.read)
        }
    }

    func find(channel: ChannelID, providerMessageID: String) throws -> Message? {
        try scope.read { db in
            try db.queryOne(
                "SELECT \(Self.columns) FROM messages WHERE workspace_id = ? AND channel_id = ? AND provider_message_id = ?",
                [scope.workspaceID, channel, providerMessageID], Self.read)
        }
    }

    /// Moves `message` to `requested` through `advanced(to:)` and stores the result.
    /// Inbound messages and notes have no delivery status and are left as they are.
    private func apply(
        _ db: PostgresDB, _ message: Message, _ requested: DeliveryStatus,
        providerMessageID: String?, errorCode: String?, errorTitle: String?
    ) throws -> StatusUpdate {
        guard let current = message.status else {
            return StatusUpdate(message: message, previous: nil)
        }
        var updated = message
        updated.status = current.advanced(to: requested)
        if updated.status == .failed, current != .failed {
            updated.errorCode = errorCode ?? message.errorCode
            updated.errorTitle = errorTitle ?? message.errorTitle
        }
        if let providerMessageID, message.providerMessageID == nil {
            updated.providerMessageID = providerMessageID
        }
        guard updated != message else { return StatusUpdate(message: message, previous: current) }
        updated.updatedAt = scope.now()
        // In a savepoint: a failed statement would otherwise end the whole transaction.
        func store(_ m: Message) -> StoreError? {
            do {
                try db.savepoint { try db.run(
                    """
                    UPDATE messages SET status = ?, provider_message_id = ?, error_code = ?, error_title = ?, updated_at = ?
                    WHERE workspace_id = ? AND id = ?
                    """,
                    [m.status, m.providerMessageID, m.errorCode, m.errorTitle, m.updatedAt, scope.workspaceID, m.id]) }
                return nil
            } catch {
                return error as? StoreError ?? StoreError(.postgres, "\(error)", path: scope.path)
            }
        }
        if let error = store(updated) {
            guard error.sqlState == "23505", updated.providerMessageID != message.providerMessageID else {
                throw error
            }
            // The provider gave an id another message on this channel already has (a
            // provider bug, or ids reused across numbers). The send happened: record it
            // without the id, and say which message holds it, rather than fail (which
            // left the outbox entry unsettled). The failed UPDATE changed nothing.
            let id = updated.providerMessageID ?? ""
            let holder = try db.queryOne(
                "SELECT id, workspace_id FROM messages WHERE channel_id = ? AND provider_message_id = ?",
                [message.channelID, id]) { (MessageID($0.string(0)), $0.string(1)) }
            updated.providerMessageID = message.providerMessageID
            if let error = store(updated) { throw error }
            var result = StatusUpdate(message: updated, previous: current)
            result.collision = ProviderIDCollision(
                providerMessageID: id, heldBy: holder.flatMap { $0.1 == scope.workspaceID.rawValue ? $0.0 : nil })
            return result
        }
        return StatusUpdate(message: updated, previous: current)
    }

    func updateStatus(
        channel: ChannelID, providerMessageID: String, to status: DeliveryStatus, errorCode: String?, errorTitle: String?
    ) throws -> StatusUpdate? {
        try scope.write { db in
            guard let message = try db.queryOne(
                "SELECT \(Self.columns) FROM messages WHERE workspace_id = ? AND channel_id = ? AND provider_message_id = ?",
                [scope.workspaceID, channel, providerMessageID], Self.read)
            else { return nil }
            return try apply(db, message, status, providerMessageID: nil, errorCode: errorCode, errorTitle: errorTitle)
        }
    }

    func recordSend(
        _ id: MessageID, status: DeliveryStatus, providerMessageID: String?, errorCode: String?, errorTitle: String?
    ) throws -> StatusUpdate {
        try scope.write { db in
            guard let message = try db.queryOne(
                "SELECT \(Self.columns) FROM messages WHERE workspace_id = ? AND id = ?",
                [scope.workspaceID, id], Self.read)
            else { throw scope.notFound("message", id) }
            return try apply(db, message, status, providerMessageID: providerMessageID, errorCode: errorCode, errorTitle: errorTitle)
        }
    }

    func list(conversation: ConversationID, after: MessageID?, limit: Int) throws -> [Message] {
        try scope.read { db in
            var cursor: Int64 = 0
            if let after {
                guard let seq = try db.queryOne(
                    "SELECT seq FROM messages WHERE workspace_id = ? AND id = ?", [scope.workspaceID, after], { $0.int64(0) })
                else { throw scope.notFound("message", after) }
                cursor = seq
            }
            return try db.query(
                """
                SELECT \(Self.columns) FROM messages
                WHERE workspace_id = ? AND conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?
                """,
                [scope.workspaceID, conversation, cursor, max(0, limit)], Self.read)
        }
    }

    func tail(conversation: ConversationID, before: MessageID?, limit: Int) throws -> [Message] {
        let newestFirst = try scope.read { db in
            var cursor = Int64.max
            if let before {
                guard let seq = try db.queryOne(
                    "SELECT seq FROM messages WHERE workspace_id = ? AND id = ?", [scope.workspaceID, before], { $0.int64(0) })
                else { throw scope.notFound("message", before) }
                cursor = seq
            }
            return try db.query(
                """
                SELECT \(Self.columns) FROM messages
                WHERE workspace_id = ? AND conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?
                """,
                [scope.workspaceID, conversation, cursor, max(0, limit)], Self.read)
        }
        return newestFirst.reversed()
    }

    func search(_ query: String, limit: Int) throws -> [Message] {
        guard let match = Self.tsQuery(query) else { return [] }
        // PostgreSQL's full-text search: every word required (`websearch_to_tsquery` reads
        // each quoted word as a phrase of one, so operators in the text stay text),
        // ranked by `ts_rank`, newest first among equals. Indexed at commit by the server:
        // a message is found as soon as it is committed.
        return try scope.read { db in
            try db.query(
                """
                SELECT \(Self.qualifiedColumns) FROM messages m
                WHERE m.workspace_id = ? AND m.search @@ websearch_to_tsquery('simple', switchboard_fold(?))
                ORDER BY ts_rank(m.search, websearch_to_tsquery('simple', switchboard_fold(?2))) DESC, m.seq DESC LIMIT ?
                """,
                [scope.workspaceID, match, max(0, limit)], Self.read)
        }
    }

    func unreadCounts(_ conversations: [ConversationID]) throws -> [ConversationID: Int] {
        guard !conversations.isEmpty else { return [:] }
        return try scope.read { db in
            var counts: [ConversationID: Int] = [:]
            for id in Set(conversations) {
                let n = try db.queryOne(
                    """
                    SELECT count(*) FROM messages
                    WHERE workspace_id = ? AND conversation_id = ? AND direction = 'inbound'
                      AND seq > coalesce((
                        SELECT max(seq) FROM messages
                        WHERE workspace_id = ? AND conversation_id = ? AND direction = 'outbound' AND kind <> 'note'
                      ), 0)
                    """,
                    [scope.workspaceID, id, scope.workspaceID, id], { $0.int64(0) }) ?? 0
                if n > 0 { counts[id] = Int(n) }
            }
            return counts
        }
    }

    /// Plain words as a web-search query of PostgreSQL: each word quoted (so `or`, `-`
    /// and quotes are text, not syntax), all of them required.
    static func tsQuery(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" })
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0 + "\"" }.joined(separator: " ")
    }
}
