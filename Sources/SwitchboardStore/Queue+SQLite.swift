import Foundation
import Synchronization
import SwitchboardCore

extension OutboxKind: SQLiteBindable {}
extension OutboxItem.State: SQLiteBindable {}

/// `QueueRepository` on SQLite: one workspace's inbound jobs and outbox entries.
struct SQLiteQueueRepository: QueueRepository {
    let scope: SQLiteScope

    func enqueueInbound(conversation: ConversationID, message: MessageID, receivedAt: Date) throws -> InboundJob {
        try scope.write { db in
            // Claimed by the host that queues it, which runs it from memory.
            let now = scope.now()
            try db.run(
                """
                INSERT INTO inbound_jobs (workspace_id, conversation_id, message_id, received_at, created_at,
                                          claimed_by, lease_until, claims)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                """,
                [scope.workspaceID, conversation, message, receivedAt, now, scope.store.claimer.id,
                 now.addingTimeInterval(InboundLease.defaultSeconds)])
            return InboundJob(id: db.lastInsertRowID, workspaceID: scope.workspaceID, conversationID: conversation,
                              messageID: message, receivedAt: receivedAt.truncatedToMilliseconds)
        }
    }

    @discardableResult
    func completeInbound(_ jobID: Int64) throws -> Bool {
        try scope.write { db in
            try db.run("DELETE FROM inbound_jobs WHERE workspace_id = ? AND id = ?", [scope.workspaceID, jobID]) > 0
        }
    }

    func enqueueOutbox(_ new: NewOutboxItem) throws -> OutboxItem {
        try scope.write { db in
            let now = scope.now()
            try db.run(
                """
                INSERT INTO outbox (workspace_id, conversation_id, message_id, channel_id, recipient, kind, body_json,
                                    state, attempts, next_attempt_at, received_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)
                """,
                [scope.workspaceID, new.conversationID, new.messageID, new.channelID, new.recipient, new.kind,
                 new.bodyJSON, now, new.receivedAt, now])
            return OutboxItem(
                id: db.lastInsertRowID, workspaceID: scope.workspaceID, conversationID: new.conversationID,
                messageID: new.messageID, channelID: new.channelID, recipient: new.recipient, kind: new.kind,
                bodyJSON: new.bodyJSON, state: .queued, attempts: 0, nextAttemptAt: now, lastError: nil,
                receivedAt: new.receivedAt?.truncatedToMilliseconds, createdAt: now)
        }
    }

    func finishOutbox(_ id: Int64) throws {
        try scope.write { db in
            _ = try db.run("DELETE FROM outbox WHERE workspace_id = ? AND id = ?", [scope.workspaceID, id])
        }
    }

    @discardableResult
    func retryOutbox(_ id: Int64, claim: Int64?, attempts: Int, nextAttemptAt: Date, error: String) throws -> Bool {
        try scope.write { db in
            try db.run(
                """
                UPDATE outbox SET state = 'queued', attempts = ?, next_attempt_at = ?, last_error = ?, lease_until = NULL
                WHERE workspace_id = ? AND id = ? AND (?1 IS NULL OR claims = ?1)
                """.replacingOccurrences(of: "?1", with: "?"),
                [attempts, nextAttemptAt, error, scope.workspaceID, id, claim, claim]) > 0
        }
    }
}

/// When each channel's claims next look for expired leases: at most once a second (by
/// the claims' own `now`, so a test's clock drives it), or at once if the clock went back.
final class LeaseChecks: Sendable {
    private let next = Mutex<[ChannelID: Date]>([:])
    static let interval: TimeInterval = 1

    func due(_ channel: ChannelID, now: Date) -> Bool {
        next.withLock { table in
            if let at = table[channel], now < at, at.timeIntervalSince(now) <= Self.interval { return false }
            table[channel] = now.addingTimeInterval(Self.interval)
            return true
        }
    }
}

/// `QueueStore` on SQLite.
struct SQLiteQueueStore: QueueStore {
    let store: SQLiteStore
    /// The transaction whose handle this was reached through (nil: each call its own).
    var tx: SQLiteTransactionContext? = nil

    static let outboxColumns = """
        o.id, o.workspace_id, o.conversation_id, o.message_id, o.channel_id, o.recipient, o.kind, o.body_json,
        o.state, o.attempts, o.next_attempt_at, o.last_error, o.received_at, o.created_at, c.last_inbound_at,
        o.claims, o.lease_until
        """

