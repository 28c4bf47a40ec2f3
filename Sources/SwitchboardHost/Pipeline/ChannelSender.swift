import Foundation
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The one outbox drainer of a channel, whatever its transport: claims due entries (a
/// conversation's in order), applies Core's policies with the transport's traits (the
/// channel's rate limit, the per-recipient spacing, the service window), asks the
/// transport (`ChannelTransport`, in SwitchboardChannels) to make each call, and records
/// every outcome with the journal. A classified `SendFailure` decides what follows:
/// retryable and rate-limited failures go back with backoff and full jitter (never
/// sooner than the provider asked); credentials refused pause the sender in
/// `auth_failed`, holding its messages until the token is replaced (a config reload or a
/// restart); a circuit breaker stops hammering a provider that fails every call and
/// probes before resuming; permanent and re-engagement failures are recorded on the
/// message. Nothing is dropped: an entry leaves the outbox only sent or failed for good.
/// Every outcome is written by the `OutboxSettler` (which retries bookkeeping that could
/// not be written); claims hold entries for `outbox.lease_ms`. The channel's state is
/// kept by its `ChannelHealth`, which the transport reports to as well.
///
/// Up to `traits.lanes` threads per channel (8 for the Cloud API), each with its own
/// connection (`ChannelConnection`) and one call in flight, so one lane's commit overlaps
/// the other lanes' calls. Lanes start when there is work and no lane waits for it, and
/// a lane that found nothing to do for `laneIdleExit` ends: a channel with no traffic
/// holds no thread and wakes nothing (a host serving a thousand quiet numbers idles).
/// A conversation never has two messages in flight (the outbox claim takes only its
/// oldest unfinished entry), so order holds. A lane records each
/// accepted send without waiting for the commit, and calls the provider again only while
/// fewer than 4 of its records are uncommitted: the duplicate window of a crash is at most
/// 4 messages per lane (32 per channel), in practice one, since a provider call takes
/// longer than a commit. Rate limits, the breaker and the channel state are shared by the
/// lanes, and the rate limits and the breaker by every host sending through the channel
/// (`ChannelLimits`, on the store's meters: in this process on SQLite, in the database on
/// PostgreSQL).
///
/// A reply a responder worker claimed in its own transaction is handed over in memory
/// (`handOver`) and sent by the next free lane without a claim; lanes claim from the
/// store only while it may hold queued entries (`SenderHandover`). What no commit of this
/// host announces (leases that ran out, another host's entries, retries come due while
/// no lane ran) the host's sweep finds, once a second for all channels (`LiveSenders`).
final class ChannelSender: Service, @unchecked Sendable {
    let name: String
    let channel: ChannelID
    let transport: any ChannelTransport
    let health: ChannelHealth
    private let store: any Store
    private let traits: ChannelTraits
    private let logger: Logger
    private let metrics: PipelineMetrics
    private let policy: DeliveryPolicy
    private let settler: OutboxSettler
    /// How long a claim holds its entries (`outbox.lease_ms`), in seconds.
    private let lease: TimeInterval

    private let cond = NSCondition()
    private var wakeups = 0
    private var stopping = false
    private var started = false
    /// Lanes alive, and those of them waiting for work (under `cond`).
    private var running = 0
    private var waiting = 0
    private var lanesStarted = 0
    /// How long a lane with nothing to do lives on (`defaultLaneIdleExit`, shorter in tests).
    private let laneIdleExit: TimeInterval
    static let defaultLaneIdleExit: TimeInterval = 60
    // Shared by the lanes, under `shared`.
    private let shared = NSLock()
    /// The channel's rate, pair spacing and circuit breaker (thread-safe on their own).
    private let limits: ChannelLimits
    /// Whether the outbox may hold entries scheduled for later (retries, pair-limited
    /// requeues, anything left at the last stop): only then does a lane that found
    /// nothing due read when the next one is due. Set whenever this sender schedules one;
    /// cleared when that read finds none and nothing was scheduled meanwhile (the
    /// generation counts schedulings). Lanes also claim at least once a second.
    private var mayHaveScheduled = true
    private var scheduledGeneration = 0
    private var rng = SystemRandomNumberGenerator()
    /// Replies claimed for this sender in their worker's transaction, and when lanes
    /// claim from the store.
    private let handover = SenderHandover()

    var state: ChannelState { health.state }

    /// How long a claim holds its entries, for a worker that claims its reply for this
    /// sender (`outbox.lease_ms`).
    var leaseSeconds: TimeInterval { lease }

    /// Whether a worker should claim its reply for this sender and hand it over: the
    /// sender is running, may send, its breaker is closed, and fewer than
    /// `SenderHandover.limit` replies wait for a lane.
    var takesHandover: Bool {
        guard !isStopping, handover.count < SenderHandover.limit, state.maySend else { return false }
        return limits.isClosed
    }

    /// A reply claimed for this sender in a committed transaction: the next free lane
    /// sends it. Quick (the store's completion thread calls it). Once the sender is
    /// stopping, the entry goes back to the queue instead.
    func handOver(_ item: OutboxItem) {
        guard handover.add(item) else {
            _ = settler.settleQueued(item, .requeue(at: Date(), error: nil))
            return
        }
        wake()
    }

    init(transport: any ChannelTransport, outbox: HostConfig.Outbox, store: any Store, logger: Logger,
         metrics: PipelineMetrics, settler: OutboxSettler? = nil, health: ChannelHealth? = nil,
         laneIdleExit: TimeInterval = ChannelSender.defaultLaneIdleExit) {
        let traits = transport.traits
        self.laneIdleExit = laneIdleExit
        self.transport = transport
        self.traits = traits
        // A sender on its own (tests) settles through a settler of its own.
        self.settler = settler ?? OutboxSettler(store: store, logger: logger, metrics: metrics)
        self.lease = Double(outbox.leaseMilliseconds) / 1000
        policy = DeliveryPolicy(retry: RetryPolicy(base: .milliseconds(outbox.retryBaseMilliseconds),
                                                   cap: .milliseconds(outbox.retryCapMilliseconds),
                                                   maxAttempts: outbox.maxAttempts))
        self.channel = transport.channel
        self.name = "sender-\(transport.channel)"
        self.store = store
        self.logger = logger.with(LogKey.channel, transport.channel.rawValue)
        self.metrics = metrics
        self.health = health ?? ChannelHealth(channel: transport.channel, logger: logger, metrics: metrics)
        self.limits = ChannelLimits(channel: transport.channel, limits: store.limits, logger: self.logger,
                                    messagesPerSecond: traits.messagesPerSecond,
                                    pairSpacing: traits.perRecipientSpacing ?? .zero,
                                    breakerFailures: outbox.breakerFailures,
                                    breakerCoolDown: .milliseconds(outbox.breakerCooldownMilliseconds))
        // A channel that may send again (a live session open after a drop) drains at once,
        // in order, instead of at the next look.
        self.health.onChange { [weak self] change in
            if change.to.maySend && !change.from.maySend { self?.notify() }
        }
    }

    /// The Cloud API sender of a configured WhatsApp channel.
    convenience init(channel: ChannelConfig, app: WhatsAppAppConfig, outbox: HostConfig.Outbox, store: any Store, logger: Logger,
                     metrics: PipelineMetrics, settler: OutboxSettler? = nil, lanes: Int = 8,
                     laneIdleExit: TimeInterval = ChannelSender.defaultLaneIdleExit) {
        self.init(transport: Transports.whatsAppCloud(channel, app: app, outbox: outbox, lanes: lanes, logger: logger),
                  outbox: outbox, store: store, logger: logger, metrics: metrics, settler: settler, laneIdleExit: laneIdleExit)
    }

    /// Starts a lane only if the last run left something this channel may claim now (a
    /// host with thousands of quiet numbers starts no thread for them), or a reply was
    /// handed over before the start (a channel a reload adds is listed a moment before its
    /// sender starts; such a reply's lease hides it from claims); entries due later are the
    /// host's sweep's (`LiveSenders`).
    func start() throws {
        cond.lock()
        started = true
        cond.unlock()
        let leftovers: Bool
        do {
            leftovers = try !store.queue.channelsToClaim(now: Date(), only: channel).isEmpty
        } catch {
            logger.warn("could not look for entries the last run left; a lane claims to see", [LogKey.error: "\(error)"])
            leftovers = true
        }
        // `started` is set first: a reply handed over from here starts its own lane.
        if leftovers || !handover.isEmpty { wake() }
    }

    /// New entries were committed for this channel.
    func notify() {
        handover.storeChanged()
        wake()
    }

    /// Wakes a waiting lane (every one with `all`), or starts a lane when none waits and
    /// fewer than `traits.lanes` run.
    private func wake(all: Bool = false) {
        cond.lock()
        wakeups += all ? max(1, traits.lanes) : 1
        if started && !stopping && waiting == 0 && running < max(1, traits.lanes) {
            running += 1
            lanesStarted += 1
            let i = (lanesStarted - 1) % max(1, traits.lanes)
            let t = Thread { [self] in setCurrentThreadName("sender-\(i)"); self.loop() }
            t.name = "\(name)-\(i)"
            t.start()
        }
        if all { cond.broadcast() } else { cond.signal() }
        cond.unlock()
    }

    /// Lanes alive now (for tests).
    var lanesRunning: Int {
        cond.lock(); defer { cond.unlock() }
        return running
    }

    func stop(deadline: ContinuousClock.Instant) {
        cond.lock()
        stopping = true
        cond.broadcast()
        while running > 0 && ContinuousClock.now < deadline {
            _ = cond.wait(until: Date(timeIntervalSinceNow: 0.05))
        }
        cond.unlock()
        // Replies handed over that no lane took go back to the queue.
        release(handover.drain(close: true))
        health.apply(.shutdown, reason: nil)
    }

    private var isStopping: Bool {
        cond.lock(); defer { cond.unlock() }
        return stopping
    }

    /// Sleeps until `date`, a notification, a reply handed over, or a stop.
    private func wait(until date: Date) {
        cond.lock()
        if !stopping && wakeups == 0 && handover.isEmpty {
            waiting += 1
            _ = cond.wait(until: date)
            waiting -= 1
        }
        wakeups = 0
        cond.unlock()
    }

    /// A lane with nothing to do sleeps until `due` (the next entry scheduled for later),
    /// a notification, a reply handed over, or a stop, and returns true to go on. After
    /// `laneIdleExit` with none of them it leaves `running` instead and returns false:
    /// decided under the lock a wake-up takes, so work that comes after finds no lane
    /// waiting and starts one.
    private func idleWait(until due: Date?) -> Bool {
        let exitAt = Date(timeIntervalSinceNow: laneIdleExit)
        cond.lock()
        defer { cond.unlock() }
        while true {
            if stopping || wakeups > 0 || !handover.isEmpty {
                wakeups = 0
                return true
            }
            let now = Date()
            if let due, now >= due { return true }
            if now >= exitAt {
                running -= 1
                cond.broadcast()
                return false
            }
            waiting += 1
            _ = cond.wait(until: min(due ?? exitAt, exitAt))
            waiting -= 1
        }
    }

    /// A config reload replaced the channel's credentials (the transport already has
    /// them): a channel paused in `auth_failed` resumes, and its held messages go out.
    func credentialsReplaced() {
        logger.info("channel credentials replaced by a config reload")
        health.apply(.credentialsReplaced, reason: nil)
        wake(all: true)
    }

    /// One lane's state: the records of its accepted sends not yet committed. A lane calls
    /// the provider again only while fewer than `maxUnrecorded` are pending, so a crash
    /// can repeat at most that many accepted sends per lane (the documented window). With
    /// a real provider it is one: a Graph API call takes longer than a commit.
    private final class Lane: @unchecked Sendable {
        static let maxUnrecorded = 4
        private var unrecorded: [DispatchSemaphore] = []

        func recorded(_ done: DispatchSemaphore) { unrecorded.append(done) }

        /// Before a provider call: waits until fewer than `maxUnrecorded` are pending.
        func waitForRoom() {
            while unrecorded.count >= Self.maxUnrecorded { unrecorded.removeFirst().wait() }
        }

        func waitForRecords() {
            for done in unrecorded { done.wait() }
            unrecorded.removeAll()
        }
    }

    private func loop() {
        let lane = Lane()
        let connection = transport.connect()
        while !isStopping {
            if !state.maySend {
                release(handover.drain())
                wait(until: Date(timeIntervalSinceNow: 5))
                continue
            }
            var limit = 8
            switch limits.decide() {
            case .reject(let until):
                release(handover.drain())
                wait(until: Date(timeIntervalSinceNow: (until - .now).inSeconds))
                continue
            case .probe:
                limit = 1
            case .allow:
                break
            }
            // A reply handed over first: it is claimed already, and waits for nothing.
            let (handed, expired) = handover.take()
            if handed != nil && !handover.isEmpty { wake() }
            if !expired.isEmpty {
                // A claim takes them again: this lane's next one, or, since claims look
                // for expired leases once a second, the one the host's sweep wakes.
                logger.warn("replies handed over outlived their lease before a lane took them; a claim takes them again",
                            ["entries": String(expired.count)])
            }
            if let handed {
                lane.waitForRoom()
                handle(handed, connection, lane)
                if limit == 1 { continue }
            }
            guard let generation = handover.claimDue() else {
                if handed == nil && !idle() { lane.waitForRecords(); return }
                continue
            }
            let items: [OutboxItem]
            do {
                items = try settler.claim(channel: channel, limit: limit, lease: lease)
            } catch {
                logger.error("cannot read the outbox", [LogKey.error: "\(error)"])
                wait(until: Date(timeIntervalSinceNow: 1))
                continue
            }
            if items.count < limit {
                // A failed look-up counts as "entries may be queued": the lanes go on
                // claiming from the store, so nothing waits on a lost answer.
                handover.claimed(generation: generation, queuedLeft: (try? store.queue.hasQueuedOutbox(channel: channel)) ?? true)
            }
            if items.isEmpty {
                if handed == nil && !idle() { lane.waitForRecords(); return }
                continue
            }
            // A full claim: more may be queued; another lane claims beside this one.
            if items.count == limit && limit > 1 { wake() }
            for (i, item) in items.enumerated() {
                if isStopping || !state.maySend {
                    // Leave the rest for later (or the next start): back to queued, untouched.
                    release(Array(items[i...]))
                    break
                }
                lane.waitForRoom()
                handle(item, connection, lane)
            }
        }
        lane.waitForRecords()
        cond.lock()
        running -= 1
        cond.broadcast()
        cond.unlock()
    }

    /// Nothing to send: sleeps until the next scheduled entry is due or something wakes
    /// the lanes; false when the lane ends instead (`idleWait`).
    private func idle() -> Bool {
        var next: Date?
        let (look, generation) = shared.withLock { (mayHaveScheduled, scheduledGeneration) }
        if look {
            do {
                next = try store.queue.nextOutboxDue(channel: channel)
                if next == nil {
                    shared.withLock { if scheduledGeneration == generation { mayHaveScheduled = false } }
                }
            } catch {
                // Scheduled entries may still exist: keep looking (the host's sweep wakes
                // the lanes for due ones meanwhile).
                logger.warn("could not read when the next outbox entry is due", [LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
            }
        }
        return idleWait(until: next)
    }

    /// An entry is about to be scheduled for later (set before the write, so that a lane
    /// finding nothing due after it commits reads the next due time).
    private func markScheduled() {
        shared.withLock {
            mayHaveScheduled = true
            scheduledGeneration += 1
        }
        handover.storeChanged()
    }

    private func release(_ items: [OutboxItem]) {
        for item in items { settler.settle(item, .requeue(at: Date(), error: nil)) }
        if !items.isEmpty { handover.storeChanged() }
    }

    // MARK: - One entry

    private func handle(_ item: OutboxItem, _ connection: any ChannelConnection, _ lane: Lane) {
        // Rate limits: wait our turn (short waits; a pair-limited recipient is requeued).
        while limits.limited {
            let wait = limits.acquire(recipient: item.recipient)
            if wait <= 0 { break }
            if wait > 1 {
                markScheduled()
                settler.settle(item, .requeue(at: Date(timeIntervalSinceNow: wait), error: nil))
                return
            }
            Thread.sleep(forTimeInterval: wait)
        }
        switch item.kind {
        case .send: send(item, connection, lane)
        case .markRead: markRead(item, connection)
        }
    }

    private func send(_ item: OutboxItem, _ connection: any ChannelConnection, _ lane: Lane) {
        // A template or an attachment (OutboxContent), else a text.
        let content = OutboxContent.decode(item.bodyJSON)
        guard let body = content == nil ? OutboxBody.decodeSend(item.bodyJSON) : OutboxBody.Send(text: "", buttons: nil) else {
            fail(item, code: nil, title: "outbox entry is not readable", reason: "outbox body is not valid JSON")
            return
        }
        // The service window is checked before calling the provider (the claim read the
        // conversation's last inbound time with the entry); templates may go after it.
        if content?.allowedOutsideWindow != true, let window = traits.serviceWindow {
            let last = item.conversationLastInboundAt ?? .distantPast
            if Date().timeIntervalSince(last) > window {
                fail(item, code: "131047", title: "outside the 24-hour customer service window",
                     reason: "the customer last wrote more than 24 hours ago; only an approved template may be sent",
                     reengagement: true, calledProvider: false)
                return
            }
        }
        let recipient = ContactAddress(storageKey: item.recipient)
        let attempt = item.attempts + 1
        do {
            let receipt: SendReceipt
            if content != nil, transport is WebChatTransport {
                // The web chat's provider is this host: an attachment is delivered once it is
                // recorded (the page fetches the file from the media store).
                receipt = try connection.send(.text(to: recipient, text: body.text, buttons: []))
            } else if let file = content?.file {
                // An attachment: the transport sends it its own way.
                guard traits.media != nil else {
                    fail(item, code: nil, title: "not supported on this channel",
                         reason: "channel \(channel) sends no attachments", calledProvider: false)
                    return
                }
                receipt = try connection.send(.media(to: recipient, media: file))
            } else if let content {
                // Templates are the Cloud API's (Graph calls of the connection).
                guard let graph = connection as? any GraphCallConnection else {
                    fail(item, code: nil, title: "not supported on this channel",
                         reason: "templates are sent only on WhatsApp Cloud API channels", calledProvider: false)
                    return
                }
                receipt = try graph.sendGraph { client throws(GraphError) in
                    try content.sendTemplate(to: WhatsAppCloudTransport.recipient(recipient), via: client)
                }
            } else {
                receipt = try connection.send(.text(to: recipient, text: body.text, buttons: body.buttons ?? []))
            }
            succeeded()
            let providerMessageID = receipt.providerMessageID ?? "\(channel).\(item.messageID)"
            var then: (@Sendable (OutboxSettler.Settled) -> Void)?
            if traits.observesSent {
                let (transport, workspace) = (self.transport, item.workspaceID)
                then = { settled in
                    if let sent = settled.message { transport.recordedSent(sent, to: recipient, workspace: workspace) }
                }
            }
            // Recorded without waiting for the commit: the lane goes on (rate limits, its
            // next entry) and waits for it only before its next provider call. Its later
            // claims are queued after this write, so the conversation's next message is
            // claimed only once this one has left the outbox. Unless the transport acts on
            // the record (`observesSent`), nobody waits for it: it joins the next commit
            // another write starts instead of starting one of its own.
            lane.recorded(settler.settleQueued(item, .sent(providerMessageID: providerMessageID, detail: [
                "attempt": String(attempt), "provider_message_id": providerMessageID]),
                timing: then == nil ? .bookkeeping : .prompt, then: then))
        } catch {
            failed(item, error, attempt: attempt)
        }
    }

    private func markRead(_ item: OutboxItem, _ connection: any ChannelConnection) {
        guard let body = OutboxBody.decodeMarkRead(item.bodyJSON) else {
            settler.settle(item, .done)
            return
        }
        do {
            _ = try connection.send(.markRead(to: ContactAddress(storageKey: item.recipient),
                                              providerMessageID: body.providerMessageID))
            succeeded()
            settler.settle(item, .done)
        } catch {
            if error.kind.countsAsChannelFailure { recordBreakerFailure() }
            if error.kind == .auth { holdChannel(item, reason: error.description); return }
            let attempt = item.attempts + 1
            if error.isRetryable, attempt < 5 {
                let delay = shared.withLock { policy.retry.delay(attempt: attempt, floor: error.retryFloor, random: &rng) }
                markScheduled()
                settler.settle(item, .retry(attempts: attempt, at: Date(timeIntervalSinceNow: delay.inSeconds),
                                            error: error.description, detail: nil))
            } else {
                logger.warn("mark as read failed; not retried", [LogKey.workspace: item.workspaceID.rawValue,
                                                                 LogKey.error: error.description])
                settler.settle(item, .done)
            }
        }
    }

    private func failed(_ item: OutboxItem, _ error: SendFailure, attempt: Int) {
        if error.kind.countsAsChannelFailure {
            recordBreakerFailure()
            health.apply(.retryableFailure, reason: error.description)
        }
        if error.kind == .pairRateLimited {
            limits.pairRateLimitHit(recipient: item.recipient, retryAfter: error.retryAfter)
        }
        let decision = shared.withLock {
            policy.decide(kind: error.kind, attempt: attempt, floor: error.retryFloor, reason: error.description, random: &rng)
        }
        switch decision {
        case .retry(let after):
            markScheduled()
            settler.settle(item, .retry(attempts: attempt, at: Date(timeIntervalSinceNow: after.inSeconds),
                                        error: error.description, detail: [
                                            "attempt": String(attempt), "error": error.description,
                                            "retry_in_ms": String(Int(after.inSeconds * 1000))]))
        case .fail(let reason):
            fail(item, code: error.code, title: error.title, reason: reason,
                 reengagement: error.kind == .reengagement)
        case .holdChannel(let reason):
            holdChannel(item, reason: reason)
        }
    }

    private func fail(_ item: OutboxItem, code: String?, title: String, reason: String,
                      reengagement: Bool = false, calledProvider: Bool = true) {
        var detail = ["reason": reason]
        if let code { detail["error_code"] = code }
        if reengagement { detail["reengagement"] = "true" }
        if !calledProvider { detail["provider_called"] = "false" }
        settler.settle(item, .failed(code: code, title: title, detail: detail))
    }

    private func holdChannel(_ item: OutboxItem, reason: String) {
        settler.settle(item, .requeue(at: Date(), error: reason))
        if state != .authFailed {
            logger.error("channel credentials refused; sending paused, messages held until the access token is replaced",
                         ["reason": reason])
        }
        health.apply(.authFailure, reason: reason)
    }

    private func recordBreakerFailure() {
        let (opened, failures) = limits.recordFailure()
        if opened {
            logger.warn("circuit breaker opened: provider calls paused", [
                "failures": String(failures),
                "cooldown_ms": String(Int(limits.coolDown * 1000))])
        }
    }

    private func succeeded() {
        if limits.recordSuccess() { logger.info("circuit breaker closed: provider answers again") }
        health.apply(.callSucceeded, reason: nil)
    }
}
