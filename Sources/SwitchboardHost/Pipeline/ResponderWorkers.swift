import Foundation
import Synchronization
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The workers that run each committed inbound message through its workspace's
/// responder chain: in order within a conversation, in parallel across conversations,
/// on a bounded pool. The chain runs outside any transaction; its outcome (replies into
/// the outbox, a handoff, the journal) commits together with the job's removal, so a crash
/// between the two runs the chain again and never answers twice. The worker does not wait
/// for that commit: it goes on with other conversations, and the conversation's next
/// message waits until the commit is done.
///
/// A reply for a sender that takes hand-overs (`ReplyHandover`) is claimed in that same
/// transaction (born `sending` under the sender's lease, when it is the oldest entry of
/// its conversation) and handed to the sender in memory once committed: no claim write,
/// and no wait for one, between the worker's commit and the provider call.
final class ResponderWorkers: Service, @unchecked Sendable {
    let name = "responder-workers"
    private let store: any Store
    private let logger: Logger
    /// The workspaces' configs and chains as they run now (replaced by a reload).
    let live: LiveWorkspaces
    private let onOutbox: @Sendable (ChannelID) -> Void
    private let handover: ReplyHandover?
    private var queue: KeyedWorkQueue<ConversationID, Work>!

    /// A job, and the hold on its message's commit when the ingress handed it on before
    /// that commit (`CommitHolding`): released once the outcome is queued (it joins that
    /// commit) or the job goes another way.
    struct Work: Sendable {
        var job: InboundJob
        var hold: CommitHold?
    }
    /// Jobs waiting for an earlier job of their conversation on another host: how many
    /// times each has looked (its pause grows with it).
    private let waiting = Mutex<[Int64: Int]>([:])

    /// Senders that take replies claimed for them in the worker's transaction.
    struct ReplyHandover: Sendable {
        /// The lease of a claim for `channel`'s sender while it takes hand-overs; nil to
        /// queue the reply for the senders' claims (`onOutbox`).
        let lease: @Sendable (ChannelID) -> TimeInterval?
        /// A committed reply claimed for its channel's sender (on the store's completion
        /// thread: quick).
        let handOver: @Sendable (OutboxItem) -> Void
    }

    init(store: any Store, logger: Logger, live: LiveWorkspaces,
         workers: Int, onOutbox: @escaping @Sendable (ChannelID) -> Void, handover: ReplyHandover? = nil,
         takeOverInterval: TimeInterval = 5) {
        self.store = store
        self.takeOverInterval = takeOverInterval
        self.logger = logger
        self.live = live
        self.onOutbox = onOutbox
        self.handover = handover
        queue = KeyedWorkQueue(workers: workers, name: "worker") { [unowned self] _, work, finished in
            self.process(work.job, hold: work.hold, finished: finished)
        }
    }

    /// Jobs waiting or running.
    var depth: Int { queue.depth }

    func start() throws {
        queue.start()
        // Work committed before a stop or crash, in commit order: the jobs whose claimer
        // died or whose lease ran out (not those of another live host).
        var reloaded = 0
        while true {
            let jobs = try store.queue.claimInbound(limit: 10_000)
            submit(jobs)
            reloaded += jobs.count
            if jobs.count < 10_000 { break }
        }
        if reloaded > 0 { logger.info("reloaded pending inbound work", ["jobs": String(reloaded)]) }
        startLeaseTimer()
    }

    func submit(_ jobs: [InboundJob]) {
        for j in jobs { queue.submit(j.conversationID, Work(job: j)) }
    }

    /// Jobs whose messages are not committed yet, each holding that commit until its
    /// outcome is queued (the ingress, on the store's writer thread: quick).
    func submit(held: [(job: InboundJob, hold: CommitHold)]) {
        for h in held { queue.submit(h.job.conversationID, Work(job: h.job, hold: h.hold)) }
    }

    func stop(deadline: ContinuousClock.Instant) {
        leaseTimer?.cancel()
        leaseTimer = nil
        queue.stop(deadline: deadline)
    }

    /// Every `takeOverInterval`: takes the jobs another host left (it died: its heartbeat stopped on
    /// PostgreSQL, see `HostHeartbeat`; or its lease ran out), and every third of
    /// `InboundLease` renews the leases of the jobs this host holds. With one host per
    /// database (SQLite) the look finds nothing: `start` took what the last run left.
    /// Set by `start`, cancelled by `stop` (the host's start and stop, one after the other).
    private var leaseTimer: (any DispatchSourceTimer)?

    /// How often the timer looks for jobs other hosts left: a heartbeat
    /// (`storage.heartbeat_seconds`, 5 s by default).
    let takeOverInterval: TimeInterval

