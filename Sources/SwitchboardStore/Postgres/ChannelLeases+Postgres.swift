import Foundation
import SwitchboardCore

extension PostgresStore: ChannelLeasing {
    /// The server's clock in milliseconds since 1970.
    static let serverNowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint"

    public func holdChannelLease(_ channel: ChannelID, holder: String, seconds: Double) throws -> Bool {
        let ms = Int64((seconds * 1000).rounded())
        return try pool.write { db in
            // One statement: a free channel is inserted; a lease of the same holder is
            // renewed; another holder's lease is taken only once it ran out. No row back:
            // another host holds it.
            try db.queryOne(
                """
                INSERT INTO channel_leases (channel_id, holder, expires_at, acquired_at)
                VALUES (?, ?, \(Self.serverNowMs) + ?, \(Self.serverNowMs))
                ON CONFLICT (channel_id) DO UPDATE SET
                    holder = excluded.holder, expires_at = excluded.expires_at,
                    acquired_at = CASE WHEN channel_leases.holder = excluded.holder
                                       THEN channel_leases.acquired_at ELSE excluded.acquired_at END
                WHERE channel_leases.holder = excluded.holder OR channel_leases.expires_at < \(Self.serverNowMs)
                RETURNING holder
                """,
                [channel, holder, ms]) { $0.string(0) } == holder
        }
    }

    public func releaseChannelLease(_ channel: ChannelID, holder: String) throws {
        try pool.write { db in
            _ = try db.run("DELETE FROM channel_leases WHERE channel_id = ? AND holder = ?", [channel, holder])
        }
    }

    public func channelLeaseHolder(_ channel: ChannelID) throws -> String? {
        try pool.read { db in
            try db.queryOne(
                "SELECT holder FROM channel_leases WHERE channel_id = ? AND expires_at >= \(Self.serverNowMs)",
                [channel]) { $0.string(0) }
        }
    }
}
