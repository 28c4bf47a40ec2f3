import Foundation
import SwitchboardCore

/// The pipeline's durable work of one workspace: inbound jobs and the outbox.
public protocol QueueRepository: Sendable {
    /// Queues the chain's work for a stored inbound message, claimed by this store's
    /// claimer for `InboundLease.defaultSeconds` (the caller runs it from memory).
    func enqueueInbound(conversation: ConversationID, message: MessageID, receivedAt: Date) throws -> InboundJob
    /// Removes a job once its outcome is stored (call inside the outcome's transaction);
    /// false when it was not pending: completed already (by another host that took it
    /// over), or never committed (the transaction that queued it failed after the job
    /// was handed on, see `CommitHolding`). Then the outcome must not be written.
    @discardableResult
    func completeInbound(_ jobID: Int64) throws -> Bool
    /// Adds a provider call to the outbox, due now.
    func enqueueOutbox(_ new: NewOutboxItem) throws -> OutboxItem
    /// Adds a provider call to the outbox, claimed at once for the caller when it is the
    /// oldest entry of its conversation: `sending`, claim 1, leased for `lease` seconds,
    /// with the conversation's last inbound time read as a claim reads it. For a sender
    /// that takes the entry from memory once the caller's transaction commits, instead of
    /// claiming it with a write of its own. Behind an older entry of its conversation it
    /// is queued as `enqueueOutbox(_:)` queues it (returned `queued`), for a claim to take
    /// in order.
    func enqueueOutbox(_ new: NewOutboxItem, claimFor lease: TimeInterval) throws -> OutboxItem
    /// The call went through (or failed for good): the entry leaves the outbox, whichever
    /// claim holds it (the outcome is the message's, not the claim's). The message row
    /// keeps the outcome.
    func finishOutbox(_ id: Int64) throws
    /// The call failed in a retryable way, or the entry is handed back untried: back to
    /// `queued`, due at `nextAttemptAt`, its lease dropped. With `claim` (the claimed
    /// item's `claim`), only while that claim still holds the entry: returns false, and
    /// changes nothing, when its lease ran out and another claim took it (or it left the
    /// outbox). Nil applies to the entry whatever its claim.
    @discardableResult
    func retryOutbox(_ id: Int64, claim: Int64?, attempts: Int, nextAttemptAt: Date, error: String) throws -> Bool
}

extension QueueRepository {
    /// `retryOutbox` whatever claim holds the entry.
    public func retryOutbox(_ id: Int64, attempts: Int, nextAttemptAt: Date, error: String) throws {
        try retryOutbox(id, claim: nil, attempts: attempts, nextAttemptAt: nextAttemptAt, error: error)
    }
}

/// How long a claim holds an outbox entry in `sending` by default (`outbox.lease_ms`).
public enum OutboxLease {
    /// Five minutes: longer than anything a sender does with a claimed entry while it
    /// works (a batch of provider calls of up to 30 s each, rate-limit waits, the
    /// bookkeeping's own retries), so a working sender never loses an entry to another.
    public static let defaultSeconds: TimeInterval = 300
}

public struct NewOutboxItem: Sendable, Equatable {
    public var conversationID: ConversationID
    public var messageID: MessageID
    public var channelID: ChannelID
    public var recipient: String
    public var kind: OutboxKind
    public var bodyJSON: String
    public var receivedAt: Date?

    public init(conversationID: ConversationID, messageID: MessageID, channelID: ChannelID, recipient: String,
                kind: OutboxKind, bodyJSON: String, receivedAt: Date?) {
        self.conversationID = conversationID; self.messageID = messageID; self.channelID = channelID
        self.recipient = recipient; self.kind = kind; self.bodyJSON = bodyJSON; self.receivedAt = receivedAt
    }
}

