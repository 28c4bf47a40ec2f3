import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// A Telegram bot as a `ChannelTransport` (`type: telegram`).
///
/// - Inbound, `mode: webhook`: Telegram posts each update to
///   `/webhooks/telegram/{channel}` (`TelegramWebhookEndpoint`); at start the transport
///   calls `setWebhook` with `webhook_url` and the channel's `secret_token`.
/// - Inbound, `mode: polling` (hosts without a public address): a thread long-polls
///   `getUpdates`; each batch goes through the host's ingest, and only once it committed
///   is the offset advanced past it (Telegram's confirmation). A restart polls without an
///   offset, gets the unconfirmed updates again, and the ingest deduplicates them on
///   `update_id`. A 409 (a webhook is set, or another poller runs) backs off instead of
///   looping. Polling may be stopped and started again (several hosts on one database
///   pass it between them: `SessionLeases`); `stop` returns once the poll ended, so
///   another poller never overlaps it.
/// - Media: a customer's photo, document, voice note, audio, video or sticker is fetched
///   with `getFile` and downloaded from the file endpoint (`streamMedia`, up to 20 MB);
///   an agent's attachment is uploaded with `sendPhoto`/`sendDocument`/`sendAudio`/
///   `sendVideo` (`OutboundMediaRules.telegram`: photos 10 MB, other files 50 MB).
/// - Outbound: `sendMessage`, reply buttons as an inline keyboard. The Bot API's limits
///   are the drainer's traits: 30 messages a second per bot, one a second per chat;
///   a 429's `retry_after` is honoured (`SendFailure.retryFloor`).
/// - Credentials (`bot_token`, `secret_token`, `api_url`) may be replaced while running
///   (a config reload, `replaceCredentials`): each lane's connection takes the new token
///   before its next call (replies held meanwhile go out with it); the long poll in
///   flight on the old token is cancelled and polling resumes on the new one, from the
///   last confirmed offset when it is the same bot (a token revoked and reissued) or from
///   the new bot's first unconfirmed update; in webhook mode `setWebhook` is called again
///   with the new token and secret. An update fetched but not yet committed is never
///   confirmed, so it is fetched again; the ingest deduplicates on `update_id`.
public final class TelegramTransport: ChannelTransport, @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        /// Telegram posts to us; `setWebhook` with `url` at start (nil: managed by hand).
        case webhook(url: String?)
        case polling
    }

    /// What a reload may replace while the channel runs.
    public struct Credentials: Sendable, Equatable {
        public var apiURL: String
        public var botToken: String
        /// What Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (webhook mode).
        public var secretToken: String
        public init(apiURL: String, botToken: String, secretToken: String) {
            self.apiURL = apiURL
            self.botToken = botToken
            self.secretToken = secretToken
        }

        /// The bot's id: the digits before the token's colon.
        public var botID: String { String(botToken.prefix { $0 != ":" }) }
    }

    public let channel: ChannelID
    public let traits = ChannelTraits(messagesPerSecond: 30, perRecipientSpacing: .seconds(1), lanes: 4, media: .telegram)
    public let mode: Mode
    /// The credentials in use, and how many times they were replaced.
    private let live: Mutex<(credentials: Credentials, generation: Int)>
    private let pollTimeout: Int
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// Webhook mode: seconds between two `getMe` probes (a revoked token is found before
    /// a customer writes; in polling mode the poll itself is the probe).
    private let probeInterval: Duration?
    private let prober = Mutex<ProbeLoop?>(nil)
    /// The poll's client (cancelled when the credentials are replaced, or at stop) and
    /// the context the transport was started with.
    private let pollAPI = Mutex<TelegramBotAPI?>(nil)
    private let context = Mutex<(any ChannelContext)?>(nil)
    /// The run whose poll thread may poll (each `start` begins one, `stop` ends it), and
    /// whether a poll thread still runs (`stop` waits for it).
    private let pollRun = Atomic<Int>(0)
    private let pollEnded = NSCondition()
    /// The run whose poll thread has not ended yet (nil: none runs).
    private var pollThreadRun: Int?

    public init(channel: ChannelID, apiURL: String, botToken: String, secretToken: String, mode: Mode,
                pollTimeoutSeconds: Int = 25, probeInterval: Duration? = nil, logger: Logger) {
        self.probeInterval = probeInterval
        self.channel = channel
        self.live = Mutex((Credentials(apiURL: apiURL, botToken: botToken, secretToken: secretToken), 0))
        self.mode = mode
        self.pollTimeout = pollTimeoutSeconds
        self.logger = logger
    }

    /// The credentials in use.
    public var credentials: Credentials { live.withLock { $0.credentials } }
    /// The bot's id: the digits before the token's colon.
    public var providerAddress: String { credentials.botID }
    /// What Telegram must send in `X-Telegram-Bot-Api-Secret-Token`.
    public var secretToken: String { credentials.secretToken }

    private var current: (credentials: Credentials, generation: Int) { live.withLock { $0 } }

    private func api(_ c: Credentials, cancellable: Bool = false) -> TelegramBotAPI {
        TelegramBotAPI(apiURL: c.apiURL, botToken: c.botToken, cancellable: cancellable)
    }

    public func connect() -> any ChannelConnection { Connection(self) }

    /// A config reload: new credentials, taken by the lanes before their next call, by
    /// the poll at once (the long poll in flight on the old token is cancelled), and
    /// given to Telegram with `setWebhook` in webhook mode. Returns false when nothing
    /// changed.
    public func replaceCredentials(_ fresh: Credentials) -> Bool {
        let replaced = live.withLock { l -> (generation: Int, sameBot: Bool)? in
            guard l.credentials != fresh else { return nil }
            let sameBot = l.credentials.botID == fresh.botID
            l = (fresh, l.generation + 1)
            return (l.generation, sameBot)
        }
        guard let (generation, sameBot) = replaced else { return false }
        logger.info("telegram credentials replaced", ["same_bot": sameBot ? "true" : "false"])
        pollAPI.withLock { $0 }?.cancel()
        if case .webhook(let url?) = mode, let context = context.withLock({ $0 }), !stopping.load(ordering: .relaxed) {
            let t = Thread { [self] in registerWebhook(url, context, generation: generation) }
            t.name = "telegram-\(channel)"
            t.start()
        }
        return true
    }

    public func start(_ context: any ChannelContext) throws {
        self.context.withLock { $0 = context }
        stopping.store(false, ordering: .sequentiallyConsistent)
        if case .webhook = mode, let interval = probeInterval {
            let loop = ProbeLoop(interval: interval) { [self] in
                let (credentials, generation) = current
                do throws(SendFailure) {
                    _ = try api(credentials).getMe()
                    context.report(.callSucceeded, reason: nil)
                } catch {
                    // A token replaced during the call: its answer says nothing of the new one.
                    guard current.generation == generation else { return }
                    if error.kind == .auth { context.report(.authFailure, reason: error.description) }
                    if error.kind == .retryable { context.report(.retryableFailure, reason: error.description) }
                }
            }
            prober.withLock { $0 = loop }
            loop.start(name: "probe-\(channel)")
        }
        let t: Thread
        let generation = current.generation
        switch mode {
        case .webhook(let url?):
            t = Thread { [self] in registerWebhook(url, context, generation: generation) }
        case .webhook(nil):
            return
        case .polling:
            let run = pollRun.add(1, ordering: .sequentiallyConsistent).newValue
            pollEnded.withLock { pollThreadRun = run }
            t = Thread { [self] in
                poll(context, run: run)
                pollEnded.withLock {
                    if pollThreadRun == run { pollThreadRun = nil }
                    pollEnded.broadcast()
                }
            }
        }
        t.name = "telegram-\(channel)"
        t.start()
    }

    public func stop(deadline: ContinuousClock.Instant) {
        stopping.store(true, ordering: .sequentiallyConsistent)
        pollRun.add(1, ordering: .sequentiallyConsistent)
        pollAPI.withLock { $0 }?.cancel()
        prober.withLock { $0 }?.stop()
        // The poll in flight ends within about a second of its cancel.
        pollEnded.lock()
        while pollThreadRun != nil, ContinuousClock.now < deadline {
            _ = pollEnded.wait(until: Date(timeIntervalSinceNow: max(0.001, min(0.1, (deadline - .now).inSeconds))))
        }
        pollThreadRun = nil
        pollEnded.unlock()
    }

    /// Whether the poll of `run` goes on (not stopped, not replaced by a later start).
    private func polling(_ run: Int) -> Bool {
        !stopping.load(ordering: .sequentiallyConsistent) && pollRun.load(ordering: .sequentiallyConsistent) == run
    }

    /// A file a customer sent (`id` is its `file_id`): `getFile`, then the download from
    /// the file endpoint. Bots may download files up to 20 MB.
    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure) {
        guard TelegramBotAPI.isFileID(id) else {
            throw MediaFailure(description: "'\(id)' is not a Telegram file id")
        }
        let api = api(current.credentials)
        let file: TelegramBotAPI.RemoteFile
        do {
            file = try api.getFile(id: id)
        } catch {
            throw MediaFailure(description: error.description, retryable: error.isRetryable,
                               tooLarge: error.title.contains("too big"))
        }
        let bytes = try api.download(file, maxBytes: min(maxBytes, TelegramBotAPI.maxDownloadBytes))
        guard sink.begin(mimeType: TelegramBotAPI.mimeType(ofPath: file.path), contentLength: bytes.count) else {
            throw MediaFailure(description: "media download stopped by its receiver")
        }
        guard bytes.withUnsafeBytes({ sink.write($0) }) else {
            throw MediaFailure(description: "media download stopped by its receiver")
        }
    }

    // MARK: - Webhook mode

    /// `setWebhook` until it is accepted (backing off while Telegram is unreachable; a
    /// refused token stops it and shows the channel as auth_failed). Ends early once the
    /// credentials of `generation` are replaced (the new ones have a registration of
    /// their own).
    private func registerWebhook(_ url: String, _ context: any ChannelContext, generation: Int) {
        var attempt = 0
        while !stopping.load(ordering: .relaxed) {
            let (credentials, now) = current
            guard now == generation else { return }
            do {
                try api(credentials).setWebhook(url: url, secretToken: credentials.secretToken)
                logger.info("telegram webhook set", ["url": url])
                guard current.generation == generation else { return }
                context.report(.callSucceeded, reason: nil)
                return
            } catch {
                guard current.generation == generation else { return }
                attempt += 1
                logger.warn("telegram setWebhook failed", [LogKey.error: error.description, "attempt": String(attempt)])
                if error.kind == .auth {
                    context.report(.authFailure, reason: error.description)
                    return
                }
                context.report(.retryableFailure, reason: error.description)
                sleep(backoff(attempt))
            }
        }
    }

    // MARK: - Polling mode

    private func poll(_ context: any ChannelContext, run: Int) {
        var api: TelegramBotAPI?
        var generation = -1
        var bot = ""
        var offset: Int64?
        var failures = 0
        var webhookDeleted = false
        defer { pollAPI.withLock { if $0 === api { $0 = nil } } }
        while polling(run) {
            let (credentials, now) = current
            if now != generation || api == nil {
                // New credentials (or the first poll): a client of their own, which a later
                // replacement cancels. The offset is the bot's: kept for the same bot (the
                // updates it confirms are the ones committed), dropped for another one.
                let fresh = self.api(credentials, cancellable: true)
                pollAPI.withLock { $0 = fresh }
                // Stopped meanwhile: `stop` may have cancelled the client before this one.
                if !polling(run) { fresh.cancel(); break }
                if current.generation != now { continue } // replaced meanwhile: the newest first
                if generation >= 0 {
                    if credentials.botID != bot { offset = nil }
                    logger.info("telegram polling with the new credentials",
                                ["same_bot": credentials.botID == bot ? "true" : "false",
                                 "offset": offset.map(String.init) ?? "none"])
                }
                api = fresh
                generation = now
                bot = credentials.botID
                failures = 0
                webhookDeleted = false
            }
            guard let api else { continue }
            do {
                if !webhookDeleted {
                    try api.deleteWebhook()
                    webhookDeleted = true
                }
                let (updates, body) = try api.getUpdates(offset: offset, timeout: pollTimeout)
                failures = 0
                if current.generation == generation { context.report(.callSucceeded, reason: nil) }
                if updates.isEmpty { continue }
                var batch = InboundBatch()
                var last: Int64 = offset.map { $0 - 1 } ?? Int64.min
                for u in updates {
                    if let id = u["update_id"]?.int { last = max(last, Int64(id)) }
                    let raw = u.source.map { String(decoding: body[$0], as: UTF8.self) } ?? "{}"
                    do {
                        if let m = try TelegramUpdates.message(u, raw: raw, channel: channel, receivedAt: Date()) {
                            batch.messages.append(m)
                        }
                    } catch {
                        batch.warnings.append(error.reason)
                    }
                }
                // Confirm (advance the offset) only once the batch is committed. (Updates
                // that arrived just as the credentials were replaced are committed too:
                // they are this channel's; the offset stays the bot's, see above.)
                let committed = Atomic<Bool>(false)
                let done = DispatchSemaphore(value: 0)
                context.ingest(batch) { ok in
                    committed.store(ok, ordering: .relaxed)
                    done.signal()
                }
                done.wait()
                if committed.load(ordering: .relaxed) {
                    offset = last + 1
                } else {
                    sleep(backoff(1), run: run)
                }
            } catch {
                // Cancelled for new credentials or a stop: not a failure of the channel.
                if api.isCancelled || !polling(run) { continue }
                failures += 1
                let wait = backoff(failures)
                switch error.kind {
                case .auth:
                    context.report(.authFailure, reason: error.description)
                case .permanent where error.code == "409":
                    logger.warn("telegram getUpdates conflict: a webhook is set or another poller runs; backing off",
                                [LogKey.error: error.description])
                    webhookDeleted = false
                    context.report(.retryableFailure, reason: error.description)
                default:
                    context.report(.retryableFailure, reason: error.description)
                }
                logger.warn("telegram poll failed", [LogKey.error: error.description, "retry_in_ms": String(Int(wait * 1000))])
                sleep(max(wait, error.retryFloor.map { Double($0.components.seconds) } ?? 0), generation: generation, run: run)
            }
        }
    }

    /// Full jitter: a random wait up to 0.5 s * 2^attempt, at most 30 s.
    private func backoff(_ attempt: Int) -> TimeInterval {
        Double.random(in: 0...min(30, 0.5 * pow(2, Double(min(attempt, 10)))))
    }

    /// Sleeps, waking early once stopping (or once the credentials of `generation` are
    /// replaced, or the poll of `run` ended).
    private func sleep(_ seconds: TimeInterval, generation: Int? = nil, run: Int? = nil) {
        let until = Date(timeIntervalSinceNow: seconds)
        while Date() < until && !stopping.load(ordering: .relaxed) {
            if let run, !polling(run) { return }
            if let generation, current.generation != generation { return }
            Thread.sleep(forTimeInterval: min(0.05, seconds))
        }
    }

    /// One lane's client, rebuilt before a call once the credentials were replaced.
    private final class Connection: ChannelConnection {
        let transport: TelegramTransport
        var api: TelegramBotAPI
        var generation: Int

        init(_ transport: TelegramTransport) {
            self.transport = transport
            let (credentials, generation) = transport.current
            api = transport.api(credentials)
            self.generation = generation
        }

        func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt {
            guard case .telegramChat(let chat) = request.recipient else {
                throw SendFailure(kind: .permanent, title: "a Telegram bot reaches Telegram chats only, not \(request.recipient)")
            }
            let (credentials, now) = transport.current
            if now != generation {
                api = transport.api(credentials)
                generation = now
            }
            switch request {
            case .text(_, let text, let buttons):
                do {
                    let id = try api.sendMessage(chatID: chat, text: text, buttons: buttons)
                    return SendReceipt(providerMessageID: "\(chat):\(id)")
                } catch where error.kind == .auth && transport.current.generation != now {
                    // The old token refused while a reload replaced it: tried again with the
                    // new one, and the channel is not paused for the old one's sake.
                    throw SendFailure(kind: .retryable, code: error.code, title: "token replaced during the call: \(error.title)")
                }
            case .media(_, let file):
                let rules = OutboundMediaRules.telegram
                guard let rule = rules.rule(for: file.mimeType) else {
                    throw SendFailure(kind: .permanent, title: "Telegram does not take \(file.mimeType) as an attachment")
                }
                let bytes = try file.read(maxBytes: rule.maxBytes, channel: rules.channelName)
                let name = file.filename ?? (rule.kind == "image" ? "photo" + (file.mimeType == "image/png" ? ".png" : ".jpg") : "file")
                do {
                    let id = try api.sendFile(chatID: chat, kind: rule.kind, bytes: bytes, mimeType: file.mimeType,
                                              filename: name, caption: file.caption)
                    return SendReceipt(providerMessageID: "\(chat):\(id)")
                } catch where error.kind == .auth && transport.current.generation != now {
                    throw SendFailure(kind: .retryable, code: error.code, title: "token replaced during the call: \(error.title)")
                }
            case .markRead:
                return SendReceipt(providerMessageID: nil)
            }
        }
    }
}