    static func readOutbox(_ r: SQLiteRow) throws(StoreError) -> OutboxItem {
        OutboxItem(
            id: r.int64(0), workspaceID: WorkspaceID(r.string(1)), conversationID: ConversationID(r.string(2)),
            messageID: MessageID(r.string(3)), channelID: ChannelID(r.string(4)), recipient: r.string(5),
            kind: try r.enumValue(6, OutboxKind.self), bodyJSON: r.string(7),
            state: try r.enumValue(8, OutboxItem.State.self), attempts: Int(r.int64(9)),
            nextAttemptAt: r.date(10), lastError: r.optionalString(11), receivedAt: r.optionalDate(12),
            createdAt: r.date(13), conversationLastInboundAt: r.optionalDate(14), claim: r.int64(15),
            leaseUntil: r.optionalDate(16))
    }

    /// One host per database: every pending job of a conversation is in this host's
    /// memory, in order (`QueueStore.hasEarlierInbound`).
    func hasEarlierInbound(workspace: WorkspaceID, conversation: ConversationID, before jobID: Int64) throws -> Bool {
        false
    }

    func pendingInbound(limit: Int) throws -> [InboundJob] {
        try store.read(tx) { db in
            try db.query(
                "SELECT id, workspace_id, conversation_id, message_id, received_at FROM inbound_jobs ORDER BY id LIMIT ?",
                [max(0, limit)]) { r in
                InboundJob(id: r.int64(0), workspaceID: WorkspaceID(r.string(1)),
                           conversationID: ConversationID(r.string(2)), messageID: MessageID(r.string(3)),
                           receivedAt: r.date(4))
            }
        }
    }

    func claimOutbox(channel: ChannelID, now: Date, limit: Int, lease: TimeInterval) throws -> [OutboxItem] {
        let lookForExpired = store.leaseChecks.due(channel, now: now)
        let claimer = store.claimer
        return try store.write(tx) { db in
            var items = try db.query(
                """
                SELECT \(Self.outboxColumns) FROM outbox o
                JOIN conversations c ON c.workspace_id = o.workspace_id AND c.id = o.conversation_id
                WHERE o.channel_id = ? AND o.state = 'queued' AND o.next_attempt_at <= ?
                  AND NOT EXISTS (
                    SELECT 1 FROM outbox p
                    WHERE p.workspace_id = o.workspace_id AND p.conversation_id = o.conversation_id AND p.id < o.id)
                ORDER BY o.id LIMIT ?
                """,
                [channel, now, max(0, limit)], Self.readOutbox)
            if lookForExpired {
                // Entries whose claim is void (its lease ran out or its claimer died):
                // each is the oldest of its conversation (it was when claimed, and
                // nothing older can arrive).
                let dead = try Self.deadClaimers(db, table: "outbox", "channel_id = ?", [channel], now: now, own: claimer)
                let expired = try db.query(
                    """
                    SELECT \(Self.outboxColumns) FROM outbox o
                    JOIN conversations c ON c.workspace_id = o.workspace_id AND c.id = o.conversation_id
                    WHERE o.channel_id = ? AND o.state = 'sending'
                      AND (coalesce(o.lease_until, 0) <= ? OR o.claimed_by IN (SELECT value FROM json_each(?)))
                    ORDER BY o.id LIMIT ?
                    """,
                    [channel, now, dead, max(0, limit)], Self.readOutbox)
                if !expired.isEmpty {
                    items = Array((items + expired).sorted { $0.id < $1.id }.prefix(max(0, limit)))
                }
            }
            let until = now.addingTimeInterval(max(0, lease)).truncatedToMilliseconds
            for item in items {
                _ = try db.run(
                    "UPDATE outbox SET state = 'sending', lease_until = ?, claims = claims + 1, claimed_by = ? WHERE id = ?",
                    [until, claimer.id, item.id])
            }
            return items.map { var i = $0; i.state = .sending; i.claim += 1; i.leaseUntil = until; return i }
        }
    }

    func nextOutboxDue(channel: ChannelID) throws -> Date? {
        try store.read(tx) { db in
            try db.queryOne(
                """
                SELECT MIN(o.next_attempt_at) FROM outbox o
                WHERE o.channel_id = ? AND o.state = 'queued'
                  AND NOT EXISTS (
                    SELECT 1 FROM outbox p
                    WHERE p.workspace_id = o.workspace_id AND p.conversation_id = o.conversation_id AND p.id < o.id)
                """,
                [channel]) { $0.optionalDate(0) } ?? nil
        }
    }

