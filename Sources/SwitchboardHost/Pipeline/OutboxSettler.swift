import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The one place an outbox entry is settled: sent, scheduled again, failed for good,
/// handed back untried, or done. Every channel's sender (WhatsApp lanes, the web chat)
/// settles through it, so the bookkeeping of a provider call is written, journalled and
/// counted the same way everywhere.
///
/// A settlement is one transaction: the message's outcome, the outbox entry, the journal.
/// When it cannot be written (the disk, a lock held too long, a trigger, anything), the
/// failure is logged, counted (`switchboard_outbox_settle_failures_total`) and the same
/// settlement is tried again in the background, backing off from 50 ms to 5 s, until it
/// is written or the host stops. Until then the entry stays `sending` under its claim, so
/// the conversation's next messages wait behind it (order holds) and the provider is not
/// called again for it. If the host stops first, the next start (or, with several hosts,
/// the entry's lease running out) takes the entry again: the documented duplicate window.
/// An entry claimed again by a lease takeover while its settlement is still being retried
/// here is `adopt`ed, not sent again.
///
/// A provider id that another message already holds is not an error (the store records
/// the send without it): the `sent` event carries `provider_id_collision` and the
/// collision is counted (`switchboard_provider_id_collisions_total`).
///
/// A sent or failed outcome for a message that no longer exists (erased while its reply
/// was in flight) is not retried: there is nothing left to record it on. The entry leaves
/// the outbox if it is still there, nothing is journalled, and the drop is logged at
/// error level and counted (`switchboard_outbox_settles_dropped_total`).
///
/// Threading: `settle` from any thread; retries run on the settler's own queue.
final class OutboxSettler: Service, @unchecked Sendable {
    let name = "outbox-settler"

    enum Outcome: Sendable {
        /// The provider accepted the message under `providerMessageID`; `detail` goes
        /// into the `sent` event.
        case sent(providerMessageID: String, detail: [String: String])
        /// A retryable failure of attempt `attempts`: queued again, due at `at`,
        /// journalled as `retry_scheduled` with `detail` and counted (nil: neither, for a
        /// mark-as-read).
        case retry(attempts: Int, at: Date, error: String, detail: [String: String]?)
        /// Failed for good: recorded on the message and journalled as `failed`.
        case failed(code: String?, title: String, detail: [String: String])
        /// Handed back untried (stopping, a rate-limit wait, the channel paused): queued
        /// again, due at `at`, attempts unchanged.
        case requeue(at: Date, error: String?)
        /// Leaves the outbox with nothing to record on the message (a mark-as-read).
        case done

        var label: String {
            switch self {
            case .sent: "sent"
            case .retry: "retry"
            case .failed: "failed"
            case .requeue: "requeue"
            case .done: "done"
            }
        }
    }

    /// What a settled entry leaves behind for the caller's `then`.
    struct Settled: Sendable {
        /// The message after `sent` or `failed` (nil for the other outcomes).
        let message: Message?
        /// False for a requeue or retry whose claim had lost its lease (the entry is
        /// another claim's now).
        let applied: Bool
    }

    private let store: any Store
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let queue = DispatchQueue(label: "outbox-settler")
    /// Called once a send's record (its provider message id) is committed: receipts that
    /// came before it are applied then (`ChannelIngest.applyHeldReceipts`).
    let onSentRecorded = Hook<(channel: ChannelID, providerMessageID: String)>()

    /// Settlements waiting for a retry, by outbox entry id.
    private struct Pending {
        var item: OutboxItem
        let outcome: Outcome
        let then: (@Sendable (Settled) -> Void)?
        var attempt: Int
    }
    private let pending = Mutex<(entries: [Int64: Pending], stopping: Bool)>(([:], false))

    static let firstRetry: Duration = .milliseconds(50)
    static let longestRetry: Duration = .seconds(5)

    init(store: any Store, logger: Logger, metrics: PipelineMetrics) {
        self.store = store
        self.logger = logger
        self.metrics = metrics
    }

    /// Nothing to do at start: entries left `sending` at the last stop are claimed again
    /// by the senders' claims, since their claimer died or their lease ran out (`Claimer`);
    /// a second host's entries are not taken while their leases run.
    func start() throws {}

    /// Tries each settlement still waiting once more, then gives up on the rest (they
    /// stay `sending`: see the type's comment).
    func stop(deadline: ContinuousClock.Instant) {
        let left = pending.withLock { p -> [Pending] in
            p.stopping = true
            return Array(p.entries.values)
        }
        var unsettled = 0
        // On the retry queue, so that no scheduled retry runs beside these.
        queue.sync {
            for p in left.sorted(by: { $0.item.id < $1.item.id }) {
                guard ContinuousClock.now < deadline else { unsettled += 1; continue }
                if !attempt(p.item, p.outcome, attempt: p.attempt, then: p.then) { unsettled += 1 }
            }
        }
        if unsettled > 0 {
            logger.error("outbox entries left unsettled at shutdown; they are taken again at the next start",
                         ["entries": String(unsettled)])
        }
    }