/// The host's view of the queues across workspaces: what workers and channel senders
/// claim. Claims name workspaces in what they return; everything done with a claimed
/// item goes through that workspace's `QueueRepository`.
public protocol QueueStore: Sendable {
    /// Inbound jobs not yet done, oldest first, whoever holds them (a listing; a host
    /// takes work with `claimInbound`).
    func pendingInbound(limit: Int) throws -> [InboundJob]
    /// Claims up to `limit` due outbox entries of `channel` (state `sending`), oldest
    /// first, taking for each conversation only its oldest unfinished entry, so that a
    /// conversation's messages leave in order even across retries. Each claim holds its
    /// entries for `lease` seconds from `now`: an entry still `sending` after its lease
    /// ran out (its claimer died, hung, or could not record the outcome) is claimed
    /// again, with the next `claim` number; so is one whose claimer died (`Claimer`).
    /// Expired leases are looked for at most once a
    /// second per channel (a claim's cost stays that of the due entries).
    func claimOutbox(channel: ChannelID, now: Date, limit: Int, lease: TimeInterval) throws -> [OutboxItem]
    /// When the next claimable entry of `channel` (the oldest of its conversation) is due.
    func nextOutboxDue(channel: ChannelID) throws -> Date?
    /// Whether `channel` has entries in `queued`, due or not, claimable or behind an
    /// older entry of their conversation: what a claim could take now or later.
    func hasQueuedOutbox(channel: ChannelID) throws -> Bool
    /// The channels whose claim may take something now: a `queued` entry due by `now`,
    /// or one in `sending` whose lease ran out by `now` or that another claimer holds (it
    /// may have died). One look for the whole host (`only` nil), or for one channel: a
    /// hint for whose senders to wake (`LiveSenders`, a sender's start); the claim decides
    /// what is claimable.
    func channelsToClaim(now: Date, only channel: ChannelID?) throws -> Set<ChannelID>
    /// Claims up to `limit` inbound jobs whose claim is void, oldest first, for `lease`
    /// seconds from `now`: jobs of a host that died (`Claimer`) or whose lease ran out
    /// (another claimer's: this store's own jobs are in its memory), and jobs queued
    /// before claims existed. A job is claimed when it is queued
    /// (`QueueRepository.enqueueInbound`, by the host that runs it from memory), so this
    /// is how a starting host takes the work its predecessor left, and how a host takes
    /// a dead host's work; a live host's jobs are not taken while their lease runs.
    func claimInbound(now: Date, limit: Int, lease: TimeInterval) throws -> [InboundJob]
    /// Extends the lease of every inbound job this store's claimer holds to `lease`
    /// seconds from `now` (a host runs it well within each lease, so that another host
    /// never takes a job it still has queued in memory). Returns how many. A job whose
    /// lease ran out is not taken back from this claimer by its own claims either.
    @discardableResult
    func renewInboundClaims(now: Date, lease: TimeInterval) throws -> Int
    /// Whether an inbound job of `conversation` older than `jobID` is still pending. With
    /// several hosts on one database the message before this one may be another host's
    /// job (the webhooks of one conversation reach any host), or the job of a host that
    /// died, waiting to be taken over: a worker runs a conversation's jobs in order, its
    /// own from memory and another host's by waiting while this is true. Always false
    /// where one host has the database (SQLite): its jobs are all in its memory.
    func hasEarlierInbound(workspace: WorkspaceID, conversation: ConversationID, before jobID: Int64) throws -> Bool
    /// Outbox entries per channel (queued or sending).
    func outboxDepth() throws -> [ChannelID: Int]
    /// Holds a message no workspace takes; false when it was already held (a redelivery).
    func holdUnrouted(channel: ChannelID?, providerAddress: String, providerMessageID: String, sender: String?,
                      reason: String, payloadJSON: String) throws -> Bool
    func unrouted(limit: Int) throws -> [UnroutedMessage]
    /// Deletes the held messages of `senders` (as the provider gave them: `wa_id`, user
    /// id) on `channels`; returns how many. Held messages are not workspace-scoped: a
    /// contact's erasure names the channels of its workspace, so other workspaces' senders
    /// and channels are never touched.
    func eraseUnrouted(channels: [ChannelID], senders: [String]) throws -> Int
}

extension QueueStore {
    /// `claimInbound` with the default lease (`InboundLease.defaultSeconds`).
    public func claimInbound(now: Date = Date(), limit: Int) throws -> [InboundJob] {
        try claimInbound(now: now, limit: limit, lease: InboundLease.defaultSeconds)
    }

    /// `claimOutbox` with the default lease (`OutboxLease.defaultSeconds`).
    public func claimOutbox(channel: ChannelID, now: Date, limit: Int) throws -> [OutboxItem] {
        try claimOutbox(channel: channel, now: now, limit: limit, lease: OutboxLease.defaultSeconds)
    }

    /// `channelsToClaim` for every channel.
    public func channelsToClaim(now: Date) throws -> Set<ChannelID> {
        try channelsToClaim(now: now, only: nil)
    }
}
