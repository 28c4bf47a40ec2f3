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
///   looping.
/// - Media: a customer's photo, document, voice note, audio, video or sticker is fetched
///   with `getFile` and downloaded from the file endpoint (`streamMedia`, up to 20 MB);
///   an agent's attachment is uploaded with `sendPhoto`/`sendDocument`/`sendAudio`/
///   `sendVideo` (`OutboundMediaRules.telegram`: photos 10 MB, other files 50 MB).
/// - Outbound: `sendMessage`, reply buttons as an inline keyboard. The Bot API's limits
///   are the drainer's traits: 30 messages a second per bot, one a second per chat;
///   a 429's `retry_after` is honoured (`SendFailure.retryFloor`).
public final class TelegramTransport: ChannelTransport, @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        /// Telegram posts to us; `setWebhook` with `url` at start (nil: managed by hand).
        case webhook(url: String?)
        case polling
    }

    public let channel: ChannelID
    public let traits = ChannelTraits(messagesPerSecond: 30, perRecipientSpacing: .seconds(1), lanes: 4, media: .telegram)
    public let mode: Mode
    /// The bot's id: the digits before the token's colon.
    public let providerAddress: String
    private let apiURL: String
    private let botToken: String
    private let secretToken: String
    private let pollTimeout: Int
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// Webhook mode: seconds between two `getMe` probes (a revoked token is found before
    /// a customer writes; in polling mode the poll itself is the probe).
    private let probeInterval: Duration?
    private let prober = Mutex<ProbeLoop?>(nil)

    public init(channel: ChannelID, apiURL: String, botToken: String, secretToken: String, mode: Mode,
                pollTimeoutSeconds: Int = 25, probeInterval: Duration? = nil, logger: Logger) {
        self.probeInterval = probeInterval
        self.channel = channel
        self.apiURL = apiURL
        self.botToken = botToken
        self.secretToken = secretToken
        self.mode = mode
        self.pollTimeout = pollTimeoutSeconds
        self.logger = logger
        self.providerAddress = String(botToken.prefix { $0 != ":" })
    }

    public func connect() -> any ChannelConnection { Connection(TelegramBotAPI(apiURL: apiURL, botToken: botToken)) }

    public func start(_ context: any ChannelContext) throws {
        if case .webhook = mode, let interval = probeInterval {
            let api = TelegramBotAPI(apiURL: apiURL, botToken: botToken)
            let loop = ProbeLoop(interval: interval) {
                do throws(SendFailure) {
                    _ = try api.getMe()
                    context.report(.callSucceeded, reason: nil)
                } catch {
                    if error.kind == .auth { context.report(.authFailure, reason: error.description) }
                    if error.kind == .retryable { context.report(.retryableFailure, reason: error.description) }
                }
            }
            prober.withLock { $0 = loop }
            loop.start(name: "probe-\(channel)")
        }
        let t: Thread
        switch mode {
        case .webhook(let url?):
            t = Thread { [self] in registerWebhook(url, context) }
        case .webhook(nil):
            return
        case .polling:
            t = Thread { [self] in poll(context) }
        }
        t.name = "telegram-\(channel)"
        t.start()
    }

    public func stop(deadline: ContinuousClock.Instant) {
        stopping.store(true, ordering: .relaxed)
        prober.withLock { $0 }?.stop()
    }

    /// A file a customer sent (`id` is its `file_id`): `getFile`, then the download from
    /// the file endpoint. Bots may download files up to 20 MB.
    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure) {
        guard TelegramBotAPI.isFileID(id) else {
            throw MediaFailure(description: "'\(id)' is not a Telegram file id")
        }
        let api = TelegramBotAPI(apiURL: apiURL, botToken: botToken)
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
    /// refused token stops it and shows the channel as auth_failed).
    private func registerWebhook(_ url: String, _ context: any ChannelContext) {
        let api = TelegramBotAPI(apiURL: apiURL, botToken: botToken)
        var attempt = 0
        while !stopping.load(ordering: .relaxed) {
            do {
                try api.setWebhook(url: url, secretToken: secretToken)
                logger.info("telegram webhook set", ["url": url])
                context.report(.callSucceeded, reason: nil)
                return
            } catch {
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

    private func poll(_ context: any ChannelContext) {
        let api = TelegramBotAPI(apiURL: apiURL, botToken: botToken)
        var offset: Int64?
        var failures = 0
        var webhookDeleted = false
        while !stopping.load(ordering: .relaxed) {
            do {
                if !webhookDeleted {
                    try api.deleteWebhook()
                    webhookDeleted = true
                }
                let (updates, body) = try api.getUpdates(offset: offset, timeout: pollTimeout)
                failures = 0
                context.report(.callSucceeded, reason: nil)
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
                // Confirm (advance the offset) only once the batch is committed.
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
                    sleep(backoff(1))
                }
            } catch {
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
                sleep(max(wait, error.retryFloor.map { Double($0.components.seconds) } ?? 0))
            }
        }
    }

    /// Full jitter: a random wait up to 0.5 s * 2^attempt, at most 30 s.
    private func backoff(_ attempt: Int) -> TimeInterval {
        Double.random(in: 0...min(30, 0.5 * pow(2, Double(min(attempt, 10)))))
    }

    /// Sleeps, waking early once stopping.
    private func sleep(_ seconds: TimeInterval) {
        let until = Date(timeIntervalSinceNow: seconds)
        while Date() < until && !stopping.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: min(0.05, seconds)) }
    }

    private final class Connection: ChannelConnection {
        let api: TelegramBotAPI
        init(_ api: TelegramBotAPI) { self.api = api }

        func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt {
            guard case .telegramChat(let chat) = request.recipient else {
                throw SendFailure(kind: .permanent, title: "a Telegram bot reaches Telegram chats only, not \(request.recipient)")
            }
            switch request {
            case .text(_, let text, let buttons):
                let id = try api.sendMessage(chatID: chat, text: text, buttons: buttons)
                return SendReceipt(providerMessageID: "\(chat):\(id)")
            case .media(_, let file):
                let rules = OutboundMediaRules.telegram
                guard let rule = rules.rule(for: file.mimeType) else {
                    throw SendFailure(kind: .permanent, title: "Telegram does not take \(file.mimeType) as an attachment")
                }
                let bytes = try file.read(maxBytes: rule.maxBytes, channel: rules.channelName)
                let name = file.filename ?? (rule.kind == "image" ? "photo" + (file.mimeType == "image/png" ? ".png" : ".jpg") : "file")
                let id = try api.sendFile(chatID: chat, kind: rule.kind, bytes: bytes, mimeType: file.mimeType,
                                          filename: name, caption: file.caption)
                return SendReceipt(providerMessageID: "\(chat):\(id)")
            case .markRead:
                return SendReceipt(providerMessageID: nil)
            }
        }
    }
}
