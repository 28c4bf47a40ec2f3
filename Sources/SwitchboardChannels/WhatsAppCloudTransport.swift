import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// The WhatsApp Cloud API as a `ChannelTransport`: one business number, sent to through
/// the Graph API (`GraphAPIClient`, one kept-alive client per drainer lane). Its traits
/// are WhatsApp's rules: the channel's `rate_limit`, the pair rate limit between two
/// messages to one customer, the 24-hour customer-service window, read receipts.
///
/// Credentials may be replaced while running (a config reload, `replaceCredentials`):
/// each lane's connection rebuilds its client before its next call.
public final class WhatsAppCloudTransport: ChannelTransport, @unchecked Sendable {
    public let channel: ChannelID
    public let traits: ChannelTraits
    private let logger: Logger
    private let credentials: Mutex<(configuration: GraphAPIClient.Configuration, generation: Int)>
    /// Seconds between two active probes (a cheap Graph call that finds a revoked token
    /// before a customer writes); nil: no probe.
    private let probeInterval: Duration?
    private let prober = Mutex<ProbeLoop?>(nil)

    /// WhatsApp's customer-service window: free-form messages only within 24 hours of the
    /// customer's last message.
    public static let serviceWindow: TimeInterval = 24 * 3600

    public init(channel: ChannelID, configuration: GraphAPIClient.Configuration, messagesPerSecond: Double,
                pairSpacing: Duration, lanes: Int = 8, probeInterval: Duration? = nil, logger: Logger) {
        self.channel = channel
        self.traits = ChannelTraits(messagesPerSecond: messagesPerSecond, perRecipientSpacing: pairSpacing,
                                    serviceWindow: Self.serviceWindow, marksRead: true, lanes: lanes, media: .whatsAppCloud)
        self.credentials = Mutex((configuration, 0))
        self.probeInterval = probeInterval
        self.logger = logger
    }

    public var providerAddress: String { configuration.phoneNumberID }

    /// The Graph API settings in use.
    public var configuration: GraphAPIClient.Configuration { credentials.withLock { $0.configuration } }
    /// The Graph client's settings now (message templates are synced with them).
    public var clientConfiguration: GraphAPIClient.Configuration { configuration }

    /// A config reload: new Graph API settings. Returns false when nothing changed.
    public func replaceCredentials(accessToken: String, graphURL: String) -> Bool {
        credentials.withLock { c in
            let old = c.configuration
            let fresh = GraphAPIClient.Configuration(graphURL: graphURL, phoneNumberID: old.phoneNumberID, accessToken: accessToken)
            guard old.accessToken != fresh.accessToken || old.graphURL != fresh.graphURL else { return false }
            c = (fresh, c.generation + 1)
            return true
        }
    }

    public func connect() -> any ChannelConnection { Connection(self) }

    /// Starts the active probe, when configured.
    public func start(_ context: any ChannelContext) throws {
        guard let interval = probeInterval else { return }
        let loop = ProbeLoop(interval: interval) { [self] in
            do throws(SendFailure) {
                try probe()
                context.report(.callSucceeded, reason: nil)
            } catch {
                switch error.kind {
                case .auth: context.report(.authFailure, reason: error.description)
                case .retryable: context.report(.retryableFailure, reason: error.description)
                default: break // throttled, or a refusal about the call itself: says nothing of the channel
                }
            }
        }
        prober.withLock { $0 = loop }
        loop.start(name: "probe-\(channel)")
    }

    public func stop(deadline: ContinuousClock.Instant) {
        prober.withLock { $0 }?.stop()
    }

