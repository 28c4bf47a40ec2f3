import Foundation
import SwitchboardCore

struct SQLiteChannelStatusRepository: ChannelStatusRepository {
    let store: SQLiteStore
    /// The transaction whose handle this was reached through (nil: each call its own).
    var tx: SQLiteTransactionContext? = nil

    func record(_ status: ChannelStatus) throws {
        try store.write(tx) { db in
            _ = try db.run(
                """
                INSERT INTO channel_status (channel_id, state, reason, since, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                    since = excluded.since, updated_at = excluded.updated_at
                """,
                [status.channel.rawValue, status.state.rawValue, status.reason, status.since, store.now()])
        }
    }

    func all() throws -> [ChannelStatus] {
        try store.read(tx) { db in
            try db.query("SELECT channel_id, state, reason, since FROM channel_status ORDER BY channel_id", []) { r in
                ChannelStatus(channel: ChannelID(r.string(0)), state: ChannelState(rawValue: r.string(1)) ?? .stopped,
                              reason: r.optionalString(2), since: r.date(3))
            }
        }
    }
}
