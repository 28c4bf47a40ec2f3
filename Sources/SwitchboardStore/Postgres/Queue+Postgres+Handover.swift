import Foundation
import SwitchboardCore

/// Entries claimed in the transaction that queues them (`QueueRepository.enqueueOutbox(_:claimFor:)`), and
/// whether a channel has queued entries left (`QueueStore.hasQueuedOutbox`).
extension PostgresQueueRepository {
    func enqueueOutbox(_ new: NewOutboxItem, claimFor lease: TimeInterval) throws -> OutboxItem {
        try scope.write { db in
            // Claimable at once only as the oldest entry of its conversation (the claim's
            // rule): any entry of the conversation still in the outbox is older. Two
            // hand-overs of one conversation on two connections take turns (the lock
            // lasts until the caller's transaction ends), so only the first is claimed.
            try db.run("SELECT pg_advisory_xact_lock(hashtextextended(?::text || '/' || ?::text, 0))",
                       [scope.workspaceID, new.conversationID])
            let behind = try db.queryOne(
                "SELECT 1 FROM outbox WHERE workspace_id = ? AND conversation_id = ? LIMIT 1",
                [scope.workspaceID, new.conversationID]) { _ in true } ?? false
            if behind { return try Self(scope: scope.within(db)).enqueueOutbox(new) }
            let now = scope.now()
            let until = now.addingTimeInterval(max(0, lease)).truncatedToMilliseconds
            // What a claim reads with the entry, in the same round trip: the customer's
            // last message, for the 24-hour window.
            let (id, lastInbound) = try db.queryOne(
                """
                INSERT INTO outbox (workspace_id, conversation_id, message_id, channel_id, recipient, kind, body_json,
                                    state, attempts, next_attempt_at, received_at, created_at, claims, lease_until,
                                    claimed_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', 0, ?, ?, ?, 1, ?, ?)
                RETURNING id, (SELECT last_inbound_at FROM conversations WHERE workspace_id = ?1 AND id = ?2)
                """,
                [scope.workspaceID, new.conversationID, new.messageID, new.channelID, new.recipient, new.kind,
                 new.bodyJSON, now, new.receivedAt, now, until, scope.store.claimer.id]) { ($0.int64(0), $0.optionalDate(1)) }
                ?? (0, nil)
            return OutboxItem(
                id: id, workspaceID: scope.workspaceID, conversationID: new.conversationID,
                messageID: new.messageID, channelID: new.channelID, recipient: new.recipient, kind: new.kind,
                bodyJSON: new.bodyJSON, state: .sending, attempts: 0, nextAttemptAt: now, lastError: nil,
                receivedAt: new.receivedAt?.truncatedToMilliseconds, createdAt: now,
                conversationLastInboundAt: lastInbound, claim: 1, leaseUntil: until)
        }
    }
}

extension PostgresQueueStore {
    func hasQueuedOutbox(channel: ChannelID) throws -> Bool {
        try store.read(tx) { db in
            try db.queryOne("SELECT 1 FROM outbox WHERE channel_id = ? AND state = 'queued' LIMIT 1", [channel]) { _ in true }
                ?? false
        }
    }

    func channelsToClaim(now: Date, only channel: ChannelID?) throws -> Set<ChannelID> {
        let own = store.claimer.id
        // One channel's look names it in the WHERE clause, so that the claim index
        // (channel_id first) serves it: "? IS NULL OR channel_id = ?" scanned the whole
        // outbox once a channel, 10,000 scans at the start of a 10,000-number host.
        let oneChannel = channel.map { _ in "AND channel_id = ?" } ?? ""
        return try store.read(tx) { db in
            Set(try db.query(
                """
                SELECT DISTINCT channel_id FROM outbox
                WHERE ((state = 'queued' AND next_attempt_at <= ?)
                    OR (state = 'sending' AND (coalesce(lease_until, 0) <= ? OR claimed_by IS DISTINCT FROM ?)))
                  \(oneChannel)
                """,
                [now, now, own] + (channel.map { [$0] } ?? [])) { ChannelID($0.string(0)) })
        }
    }
}