    private func startLeaseTimer() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "inbound-leases"))
        let renewEvery = InboundLease.defaultSeconds / 3
        let interval = min(renewEvery, takeOverInterval)
        nonisolated(unsafe) var renewed = Date()
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            do {
                if Date().timeIntervalSince(renewed) >= renewEvery - interval / 2 {
                    try store.queue.renewInboundClaims(now: Date(), lease: InboundLease.defaultSeconds)
                    renewed = Date()
                }
                let taken = try store.queue.claimInbound(limit: 10_000)
                submit(taken)
                if !taken.isEmpty { logger.warn("took inbound work another host left", ["jobs": String(taken.count)]) }
            } catch {
                logger.error("inbound leases not renewed; trying again", [LogKey.error: "\(error)"])
            }
        }
        leaseTimer = timer
        timer.resume()
    }

    /// Runs one job: reads, the chain, then its outcome queued as one transaction. The
    /// worker thread goes on with other conversations while that commits; the
    /// conversation's next job waits for `finished`, called once the outcome is committed.
    ///
    /// Several hosts on one database: a job whose conversation has an older job pending
    /// (another host's, or a dead host's waiting to be taken over) waits for it: it gives
    /// its conversation's turn on this host back and is submitted again after a pause
    /// (20 ms, doubling to 1 s), so the conversation's replies are queued, and sent, in the
    /// order of its messages whichever hosts received them. Giving the turn back matters:
    /// the job it waits for may come to this host's queue (taken over from a dead host),
    /// behind it. Each job checks for itself, so their order in this queue does not.
    ///
    /// `hold`: the job was handed on before its message's commit (see `Work`); released
    /// before this returns, whichever way the job went.
    func process(_ job: InboundJob, hold: CommitHold? = nil, attempt: Int = 1, finished: @escaping @Sendable () -> Void) {
        defer { hold?.release() }
        let ws = store.workspace(job.workspaceID)
        let log = logger.with([LogKey.workspace: job.workspaceID.rawValue, LogKey.conversation: job.conversationID.rawValue,
                               LogKey.message: job.messageID.rawValue])
        do {
            if try store.queue.hasEarlierInbound(workspace: job.workspaceID, conversation: job.conversationID, before: job.id) {
                let waits = waiting.withLock { w -> Int in
                    let n = w[job.id, default: 0]
                    w[job.id] = n + 1
                    return n
                }
                if waits == 0 { log.debug("an earlier message of the conversation is still pending on another host; waiting for it") }
                let pause = min(1, 0.02 * pow(2, Double(min(waits, 6))))
                finished()
                DispatchQueue.global().asyncAfter(deadline: .now() + pause) { [self] in
                    queue.submit(job.conversationID, Work(job: job))
                }
                return
            }
            waiting.withLock { _ = $0.removeValue(forKey: job.id) }
        } catch {
            retry(job, log, attempt: attempt, error: error, finished: finished)
            return
        }
        do {
            try run(job, ws, log, hold: hold) { [self] error in
                if let error { retry(job, log, attempt: attempt, error: error, finished: finished) } else { finished() }
            }
        } catch {
            retry(job, log, attempt: attempt, error: error, finished: finished)
        }
    }

    /// The store failed (disk full, busy past the timeout): the job stays pending (its
    /// outcome was not committed); it runs again after a growing pause rather than being
    /// dropped, and the conversation's later jobs wait for it.
    private func retry(_ job: InboundJob, _ log: Logger, attempt: Int, error: any Error,
                       finished: @escaping @Sendable () -> Void) {
        log.error("processing failed; will retry", [LogKey.error: "\(error)", "attempt": String(attempt)])
        let pause = min(30, 0.1 * pow(2, Double(min(attempt, 9))))
        DispatchQueue.global().asyncAfter(deadline: .now() + pause) { [self] in
            process(job, attempt: attempt + 1, finished: finished)
        }
    }

    /// Queues `body` as one transaction, given workspace `ws` bound to it; once it is
    /// committed, writes its journal lines, hands the outbox entry it returns to its
    /// sender (claimed) or tells the sender of its channel (queued), and calls
    /// `done(nil)`; `done(error)` if it was not.
    ///
    /// The job is completed first: one that is no longer pending (another host took it
    /// over and completed it, or the commit of its message failed after the ingress had
    /// handed it on) writes nothing, and the message is not answered twice.
    private func commit(_ log: Logger, _ job: InboundJob, done: @escaping @Sendable ((any Error)?) -> Void,
                        _ body: @escaping @Sendable (Journal, any WorkspaceStore) throws -> OutboxItem?) {
        let journal = Journal(logger: log)
        let outcome = CommitOutcome()
        store.transactionAsync({ tx in
            let ws = tx.workspace(job.workspaceID)
            guard try ws.queue.completeInbound(job.id) else {
                outcome.gone = true
                return
            }
            outcome.entry = try body(journal, ws)
        }, completion: { [onOutbox, handover] error in
            if let error {
                journal.discard()
                done(error)
                return
            }
            if outcome.gone {
                log.warn("the message's job is no longer pending (completed by another host, or its message was never committed); its outcome is not written")
            }
            journal.flush()
            if let entry = outcome.entry {
                if entry.state == .sending, let handover { handover.handOver(entry) } else { onOutbox(entry.channelID) }
            }
            done(nil)
        })
    }

    /// The outbox entry a queued transaction queued, for its completion (the body runs
    /// on the store's writer thread, the completion after it on the completion thread).
    private final class CommitOutcome: @unchecked Sendable {
        var entry: OutboxItem?
        /// The job was not pending: nothing was written.
        var gone = false
    }

    /// `hold`: the job's message may not be committed yet; a conversation it began is
    /// then not in the store, and the ingress's copy is used (nothing else can have
    /// changed a conversation no commit has shown yet).
    private func run(_ job: InboundJob, _ ws: any WorkspaceStore, _ log: Logger, hold: CommitHold? = nil,
                     done: @escaping @Sendable ((any Error)?) -> Void) throws {
        let begun = hold == nil ? nil : job.stored?.conversation
        guard let message = try job.stored?.message ?? ws.messages.get(job.messageID),
              var conversation = try ws.conversations.get(job.conversationID) ?? begun else {
            log.error("queued message is gone; dropping its job")
            try ws.queue.completeInbound(job.id)
            done(nil)
            return
        }
        if conversation.state == .resolved {
            // A write this thread waits for: not behind the hold on the message's commit.
            hold?.release()
            try ws.transaction { ws in
                conversation = try ws.conversations.transition(conversation.id, .inbound, extraDetail: ["message": message.id.rawValue]).conversation
            }
        }
        // The config and chain this message runs on, read once: a reload meanwhile
        // changes the next message, not this one.
        let (config, responders, release) = live.acquire(job.workspaceID)
        var released = false
        defer { if !released { release() } }
        if conversation.state == .human || config == nil {
            let why = config == nil ? "workspace is not configured" : "conversation is with a human"
            let conversation = conversation
            commit(log, job, done: done) { journal, ws in
                try journal.record(ws, .verdict, conversation: conversation.id, message: message.id,
                                   channel: conversation.channelID, ["verdict": "none", "reason": why])
                return nil
            }
            return
        }
        // What the chain reads: the message, or the burst of messages it ends.
        var chainMessage = message
        if let window = config.map({ Double($0.debounceMilliseconds) / 1000 }), window > 0, message.direction == .inbound {
            let age = Date().timeIntervalSince(message.createdAt)
            if age < window {
                // Too early to know whether the customer is still typing: come back when
                // the window has passed. The worker goes on with other conversations;
                // this conversation's next message waits for `done` as always.
                release()
                released = true
                DispatchQueue.global().asyncAfter(deadline: .now() + (window - age)) { [self] in
                    do { try run(job, ws, log, done: done) } catch { done(error) }
                }
                return
            }
            if let next = try ws.messages.list(conversation: conversation.id, after: message.id, limit: 1).first,
               next.direction == .inbound, next.createdAt.timeIntervalSince(message.createdAt) <= window {
                // The customer went on writing: this message is answered with the next.
                let conversation = conversation
                commit(log, job, done: done) { journal, ws in
                    try journal.record(ws, .verdict, conversation: conversation.id, message: message.id,
                                       channel: conversation.channelID,
                                       ["verdict": "none", "reason": "debounced: answered with the customer's next message"])
                    return nil
                }
                return
            }
            // The messages just before this one (a burst is a few lines in seconds; more
            // than `burstLimit` of them are cut to the last ones), not the conversation.
            let before = try ws.messages.tail(conversation: conversation.id, before: message.id, limit: Self.burstLimit)
            chainMessage.text = Self.burstText(ending: message, in: before + [message], window: window)
        }
        let contact = try job.stored.map(\.contact) ?? ws.contacts.get(conversation.contactID)
        // A chain that comes to wait (an LLM call) lets the message's commit go first.
        var beforeWaiting: (@Sendable () -> Void)?
        if let hold { beforeWaiting = { hold.release() } }
        var outcome = responders.respond(ResponderInput(workspace: job.workspaceID, channel: conversation.channelID,
                                                        conversation: conversation, message: chainMessage, contact: contact,
                                                        beforeWaiting: beforeWaiting))
        release()
        released = true
        // Everything but the store calls is worked out here, on the worker thread: the
        // body runs on the store's writer thread, which every commit waits for.
        var detail = ["verdict": outcome.verdict.name]
        if let p = outcome.plugin { detail["plugin"] = p }
        var replyText: String?
        var buttons: [String] = []
        var handoffReason: String?
        switch outcome.verdict {
        case .reply(let text, let b):
            replyText = text
            buttons = b
        case .handoff(let reason, let text):
            detail["reason"] = reason
            replyText = text
            handoffReason = reason
        case .pass:
            if let fallback = config?.fallback, !fallback.isEmpty {
                replyText = fallback
                detail["fallback"] = "true"
            }
        case .template:
            break
        }
        var reply = replyText.flatMap { text in contact.map { contact in (
            message: NewOutboundMessage(conversationID: conversation.id, kind: .text, text: text,
                                        payloadJSON: buttons.isEmpty ? nil : OutboxBody.encode(buttons)),
            recipient: Self.recipient(contact), body: OutboxBody.send(text: text, buttons: buttons)) } }
        // A plugin's template (checked against the channel's templates; else the fallback).
        if case .template(let name, let language, let parameters) = outcome.verdict, let contact {
            switch AgentTemplates.prepare(store: store, channel: conversation.channelID, conversation: conversation.id,
                                          name: name, language: language,
                                          parameters: MessageTemplate.Parameters(body: parameters), author: nil) {
            case .success(let prepared):
                reply = (prepared.message, Self.recipient(contact), prepared.body)
                detail["template"] = name
            case .failure(let refusal):
                outcome.failures.append((plugin: outcome.plugin ?? "?", error: refusal.description))
                if let fallback = config?.fallback, !fallback.isEmpty {
                    reply = (NewOutboundMessage(conversationID: conversation.id, kind: .text, text: fallback),
                             Self.recipient(contact), OutboxBody.send(text: fallback, buttons: []))
                    detail["fallback"] = "true"
                }
            }
        }
        let conversationID = conversation.id, channelID = conversation.channelID, verdictDetail = detail
        let handoff = handoffReason
        // Claimed in this transaction for a sender that takes it from memory.
        let claimLease = reply == nil ? nil : handover?.lease(channelID)
        commit(log, job, done: done) { [outcome, reply] journal, ws in
            // The chain's own state (the count of unanswered messages) commits with the
            // outcome: one commit per message, and never one without the other.
            try outcome.save?(ws)
            for f in outcome.failures {
                try journal.record(ws, .pluginError, conversation: conversationID, message: message.id,
                                   channel: channelID, level: .warn, ["plugin": f.plugin, "error": f.error])
            }
            for e in outcome.events {
                try journal.record(ws, .pluginEvent, conversation: conversationID, message: message.id,
                                   channel: channelID, e.detail)
            }
            if let reason = handoff {
                _ = try ws.conversations.transition(conversationID, .handoff, extraDetail: ["reason": reason])
            }
            // An agent may have taken the conversation over while the chain ran: then the
            // bot's reply is not sent (the bot never talks over a person).
            var verdictDetail = verdictDetail
            var reply = reply
            if reply != nil, handoff == nil, try ws.conversations.get(conversationID)?.state == .human {
                reply = nil
                verdictDetail["suppressed"] = "conversation taken over by an agent"
            }
            try journal.record(ws, .verdict, conversation: conversationID, message: message.id, channel: channelID,
                               verdictDetail)
            var entry: OutboxItem?
            if let reply {
                let stored = try ws.messages.insertOutbound(reply.message)
                let new = NewOutboxItem(conversationID: conversationID, messageID: stored.id, channelID: channelID,
                                        recipient: reply.recipient, kind: .send, bodyJSON: reply.body, receivedAt: job.receivedAt)
                entry = try claimLease.map { try ws.queue.enqueueOutbox(new, claimFor: $0) } ?? ws.queue.enqueueOutbox(new)
                try journal.record(ws, .queued, conversation: conversationID, message: stored.id,
                                   channel: channelID, ["in_reply_to": message.id.rawValue])
            }
            return entry
        }
    }

    /// The text of the burst `last` ends: the customer's messages just before it, each
    /// within `window` seconds of the next and with no answer between, joined by lines.
    /// The most messages before the last that one burst reads.
    static let burstLimit = 50

    static func burstText(ending last: Message, in messages: [Message], window: TimeInterval) -> String? {
        guard let index = messages.firstIndex(where: { $0.id == last.id }) else { return last.text }
        var texts = [last.text ?? ""]
        var next = last
        var i = index - 1
        while i >= 0, messages[i].direction == .inbound, next.createdAt.timeIntervalSince(messages[i].createdAt) <= window {
            texts.insert(messages[i].text ?? "", at: 0)
            next = messages[i]
            i -= 1
        }
        let joined = texts.filter { !$0.isEmpty }.joined(separator: "\n")
        return texts.count == 1 ? last.text : joined
    }

    /// An outbox entry's recipient: the contact's address as the store keeps it (the
    /// channel's transport turns it into the provider's `to`).
    static func recipient(_ contact: Contact) -> String { contact.address.storageKey }
}
