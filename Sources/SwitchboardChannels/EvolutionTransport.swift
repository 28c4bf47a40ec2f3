import Foundation
import SwitchboardCore
import SwitchboardLog

/// WhatsApp Web through an Evolution API v2 gateway (`type: whatsapp_web`,
/// `gateway: evolution`): one gateway instance per number.
///
/// - **Inbound** arrives as the gateway's webhooks (`EvolutionEndpoint`); their session
///   events (`connection.update`, `qrcode.updated`) come here through `gatewayEvent`.
/// - **Supervision.** A thread of its own runs the channel's `SessionSupervisor`: at start
///   it configures the instance's webhook (`/webhook/set`, with the bearer secret) and
///   probes the session; it reconnects with backoff, never on a stop code, and probes a
///   session silent for `zombieAfter`. Each change of session state is reported to the
///   host (`ChannelState`'s session states): while the session is not open the drainer
///   holds the outbox, and drains it in order once it is.
/// - **Sends** (`sendText`; agents' attachments through `sendMedia`, the file as base64,
///   within `OutboundMediaRules.whatsAppWeb`) are paced by a `SendPacer`: at most `rate_limit_per_minute`,
///   a random gap between two, and no burst after a reconnect (the drainer uses one lane).
/// - **Live gateway settings.** A config reload may point the channel at another gateway,
///   key, instance or webhook secret (`replaceGateway`): the session starts over
///   (connecting; the outbox holds, even a channel that was `auth_failed`), the webhook is
///   configured again on the new instance, and the next probe's `open` drains what was
///   held, in order, through the new gateway. Answers of calls still in flight to the old
///   gateway are ignored.
public final class EvolutionTransport: ChannelTransport, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var channel: ChannelID
        public var client: EvolutionClient.Configuration
        /// What the gateway must send as `Authorization: Bearer ...`.
        public var webhookSecret: String
        /// Where the gateway posts its webhooks; nil until the host knows its own address
        /// (the supervisor asks again until it does).
        public var webhookURL: @Sendable () -> String?
        public var ratePerMinute: Int
        public var supervision: SessionSupervisor.Policy

        public init(channel: ChannelID, client: EvolutionClient.Configuration, webhookSecret: String,
                    webhookURL: @escaping @Sendable () -> String?, ratePerMinute: Int,
                    supervision: SessionSupervisor.Policy = .init()) {
            self.channel = channel
            self.client = client
            self.webhookSecret = webhookSecret
            self.webhookURL = webhookURL
            self.ratePerMinute = ratePerMinute
            self.supervision = supervision
        }
    }

    public let channel: ChannelID
    public let traits: ChannelTraits
    private let logger: Logger
    /// The settings in use (under `cond`; a reload may replace them), the webhook secret
    /// they hold, supervision's own client (a send in flight never delays a probe), and
    /// how many times they were replaced.
    private var settings: Configuration
    private var bearer: BearerSecret
    private var control: EvolutionClient
    private var generation = 0

    private let cond = NSCondition()
    /// Serialises `apply` (a change and its report), never held by anything it calls.
    private let ordered = NSLock()
    private var supervisor: SessionSupervisor
    private var pacer: SendPacer
    private var random = SystemRandomNumberGenerator()
    private var context: (any ChannelContext)?
    private var stopping = false
    private var running = false
    private var webhookConfigured = false
    private var webhookAttempts = 0
    private var webhookRetryAt: ContinuousClock.Instant?
    /// Calls made to reconnect (`/instance/connect`) since start, for tests and the log.
    private var reconnects = 0

    public init(configuration: Configuration, logger: Logger) {
        self.channel = configuration.channel
        self.settings = configuration
        self.bearer = BearerSecret(configuration.webhookSecret)
        self.logger = logger
        // A personal number: one lane, paced by the pacer; the drainer's bucket agrees.
        traits = ChannelTraits(messagesPerSecond: Double(max(1, configuration.ratePerMinute)) / 60,
                               perRecipientSpacing: nil, serviceWindow: nil, marksRead: false, lanes: 1,
                               media: .whatsAppWeb)
        control = EvolutionClient(configuration: configuration.client, logger: logger, cancellable: true)
        supervisor = SessionSupervisor(policy: configuration.supervision, now: .now)
        pacer = SendPacer(perMinute: configuration.ratePerMinute)
    }

    /// The settings in use.
    public var configuration: Configuration { cond.withLock { settings } }
    /// What the gateway must send as `Authorization: Bearer ...`.
    public var secret: BearerSecret { cond.withLock { bearer } }

    public var providerAddress: String { configuration.client.instance }

    /// A config reload: another gateway, key, instance, webhook secret or webhook URL.
    /// The session starts over on the new settings (see the type's comment). Returns
    /// false when nothing changed.
    public func replaceGateway(client: EvolutionClient.Configuration, webhookSecret: String,
                               webhookURL: @escaping @Sendable () -> String?) -> Bool {
        // Reported in order with the supervisor's own changes (`apply`): the new gateway's
        // first probe can answer `open` before this reports the restart, and the restart
        // reported after it left the channel `connecting` (its outbox held) while the
        // session was open (LiveChannelTests, 1 run in 3 under load).
        ordered.lock()
        defer { ordered.unlock() }
        cond.lock()
        let old = settings
        let urlChanged = old.webhookURL() != webhookURL()
        guard urlChanged || old.webhookSecret != webhookSecret || old.client.baseURL != client.baseURL
                || old.client.apiKey != client.apiKey || old.client.instance != client.instance else {
            cond.unlock()
            return false
        }
        settings.client = client
        settings.webhookSecret = webhookSecret
        settings.webhookURL = webhookURL
        bearer = BearerSecret(webhookSecret)
        let oldControl = control
        control = EvolutionClient(configuration: client, logger: logger, cancellable: true)
        generation += 1
        webhookConfigured = false
        webhookAttempts = 0
        webhookRetryAt = nil
        let from = supervisor.state
        supervisor = SessionSupervisor(policy: settings.supervision, now: .now)
        supervisor.handle(.started, now: .now, random: &random)
        let context = self.context
        cond.broadcast()
        cond.unlock()
        // A probe or webhook call to the old gateway in flight (one that went away may
        // hold it until its timeout) ends now; its answer would be ignored anyway.
        oldControl.cancel()
        var changed: [String] = []
        if old.client.baseURL != client.baseURL { changed.append("base_url") }
        if old.client.apiKey != client.apiKey { changed.append("api_key") }
        if old.client.instance != client.instance { changed.append("instance") }
        if old.webhookSecret != webhookSecret { changed.append("webhook_secret") }
        if urlChanged { changed.append("webhook_url") }
        logger.info("whatsapp web gateway settings replaced; the session starts over",
                    ["changed": changed.joined(separator: ","), "from": from.rawValue, "to": SessionState.connecting.rawValue])
        context?.report(.sessionRestarted, reason: "gateway settings replaced (\(changed.joined(separator: ", ")))")
        return true
    }

    /// The session's state as supervised.
    public var sessionState: SessionState { cond.withLock { supervisor.state } }
    /// The QR code (or pairing code) waiting for a scan, while the session needs pairing.
    public var pairing: PairingCode? { cond.withLock { supervisor.pairing } }
    /// Reconnect calls made since start.
    public var reconnectCalls: Int { cond.withLock { reconnects } }

    public func connect() -> any ChannelConnection { Connection(self) }

    public func start(_ context: any ChannelContext) throws {
        cond.lock()
        self.context = context
        stopping = false
        running = true
        supervisor.handle(.started, now: .now, random: &random)
        cond.unlock()
        context.report(.sessionConnecting, reason: "starting")
        let t = Thread { [self] in supervise() }
        t.name = "evolution-\(channel.rawValue)"
        t.start()
    }

    public func stop(deadline: ContinuousClock.Instant) {
        cond.lock()
        stopping = true
        // From now on nothing is reported: a probe answered after the stop, or a webhook's
        // session event (another host may supervise the session now), changes nothing
        // here until the next `start`.
        context = nil
        cond.broadcast()
        while running && ContinuousClock.now < deadline {
            _ = cond.wait(until: Date(timeIntervalSinceNow: max(0.001, (deadline - .now).inSeconds)))
        }
        cond.unlock()
    }

    /// An event from the gateway's webhook (or a probe's answer), applied to the session.
    public func gatewayEvent(_ event: SessionSupervisor.Event) {
        apply(event, reason: nil)
    }

    /// An admin asked for a new pairing: one reconnect, now (its QR code is shown).
    public func requestPairing() {
        apply(.pairingRequested, reason: "pairing requested")
    }

    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure) {
        let current = configuration.client
        let client = EvolutionClient(configuration: {
            var c = current
            c.maxMediaBytes = maxBytes
            return c
        }(), logger: logger)
        let media: EvolutionClient.Media
        do {
            media = try client.fetchMedia(keyID: id)
        } catch {
            throw MediaFailure(description: error.description, retryable: error.kind.isRetryable,
                               tooLarge: error.title.contains("larger than"))
        }
        guard sink.begin(mimeType: media.mimeType, contentLength: media.bytes.count) else {
            throw MediaFailure(description: "media download stopped by its receiver")
        }
        let ok = media.bytes.withUnsafeBytes { sink.write($0) }
        guard ok else { throw MediaFailure(description: "media download stopped by its receiver") }
    }

    // MARK: - Supervision

    /// Applies `event`; one that answers a call made with the settings of another
    /// `generation` (replaced since) is ignored.
    private func apply(_ event: SessionSupervisor.Event, reason: String?, generation from: Int? = nil) {
        // One at a time, reported in the order the supervisor took them: two webhooks
        // handled on two threads (`connecting`, then `open`) could otherwise report their
        // changes the other way round, leaving the channel `connecting` (its outbox held)
        // while the session is open and nothing more will come to say so.
        ordered.lock()
        defer { ordered.unlock() }
        cond.lock()
        if let from, from != generation {
            cond.unlock()
            return
        }
        let change = supervisor.handle(event, now: .now, random: &random)
        if change?.to == .open { pacer.reconnected(now: .now, random: &random) }
        let context = self.context
        cond.broadcast()
        cond.unlock()
        guard let change else { return }
        var why = reason ?? ""
        if let code = change.reason { why = why.isEmpty ? "gateway close code \(code)" : "\(why); gateway close code \(code)" }
        logger.log(change.to == .open ? .info : .warn, "whatsapp web session changed",
                   ["from": change.from.rawValue, "to": change.to.rawValue, "reason": why])
        context?.report(change.to.channelSignal, reason: why.isEmpty ? nil : why)
    }

    private func supervise() {
        defer {
            cond.lock()
            running = false
            cond.broadcast()
            cond.unlock()
        }
        while true {
            cond.lock()
            var action: SessionSupervisor.Action?
            var configure = false
            while !stopping {
                let now = ContinuousClock.now
                if !webhookConfigured, webhookRetryAt.map({ now >= $0 }) ?? true {
                    configure = true
                    break
                }
                if let a = supervisor.due(now: now) {
                    action = a
                    break
                }
                var wake = supervisor.nextWake ?? (now + .seconds(60))
                if !webhookConfigured, let retry = webhookRetryAt { wake = min(wake, retry) }
                _ = cond.wait(until: Date(timeIntervalSinceNow: max(0.001, (wake - now).inSeconds)))
            }
            if stopping {
                cond.unlock()
                return
            }
            if action == .reconnect { reconnects += 1 }
            let now = (client: control, settings: settings, generation: generation)
            cond.unlock()
            if configure { configureWebhook(now.client, now.settings, now.generation) }
            if let action { perform(action, now.client, now.generation) }
        }
    }

    /// Points the instance's webhook at this host, with the bearer secret; retried with
    /// backoff until it works (the host's address may not be known yet at the first try).
    private func configureWebhook(_ control: EvolutionClient, _ settings: Configuration, _ generation: Int) {
        guard let url = settings.webhookURL() else {
            cond.withLock { if self.generation == generation { webhookRetryAt = .now + .milliseconds(50) } }
            return
        }
        do {
            try control.setWebhook(url: url, secret: settings.webhookSecret)
            let current = cond.withLock { () -> Bool in
                guard self.generation == generation else { return false }
                webhookConfigured = true
                return true
            }
            if current { logger.info("gateway webhook configured", ["url": url]) }
        } catch {
            let delay = cond.withLock { () -> Duration? in
                guard self.generation == generation else { return nil }
                webhookAttempts += 1
                let d = settings.supervision.backoff.delay(attempt: webhookAttempts, floor: .milliseconds(100), random: &random)
                webhookRetryAt = .now + d
                return d
            }
            guard let delay else { return }
            logger.warn("gateway webhook not configured; trying again", [LogKey.error: error.description,
                                                                        "retry_ms": String(Int(delay.inSeconds * 1000))])
            if error.kind == .auth { report(.authFailure, reason: error.description, generation: generation) }
            else if error.gatewayUnreachable { apply(.unreachable, reason: error.description, generation: generation) }
        }
    }

    /// Reports `signal` to the host, unless the settings of `generation` were replaced since.
    private func report(_ signal: ChannelSignal, reason: String?, generation: Int) {
        let context = cond.withLock { self.generation == generation ? self.context : nil }
        context?.report(signal, reason: reason)
    }

    private func perform(_ action: SessionSupervisor.Action, _ control: EvolutionClient, _ generation: Int) {
        switch action {
        case .probe:
            do {
                let state = try control.connectionState()
                // No state: the gateway does not have the instance loaded, as good as closed.
                apply(.gateway(state ?? .close(reason: nil)), reason: "probe", generation: generation)
            } catch {
                failed(action, error, generation)
            }
        case .reconnect:
            logger.info("asking the gateway to reconnect", ["attempt": String(cond.withLock { supervisor.failures })])
            do {
                switch try control.connect() {
                case .state(let state): apply(.gateway(state), reason: "reconnect", generation: generation)
                case .qrCode(let code): apply(.qrCode(code), reason: "reconnect answered a QR code", generation: generation)
                }
            } catch {
                failed(action, error, generation)
            }
        }
    }

    private func failed(_ action: SessionSupervisor.Action, _ error: EvolutionError, _ generation: Int) {
        guard cond.withLock({ self.generation == generation }) else { return } // the old gateway's: replaced
        logger.warn("gateway \(action.rawValue) failed", [LogKey.error: error.description])
        if error.kind == .auth {
            report(.authFailure, reason: error.description, generation: generation)
        }
        apply(.unreachable, reason: error.description, generation: generation)
    }

    // MARK: - Sending

    /// Waits for the pacer (or until stopping); false when stopping.
    fileprivate func pace() -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while !stopping {
            switch pacer.acquire(now: .now, random: &random) {
            case .now: return true
            case .waitUntil(let t): _ = cond.wait(until: Date(timeIntervalSinceNow: max(0.001, (t - .now).inSeconds)))
            }
        }
        return false
    }

    fileprivate func sent(_ generation: Int) { apply(.activity, reason: nil, generation: generation) }

    fileprivate func sendFailed(_ error: EvolutionError, _ generation: Int) {
        if error.gatewayUnreachable { apply(.unreachable, reason: error.description, generation: generation) }
        else if error.sessionClosed { apply(.gateway(.close(reason: nil)), reason: error.description, generation: generation) }
    }

    /// The settings in use and their generation, for a lane's client.
    fileprivate var clientSettings: (client: EvolutionClient.Configuration, generation: Int) {
        cond.withLock { (settings.client, generation) }
    }

    /// What the gateway takes as `number`: the digits of a phone number, or a JID as is.
    public static func number(for address: ContactAddress) -> String? {
        switch address {
        case .phone(let e164): e164.hasPrefix("+") ? String(e164.dropFirst()) : e164
        case .whatsAppUser(let id): id
        case .telegramChat, .webVisitor: nil
        }
    }

    /// One lane's client, rebuilt before a send once the gateway settings were replaced.
    final class Connection: ChannelConnection {
        let transport: EvolutionTransport
        var client: EvolutionClient
        var generation: Int

        init(_ transport: EvolutionTransport) {
            self.transport = transport
            let (settings, generation) = transport.clientSettings
            client = EvolutionClient(configuration: settings, logger: transport.logger)
            self.generation = generation
        }

        func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt {
            switch request {
            case .markRead:
                return SendReceipt(providerMessageID: nil)
            case .text(let to, let text, let buttons):
                guard let number = EvolutionTransport.number(for: to) else {
                    throw SendFailure(kind: .permanent, title: "WhatsApp Web cannot reach \(to)")
                }
                var body = text
                if !buttons.isEmpty {
                    body += "\n\n" + buttons.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
                }
                return try paced { (client) throws(EvolutionError) in try client.sendText(number: number, text: body) }
            case .media(let to, let file):
                guard let number = EvolutionTransport.number(for: to) else {
                    throw SendFailure(kind: .permanent, title: "WhatsApp Web cannot reach \(to)")
                }
                let rules = OutboundMediaRules.whatsAppWeb
                guard let rule = rules.rule(for: file.mimeType) else {
                    throw SendFailure(kind: .permanent, title: "WhatsApp Web does not take \(file.mimeType) as an attachment")
                }
                let bytes = try file.read(maxBytes: rule.maxBytes, channel: rules.channelName)
                // Evolution wants a file name with a base64 document ("For base64 the file
                // name must be informed."): the one the agent gave, else a neutral one.
                let fileName = file.filename ?? (rule.kind == "document" ? "document" : nil)
                return try paced { (client) throws(EvolutionError) in
                    try client.sendMedia(number: number, mediaType: rule.kind, media: Data(bytes).base64EncodedString(),
                                         mimeType: file.mimeType, caption: file.caption, fileName: fileName,
                                         timeout: .seconds(120))
                }
            }
        }

        /// Waits for the pacer, makes the call through the client of the settings in use
        /// (rebuilt once a reload replaced them), and tells supervision what it showed; a
        /// gateway error comes back classified (`EvolutionError`) as a `SendFailure`.
        private func paced(_ call: (EvolutionClient) throws(EvolutionError) -> EvolutionClient.Sent) throws(SendFailure) -> SendReceipt {
            guard transport.pace() else {
                throw SendFailure(kind: .retryable, title: "channel stopping")
            }
            let (settings, now) = transport.clientSettings
            if now != generation {
                client = EvolutionClient(configuration: settings, logger: transport.logger)
                generation = now
            }
            do {
                let sent = try call(client)
                transport.sent(now)
                return SendReceipt(providerMessageID: sent.keyID)
            } catch {
                transport.sendFailed(error, now)
                if error.kind == .auth, transport.clientSettings.generation != now {
                    // The old gateway refused while a reload replaced it: tried again
                    // through the new one; the channel is not paused for the old one's sake.
                    throw SendFailure(kind: .retryable, title: "gateway replaced during the call: \(error.title)")
                }
                throw SendFailure(kind: error.kind, code: error.httpStatus > 0 ? String(error.httpStatus) : nil,
                                  title: error.title, retryAfter: error.retryAfter, description: error.description)
            }
        }
    }
}