    /// Settlements being retried (`switchboard_outbox_unsettled`).
    var waiting: Int { pending.withLock { $0.entries.count } }

    /// Claims entries of `channel` for a sender, leaving out those this settler adopts: an
    /// entry taken again after its lease ran out whose outcome is still being written here
    /// is not sent again. The one claim every sender uses.
    func claim(channel: ChannelID, limit: Int, lease: TimeInterval) throws -> [OutboxItem] {
        try store.queue.claimOutbox(channel: channel, now: Date(), limit: limit, lease: lease)
            .filter { $0.claim == 1 || !adopt($0) }
    }

    /// Whether `item`, just claimed again after its lease ran out, is one whose
    /// settlement this settler is still retrying: then the settlement takes the new
    /// claim and the caller must not send it again.
    func adopt(_ item: OutboxItem) -> Bool {
        pending.withLock { p in
            guard p.entries[item.id] != nil else { return false }
            p.entries[item.id]!.item.claim = item.claim
            return true
        }
    }

    /// Settles `item` now, on the calling thread (waits for the commit). Returns whether
    /// it was written; if not, it is being retried.
    @discardableResult
    func settle(_ item: OutboxItem, _ outcome: Outcome, then: (@Sendable (Settled) -> Void)? = nil) -> Bool {
        attempt(item, outcome, attempt: 1, then: then)
    }

    /// Queues the settlement of `item` without waiting for its commit; `written` is
    /// signalled once the first attempt is committed or failed (a failed one is retried
    /// in the background). For a sender that goes on to its next call meanwhile.
    /// `timing`: how soon the write must commit (`CommitTiming`; a record nobody waits for
    /// may join the next commit).
    func settleQueued(_ item: OutboxItem, _ outcome: Outcome, timing: CommitTiming = .prompt,
                      then: (@Sendable (Settled) -> Void)? = nil) -> DispatchSemaphore {
        let written = DispatchSemaphore(value: 0)
        let journal = Journal(logger: logger)
        let box = ResultBox()
        store.transactionAsync({ [self] tx in
            box.value = try write(item, outcome, journal, tx)
        }, timing: timing, completion: { [self] error in
            defer { written.signal() }
            if let error {
                journal.discard()
                failed(item, outcome, attempt: 1, error: error, then: then)
            } else {
                committed(item, outcome, journal, box.value, attempt: 1, then: then)
            }
        })
        return written
    }

    private final class ResultBox: @unchecked Sendable {
        var value = Written(settled: Settled(message: nil, applied: true))
    }

    /// What one attempt wrote, for `committed`.
    private struct Written {
        let settled: Settled
        var collision: ProviderIDCollision?
        /// The message was gone: nothing recorded, the entry dropped.
        var messageGone = false
    }

    // MARK: - One attempt

    /// One attempt on the calling thread; true when written.
    private func attempt(_ item: OutboxItem, _ outcome: Outcome, attempt: Int, then: (@Sendable (Settled) -> Void)?) -> Bool {
        let journal = Journal(logger: logger)
        do {
            let result = try store.transaction { tx in try write(item, outcome, journal, tx) }
            committed(item, outcome, journal, result, attempt: attempt, then: then)
            return true
        } catch {
            journal.discard()
            failed(item, outcome, attempt: attempt, error: error, then: then)
            return false
        }
    }

    /// The writes of a settlement, inside the caller's transaction.
    private func write(_ item: OutboxItem, _ outcome: Outcome, _ journal: Journal, _ tx: any StoreTransaction) throws -> Written {
        let ws = tx.workspace(item.workspaceID)
        /// `recordSend`, or nil when the message is gone (it throws before writing
        /// anything, so the transaction goes on): the entry just leaves the outbox.
        func recordSend(_ status: DeliveryStatus, _ providerMessageID: String?, _ code: String?, _ title: String?) throws -> StatusUpdate? {
            do {
                return try ws.messages.recordSend(item.messageID, status: status, providerMessageID: providerMessageID,
                                                  errorCode: code, errorTitle: title)
            } catch let error as StoreError where error.code == .notFound {
                try ws.queue.finishOutbox(item.id)
                return nil
            }
        }
        switch outcome {
        case .sent(let providerMessageID, var detail):
            guard let update = try recordSend(.sent, providerMessageID, nil, nil) else {
                return Written(settled: Settled(message: nil, applied: true), messageGone: true)
            }
            try ws.queue.finishOutbox(item.id)
            if let collision = update.collision {
                detail["provider_id_collision"] = collision.providerMessageID
                if let holder = collision.heldBy { detail["provider_id_held_by"] = holder.rawValue }
            }
            try journal.record(ws, .sent, conversation: item.conversationID, message: item.messageID,
                               channel: item.channelID, level: update.collision == nil ? .info : .warn, detail)
            return Written(settled: Settled(message: update.message, applied: true), collision: update.collision)
        case .retry(let attempts, let at, let error, let detail):
            let applied = try ws.queue.retryOutbox(item.id, claim: item.claim, attempts: attempts, nextAttemptAt: at, error: error)
            if applied, let detail {
                try journal.record(ws, .retryScheduled, conversation: item.conversationID, message: item.messageID,
                                   channel: item.channelID, level: .warn, detail)
            }
            return Written(settled: Settled(message: nil, applied: applied))
        case .failed(let code, let title, let detail):
            guard let update = try recordSend(.failed, nil, code, title) else {
                return Written(settled: Settled(message: nil, applied: true), messageGone: true)
            }
            try ws.queue.finishOutbox(item.id)
            try journal.record(ws, .failed, conversation: item.conversationID, message: item.messageID,
                               channel: item.channelID, level: .warn, detail)
            return Written(settled: Settled(message: update.message, applied: true))
        case .requeue(let at, let error):
            let applied = try ws.queue.retryOutbox(item.id, claim: item.claim, attempts: item.attempts, nextAttemptAt: at,
                                                   error: error ?? item.lastError ?? "")
            return Written(settled: Settled(message: nil, applied: applied))
        case .done:
            try ws.queue.finishOutbox(item.id)
            return Written(settled: Settled(message: nil, applied: true))
        }
    }

