import Foundation
import SwitchboardCore

struct PostgresTemplateStore: TemplateStore {
    let store: PostgresStore
    /// The transaction whose handle this was reached through (nil: each call its own).
    var tx: PostgresPool.Held? = nil

    static let columns = """
        channel_id, name, language, status, category, provider_id, body_text, header_parameters, body_parameters, \
        media_header, components_json
        """

    static func read(_ r: PostgresRow) -> MessageTemplate {
        MessageTemplate(channelID: ChannelID(r.string(0)), name: r.string(1), language: r.string(2),
                        status: MessageTemplate.Status(provider: r.string(3)), category: r.string(4),
                        providerID: r.optionalString(5), bodyText: r.string(6),
                        headerParameters: Int(r.int64(7)), bodyParameters: Int(r.int64(8)),
                        mediaHeader: r.optionalString(9), componentsJSON: r.string(10))
    }

    func replace(channel: ChannelID, with templates: [MessageTemplate]) throws {
        try store.write(tx) { db in
            let now = store.now()
            try db.run("DELETE FROM message_templates WHERE channel_id = ?", [channel.rawValue])
            for t in templates {
                try db.run(
                    """
                    INSERT INTO message_templates (\(Self.columns), synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (channel_id, name, language) DO UPDATE SET status = excluded.status,
                        category = excluded.category, provider_id = excluded.provider_id, body_text = excluded.body_text,
                        header_parameters = excluded.header_parameters, body_parameters = excluded.body_parameters,
                        media_header = excluded.media_header, components_json = excluded.components_json,
                        synced_at = excluded.synced_at
                    """,
                    [channel.rawValue, t.name, t.language, t.status.rawValue, t.category, t.providerID, t.bodyText,
                     t.headerParameters, t.bodyParameters, t.mediaHeader, t.componentsJSON, now])
            }
        }
    }

    func setStatus(channel: ChannelID, name: String, language: String, status: MessageTemplate.Status) throws -> Bool {
        try store.write(tx) { db in
            try db.run("UPDATE message_templates SET status = ?, synced_at = ? WHERE channel_id = ? AND name = ? AND language = ?",
                       [status.rawValue, store.now(), channel.rawValue, name, language]) > 0
        }
    }

    func list(channel: ChannelID) throws -> [MessageTemplate] {
        try store.read(tx) { db in
            try db.query("SELECT \(Self.columns) FROM message_templates WHERE channel_id = ? ORDER BY name, language",
                         [channel.rawValue], Self.read)
        }
    }

    func get(channel: ChannelID, name: String, language: String) throws -> MessageTemplate? {
        try store.read(tx) { db in
            try db.queryOne("SELECT \(Self.columns) FROM message_templates WHERE channel_id = ? AND name = ? AND language = ?",
                            [channel.rawValue, name, language], Self.read)
        }
    }
}
