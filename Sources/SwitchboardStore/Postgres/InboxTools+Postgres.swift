import Foundation
import SwitchboardCore

struct PostgresCannedReplyRepository: CannedReplyRepository {
    let scope: PostgresScope

    static let columns = "id, shortcut, text, created_at, updated_at"

    static func read(_ r: PostgresRow) -> CannedReply {
        CannedReply(id: r.string(0), shortcut: r.string(1), text: r.string(2), createdAt: r.date(3), updatedAt: r.date(4))
    }

    func list() throws -> [CannedReply] {
        try scope.read { db in
            try db.query("SELECT \(Self.columns) FROM canned_replies WHERE workspace_id = ? ORDER BY shortcut",
                         [scope.workspaceID], Self.read)
        }
    }

    func get(_ id: String) throws -> CannedReply? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM canned_replies WHERE workspace_id = ? AND id = ?",
                            [scope.workspaceID, id], Self.read)
        }
    }

    private func refuseTaken(_ db: PostgresDB, _ shortcut: String, except id: String?) throws {
        if try db.queryOne("SELECT 1 FROM canned_replies WHERE workspace_id = ? AND shortcut = ? AND id IS DISTINCT FROM ?::text",
                           [scope.workspaceID, shortcut, id], { _ in true }) != nil {
            throw StoreError(.constraint, "a canned reply with the shortcut '\(shortcut)' already exists", path: scope.path)
        }
    }

    func create(shortcut: String, text: String) throws -> CannedReply {
        try scope.write { db in
            try refuseTaken(db, shortcut, except: nil)
            let now = scope.now()
            let reply = CannedReply(id: scope.newID("cr", now), shortcut: shortcut, text: text, createdAt: now, updatedAt: now)
            try db.run("INSERT INTO canned_replies (id, workspace_id, shortcut, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [reply.id, scope.workspaceID, shortcut, text, now, now])
            return reply
        }
    }

    func update(_ id: String, shortcut: String, text: String) throws -> CannedReply {
        try scope.write { db in
            guard var reply = try db.queryOne("SELECT \(Self.columns) FROM canned_replies WHERE workspace_id = ? AND id = ?",
                                              [scope.workspaceID, id], Self.read)
            else { throw scope.notFound("canned reply", id) }
            try refuseTaken(db, shortcut, except: id)
            reply.shortcut = shortcut
            reply.text = text
            reply.updatedAt = scope.now()
            try db.run("UPDATE canned_replies SET shortcut = ?, text = ?, updated_at = ? WHERE workspace_id = ? AND id = ?",
                       [shortcut, text, reply.updatedAt, scope.workspaceID, id])
            return reply
        }
    }

    @discardableResult
    func delete(_ id: String) throws -> Bool {
        try scope.write { db in
            try db.run("DELETE FROM canned_replies WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id]) > 0
        }
    }
}

struct PostgresLabelRepository: LabelRepository {
    let scope: PostgresScope

    static let columns = "id, name, color, created_at"

    static func read(_ r: PostgresRow) -> LabelRecord {
        LabelRecord(id: r.string(0), name: r.string(1), color: r.optionalString(2), createdAt: r.date(3))
    }

    func list() throws -> [LabelRecord] {
        try scope.read { db in
            try db.query("SELECT \(Self.columns) FROM labels WHERE workspace_id = ? ORDER BY name", [scope.workspaceID], Self.read)
        }
    }

    func get(_ id: String) throws -> LabelRecord? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM labels WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id], Self.read)
        }
    }

    func create(name: String, color: String?) throws -> LabelRecord {
        try scope.write { db in
            if try db.queryOne("SELECT 1 FROM labels WHERE workspace_id = ? AND name = ?", [scope.workspaceID, name], { _ in true }) != nil {
                throw StoreError(.constraint, "a label named '\(name)' already exists", path: scope.path)
            }
            let now = scope.now()
            let label = LabelRecord(id: scope.newID("lb", now), name: name, color: color, createdAt: now)
            try db.run("INSERT INTO labels (id, workspace_id, name, color, created_at) VALUES (?, ?, ?, ?, ?)",
                       [label.id, scope.workspaceID, name, color, now])
            return label
        }
    }

    @discardableResult
    func delete(_ id: String) throws -> Bool {
        try scope.write { db in
            try db.run("DELETE FROM conversation_labels WHERE workspace_id = ? AND label_id = ?", [scope.workspaceID, id])
            return try db.run("DELETE FROM labels WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id]) > 0
        }
    }

    func attach(_ label: String, to conversation: ConversationID) throws {
        try scope.write { db in
            _ = try PostgresConversationRepository.load(db, scope, conversation)
            guard try db.queryOne("SELECT 1 FROM labels WHERE workspace_id = ? AND id = ?", [scope.workspaceID, label], { _ in true }) != nil
            else { throw scope.notFound("label", label) }
            try db.run(
                "INSERT INTO conversation_labels (workspace_id, conversation_id, label_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [scope.workspaceID, conversation, label, scope.now()])
        }
    }

    @discardableResult
    func detach(_ label: String, from conversation: ConversationID) throws -> Bool {
        try scope.write { db in
            _ = try PostgresConversationRepository.load(db, scope, conversation)
            return try db.run("DELETE FROM conversation_labels WHERE workspace_id = ? AND conversation_id = ? AND label_id = ?",
                              [scope.workspaceID, conversation, label]) > 0
        }
    }

    func labels(of conversations: [ConversationID]) throws -> [ConversationID: [LabelRecord]] {
        guard !conversations.isEmpty else { return [:] }
        var result: [ConversationID: [LabelRecord]] = [:]
        try scope.read { db in
            // In chunks of 200 bound values.
            for chunk in stride(from: 0, to: conversations.count, by: 200).map({ Array(conversations[$0..<min($0 + 200, conversations.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try db.query(
                    """
                    SELECT cl.conversation_id, l.id, l.name, l.color, l.created_at
                    FROM conversation_labels cl JOIN labels l ON l.workspace_id = cl.workspace_id AND l.id = cl.label_id
                    WHERE cl.workspace_id = ? AND cl.conversation_id IN (\(marks))
                    ORDER BY l.name
                    """,
                    [scope.workspaceID] + chunk) { r in
                        (ConversationID(r.string(0)),
                         LabelRecord(id: r.string(1), name: r.string(2), color: r.optionalString(3), createdAt: r.date(4)))
                    }
                for (c, label) in rows { result[c, default: []].append(label) }
            }
        }
        return result
    }
}

struct PostgresContactProfileRepository: ContactProfileRepository {
    let scope: PostgresScope

    private func requireContact(_ db: PostgresDB, _ contact: ContactID) throws {
        guard try db.queryOne("SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?", [scope.workspaceID, contact], { _ in true }) != nil
        else { throw scope.notFound("contact", contact) }
    }

    private func load(_ db: PostgresDB, _ contact: ContactID) throws -> ContactProfile {
        try requireContact(db, contact)
        return try db.queryOne(
            "SELECT name, attributes_json, updated_at FROM contact_profiles WHERE workspace_id = ? AND contact_id = ?",
            [scope.workspaceID, contact]) { (r: PostgresRow) throws(StoreError) -> ContactProfile in
                ContactProfile(contactID: contact, name: r.optionalString(0), attributes: try Self.decode(r.string(1), path: scope.path),
                               updatedAt: r.date(2))
            } ?? ContactProfile(contactID: contact, name: nil, attributes: [:], updatedAt: nil)
    }

    /// The stored attributes; a row that does not hold a JSON object of strings is
    /// `unreadable` (shown as an error, never as an empty profile an edit would overwrite).
    static func decode(_ json: String, path: String) throws(StoreError) -> [String: String] {
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        } catch {
            throw StoreError(.unreadable, "a contact profile's attributes are not a JSON object of strings: \(json.prefix(80))", path: path)
        }
    }

    static func encode(_ attributes: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A [String: String] always encodes.
        return (try? encoder.encode(attributes)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    func profile(_ contact: ContactID) throws -> ContactProfile {
        try scope.read { db in try load(db, contact) }
    }

    func update(_ contact: ContactID, name: String??, attributes: [String: String]?) throws -> ContactProfile {
        try scope.write { db in
            var profile = try load(db, contact)
            if let name { profile.name = name }
            if let attributes { profile.attributes = attributes }
            profile.updatedAt = scope.now()
            try db.run(
                """
                INSERT INTO contact_profiles (workspace_id, contact_id, name, attributes_json, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, contact_id) DO UPDATE SET
                    name = excluded.name, attributes_json = excluded.attributes_json, updated_at = excluded.updated_at
                """,
                [scope.workspaceID, contact, profile.name, Self.encode(profile.attributes), profile.updatedAt])
            return profile
        }
    }

    func names(of contacts: [ContactID]) throws -> [ContactID: String] {
        guard !contacts.isEmpty else { return [:] }
        var result: [ContactID: String] = [:]
        try scope.read { db in
            for start in stride(from: 0, to: contacts.count, by: 200) {
                let chunk = Array(contacts[start..<min(start + 200, contacts.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                let rows = try db.query(
                    "SELECT contact_id, name FROM contact_profiles WHERE workspace_id = ? AND name IS NOT NULL AND contact_id IN (\(marks))",
                    [scope.workspaceID] + chunk) { r in (ContactID(r.string(0)), r.string(1)) }
                for (id, name) in rows { result[id] = name }
            }
        }
        return result
    }

    func notes(_ contact: ContactID, limit: Int) throws -> [ContactNote] {
        try scope.read { db in
            try requireContact(db, contact)
            return try db.query(
                """
                SELECT id, author, text, created_at FROM contact_notes WHERE workspace_id = ? AND contact_id = ?
                ORDER BY created_at DESC, id DESC LIMIT ?
                """,
                [scope.workspaceID, contact, max(0, limit)]) { r in
                    ContactNote(id: r.string(0), contactID: contact, author: r.string(1), text: r.string(2), createdAt: r.date(3))
                }
        }
    }

    func addNote(_ contact: ContactID, author: String, text: String) throws -> ContactNote {
        try scope.write { db in
            try requireContact(db, contact)
            let now = scope.now()
            let note = ContactNote(id: scope.newID("cn", now), contactID: contact, author: author, text: text, createdAt: now)
            try db.run("INSERT INTO contact_notes (id, workspace_id, contact_id, author, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                       [note.id, scope.workspaceID, contact, author, text, now])
            return note
        }
    }

    func conversations(of contact: ContactID, limit: Int) throws -> [Conversation] {
        try scope.read { db in
            try requireContact(db, contact)
            return try db.query(
                """
                SELECT \(PostgresConversationRepository.columns) FROM conversations WHERE workspace_id = ? AND contact_id = ?
                ORDER BY updated_at DESC, id DESC LIMIT ?
                """,
                [scope.workspaceID, contact, max(0, limit)], PostgresConversationRepository.read)
        }
    }
}

struct PostgresReportRepository: ReportRepository {
    let scope: PostgresScope

    /// How far the journal's times may run backwards against its ids (a wall clock set
    /// back): the id range is widened by this much, and the times then filter exactly.
    static let clockSlack: TimeInterval = 600

    /// The first event id (of any workspace) created at or after `date`, found by bisection
    /// over the ids: events are appended by one writer, reading the clock as it appends,
    /// so their times rise with their ids (up to `clockSlack`). This spares an index on
    /// the time, which every event would pay for on the ingest path.
    static func firstID(_ db: PostgresDB, atOrAfter date: Date) throws -> Int64 {
        guard let last = try db.queryOne("SELECT max(id) FROM events", [], { $0.optionalInt64(0) }) ?? nil else { return 1 }
        var lo: Int64 = 0, hi = last + 1   // the answer is in lo...hi
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let at = try db.queryOne("SELECT created_at FROM events WHERE id >= ? ORDER BY id LIMIT 1", [mid]) { $0.date(0) }
            if let at, at < date { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func reportInput(from: Date, until: Date) throws -> (entries: [DailyReport.Entry], starts: [DailyReport.Start]) {
        try scope.read { db in
            // One read transaction: the events and the conversations of the same moment.
            let low = try Self.firstID(db, atOrAfter: from.addingTimeInterval(-Self.clockSlack))
            let high = try Self.firstID(db, atOrAfter: until.addingTimeInterval(Self.clockSlack))
            let entries = try db.query(
                """
                SELECT kind, conversation_id, channel_id, created_at,
                       CASE WHEN kind = 'queued' AND detail_json::jsonb ->> 'author' IS NOT NULL THEN 1 ELSE 0 END,
                       CASE WHEN kind = 'state_changed' THEN detail_json::jsonb ->> 'from' END,
                       CASE WHEN kind = 'state_changed' THEN detail_json::jsonb ->> 'to' END,
                       CASE WHEN kind = 'state_changed' THEN detail_json::jsonb ->> 'trigger' END
                FROM events
                WHERE workspace_id = ? AND id >= ? AND id < ? AND created_at >= ? AND created_at < ?
                  AND kind IN ('received', 'sent', 'queued', 'state_changed')
                ORDER BY id
                """,
                [scope.workspaceID, low, high, from, until]) { r throws(StoreError) in
                    DailyReport.Entry(
                        kind: try r.enumValue(0, EventKind.self), conversation: r.optionalString(1).map { ConversationID($0) },
                        channel: r.optionalString(2).map { ChannelID($0) }, at: r.date(3), byAgent: r.bool(4),
                        from: r.optionalString(5), to: r.optionalString(6), trigger: r.optionalString(7))
                }
            let starts = try db.query(
                "SELECT id, channel_id, created_at FROM conversations WHERE workspace_id = ? AND created_at >= ? AND created_at < ?",
                [scope.workspaceID, from, until]) { r in
                    DailyReport.Start(conversation: ConversationID(r.string(0)), channel: ChannelID(r.string(1)), at: r.date(2))
                }
            return (entries, starts)
        }
    }
}