    private func committed(_ item: OutboxItem, _ outcome: Outcome, _ journal: Journal,
                           _ result: Written, attempt: Int,
                           then: (@Sendable (Settled) -> Void)?) {
        journal.flush()
        let channel = item.channelID.rawValue, workspace = item.workspaceID.rawValue
        if result.messageGone {
            metrics.settlesDropped.labels(channel, outcome.label).increment()
            logger.error("outbox entry's message no longer exists; its outcome is dropped", [
                LogKey.workspace: workspace, LogKey.conversation: item.conversationID.rawValue,
                LogKey.message: item.messageID.rawValue, LogKey.channel: channel, "outcome": outcome.label])
        }
        switch outcome {
        case .sent(let providerMessageID, _):
            metrics.sent.labels(channel, workspace).increment()
            onSentRecorded.call((item.channelID, providerMessageID))
            if let received = item.receivedAt {
                metrics.replyLatency.labels(channel).observe(Date().timeIntervalSince(received))
            }
        case .failed: metrics.failed.labels(channel, workspace).increment()
        case .retry(_, _, _, .some) where result.settled.applied: metrics.retries.labels(channel, workspace).increment()
        default: break
        }
        if let collision = result.collision {
            metrics.providerIDCollisions.labels(channel, workspace).increment()
            var fields = [LogKey.workspace: workspace, LogKey.message: item.messageID.rawValue, LogKey.channel: channel,
                          "provider_message_id": collision.providerMessageID]
            if let holder = collision.heldBy { fields["held_by"] = holder.rawValue }
            logger.warn("the provider answered with a message id another message already has; recorded without it", fields)
        }
        if !result.settled.applied {
            logger.warn("outbox entry not requeued: its claim's lease ran out and another claim holds it", [
                LogKey.workspace: workspace, LogKey.message: item.messageID.rawValue, LogKey.channel: channel,
                "claim": String(item.claim), "outcome": outcome.label])
        }
        if attempt > 1 {
            pending.withLock { _ = $0.entries.removeValue(forKey: item.id) }
            logger.info("outbox entry settled after earlier attempts failed", [
                LogKey.workspace: workspace, LogKey.message: item.messageID.rawValue, LogKey.channel: channel,
                "outcome": outcome.label, "attempts": String(attempt)])
        }
        then?(result.settled)
    }

    /// Logs and counts a failed attempt and schedules the next one.
    private func failed(_ item: OutboxItem, _ outcome: Outcome, attempt: Int, error: any Error,
                        then: (@Sendable (Settled) -> Void)?) {
        let delay = Self.delay(after: attempt)
        metrics.settleFailures.labels(item.channelID.rawValue, outcome.label).increment()
        logger.error("outbox entry not settled; trying again", [
            LogKey.workspace: item.workspaceID.rawValue, LogKey.conversation: item.conversationID.rawValue,
            LogKey.message: item.messageID.rawValue, LogKey.channel: item.channelID.rawValue,
            "outcome": outcome.label, "attempt": String(attempt), "retry_in_ms": String(Int(delay.inSeconds * 1000)),
            LogKey.error: "\(error)"])
        let scheduled = pending.withLock { p -> Bool in
            guard !p.stopping else { return false }
            // An adopted entry keeps the claim it was adopted with.
            var entry = Pending(item: item, outcome: outcome, then: then, attempt: attempt + 1)
            if let claim = p.entries[item.id]?.item.claim { entry.item.claim = claim }
            p.entries[item.id] = entry
            return true
        }
        guard scheduled else { return }
        queue.asyncAfter(deadline: .now() + delay.inSeconds) { [self] in
            guard let next = pending.withLock({ $0.stopping ? nil : $0.entries[item.id] }) else { return }
            _ = self.attempt(next.item, next.outcome, attempt: next.attempt, then: next.then)
        }
    }

    /// 50 ms, doubling, at most 5 s.
    static func delay(after attempt: Int) -> Duration {
        let factor = 1 << min(max(0, attempt - 1), 10)
        return min(firstRetry * factor, longestRetry)
    }
}