    func claimInbound(now: Date, limit: Int, lease: TimeInterval) throws -> [InboundJob] {
        let claimer = store.claimer
        return try store.write(tx) { db in
            let dead = try Self.deadClaimers(db, table: "inbound_jobs", "1", [], now: now, own: claimer)
            let jobs = try db.query(
                """
                SELECT id, workspace_id, conversation_id, message_id, received_at FROM inbound_jobs
                WHERE (coalesce(lease_until, 0) <= ? AND claimed_by IS NOT ?)
                   OR claimed_by IN (SELECT value FROM json_each(?))
                ORDER BY id LIMIT ?
                """,
                [now, claimer.id, dead, max(0, limit)], Self.readInbound)
            let until = now.addingTimeInterval(max(0, lease)).truncatedToMilliseconds
            for job in jobs {
                _ = try db.run("UPDATE inbound_jobs SET claimed_by = ?, lease_until = ?, claims = claims + 1 WHERE id = ?",
                               [claimer.id, until, job.id])
            }
            return jobs
        }
    }

    @discardableResult
    func renewInboundClaims(now: Date, lease: TimeInterval) throws -> Int {
        let until = now.addingTimeInterval(max(0, lease)).truncatedToMilliseconds
        return try store.write(tx) { db in
            try db.run("UPDATE inbound_jobs SET lease_until = ? WHERE claimed_by = ?", [until, store.claimer.id])
        }
    }

    /// The claimers of `table`'s rows (those matching `filter`) whose leases still run
    /// but which no longer run on this machine (`Claimer.isRunningHere`), as a JSON array
    /// for `json_each`. This store's own claimer runs. Rows claimed by an older version
    /// (no claimer) carry no lease either, so the lease rule takes them.
    static func deadClaimers(_ db: SQLiteConnection, table: String, _ filter: String, _ arguments: [any SQLiteBindable],
                             now: Date, own: Claimer) throws -> String {
        let claimers = try db.query(
            "SELECT DISTINCT claimed_by FROM \(table) WHERE \(filter) AND coalesce(lease_until, 0) > ? AND claimed_by IS NOT NULL",
            arguments + [now]) { $0.string(0) }
        let dead = claimers.filter { $0 != own.id && !Claimer($0).isRunningHere }
        let data = (try? JSONSerialization.data(withJSONObject: dead)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func readInbound(_ r: SQLiteRow) throws(StoreError) -> InboundJob {
        InboundJob(id: r.int64(0), workspaceID: WorkspaceID(r.string(1)), conversationID: ConversationID(r.string(2)),
                   messageID: MessageID(r.string(3)), receivedAt: r.date(4))
    }

    func outboxDepth() throws -> [ChannelID: Int] {
        try store.read(tx) { db in
            let rows = try db.query("SELECT channel_id, COUNT(*) FROM outbox GROUP BY channel_id", []) {
                (ChannelID($0.string(0)), Int($0.int64(1)))
            }
            return Dictionary(rows, uniquingKeysWith: +)
        }
    }

    func holdUnrouted(channel: ChannelID?, providerAddress: String, providerMessageID: String, sender: String?,
                      reason: String, payloadJSON: String) throws -> Bool {
        try store.write(tx) { db in
            try db.run(
                """
                INSERT OR IGNORE INTO unrouted (channel_id, provider_address, provider_message_id, sender, reason,
                                                payload_json, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [channel, providerAddress, providerMessageID, sender, reason, payloadJSON, store.now()]) > 0
        }
    }

    func eraseUnrouted(channels: [ChannelID], senders: [String]) throws -> Int {
        guard !channels.isEmpty, !senders.isEmpty else { return 0 }
        return try store.write(tx) { db in
            var erased = 0
            for channel in channels {
                for sender in senders {
                    erased += try db.run("DELETE FROM unrouted WHERE channel_id = ? AND sender = ?", [channel, sender])
                }
            }
            return erased
        }
    }

    func unrouted(limit: Int) throws -> [UnroutedMessage] {
        try store.read(tx) { db in
            try db.query(
                """
                SELECT id, channel_id, provider_address, provider_message_id, sender, reason, payload_json, created_at
                FROM unrouted ORDER BY id DESC LIMIT ?
                """, [max(0, limit)]) { r in
                UnroutedMessage(id: r.int64(0), channelID: r.optionalString(1).map { ChannelID($0) },
                                providerAddress: r.string(2), providerMessageID: r.string(3),
                                sender: r.optionalString(4), reason: r.string(5), payloadJSON: r.string(6),
                                createdAt: r.date(7))
            }
        }
    }
}