    /// One cheap Graph call: `GET /{phone_number_id}?fields=id` answers 200 while the
    /// token is good, 401 (code 190) once it is revoked.
    public func probe() throws(SendFailure) {
        do {
            try GraphAPIClient(configuration: configuration, logger: logger).probeNumber()
        } catch {
            throw Self.failure(error)
        }
    }

    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure) {
        do {
            try GraphAPIClient(configuration: configuration).streamMedia(id: id, maxBytes: maxBytes, to: sink)
        } catch {
            throw MediaFailure(description: error.description, retryable: error.isRetryable, tooLarge: error.tooLarge)
        }
    }

    /// A Graph API error as the drainer reads it.
    static func failure(_ error: GraphError) -> SendFailure {
        SendFailure(kind: error.kind, code: error.code.map(String.init), title: error.title,
                    retryAfter: error.retryAfter, retryFloor: error.retryFloor, description: error.description)
    }

    /// WhatsApp's `to`: a number's digits, or a user id.
    public static func recipient(_ address: ContactAddress) -> WhatsAppRecipient {
        switch address {
        case .phone(let e164): .phone(e164.hasPrefix("+") ? String(e164.dropFirst()) : e164)
        case .whatsAppUser(let id): .userID(id)
        case .telegramChat(let id): .userID(String(id))
        case .webVisitor(let id): .userID(id)
        }
    }

    private final class Connection: ChannelConnection, GraphCallConnection {
        let transport: WhatsAppCloudTransport
        var client: GraphAPIClient
        var generation: Int

        func sendGraph(_ call: (GraphAPIClient) throws(GraphError) -> GraphSendReceipt) throws(SendFailure) -> SendReceipt {
            refresh()
            do {
                return SendReceipt(providerMessageID: try call(client).providerMessageID)
            } catch {
                throw WhatsAppCloudTransport.failure(error)
            }
        }

        private func refresh() {
            let current = transport.credentials.withLock { $0 }
            if current.generation != generation {
                client = GraphAPIClient(configuration: current.configuration, logger: transport.logger)
                generation = current.generation
            }
        }

        init(_ transport: WhatsAppCloudTransport) {
            self.transport = transport
            let (configuration, generation) = transport.credentials.withLock { $0 }
            self.client = GraphAPIClient(configuration: configuration, logger: transport.logger)
            self.generation = generation
        }

        func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt {
            let current = transport.credentials.withLock { $0 }
            if current.generation != generation {
                client = GraphAPIClient(configuration: current.configuration, logger: transport.logger)
                generation = current.generation
            }
            if case .media(_, let file) = request {
                let limit = OutboundMediaRules.whatsAppCloud.rule(for: file.mimeType)?.maxBytes ?? 100 << 20
                try file.check(maxBytes: limit, channel: "WhatsApp")
            }
            do {
                switch request {
                case .text(let to, let text, let buttons):
                    let replyButtons = buttons.enumerated().map { WhatsAppReplyButton(id: "b\($0.offset + 1)", title: $0.element) }
                    let receipt = try client.sendText(to: WhatsAppCloudTransport.recipient(to), body: text, buttons: replyButtons)
                    return SendReceipt(providerMessageID: receipt.providerMessageID)
                case .markRead(_, let id):
                    try client.markRead(messageID: id)
                    return SendReceipt(providerMessageID: nil)
                case .media(let to, let file):
                    // Uploaded at send time (the media id Meta answers is valid 30 days, not
                    // worth keeping across retries), then sent by id. Streamed from the
                    // media store by libcurl: memory does not grow with the attachment.
                    let id = try client.uploadMedia(fileAt: file.path, mimeType: file.mimeType, filename: file.filename ?? "attachment")
                    let receipt = try client.sendMedia(to: WhatsAppCloudTransport.recipient(to), kind: file.kind, mediaID: id,
                                                       caption: file.caption, filename: file.filename)
                    return SendReceipt(providerMessageID: receipt.providerMessageID)
                }
            } catch {
                throw WhatsAppCloudTransport.failure(error)
            }
        }
    }
}

/// A connection that makes Graph API calls beyond `OutboundRequest` (message templates,
/// `OutboxContent`), with the transport's current credentials.
public protocol GraphCallConnection: ChannelConnection {
    func sendGraph(_ call: (GraphAPIClient) throws(GraphError) -> GraphSendReceipt) throws(SendFailure) -> SendReceipt
}
