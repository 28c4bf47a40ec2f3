import Foundation
import SwitchboardCore
import SwitchboardLog

/// One messaging transport for one configured channel (a WhatsApp number, a Telegram bot,
/// a web chat): the only thing a new channel type implements. The host keeps everything
/// else, once for every transport:
///
/// - **Inbound.** What arrives by webhook is verified and parsed by the transport's
///   `WebhookEndpoint` (one per channel type, registered by the host) into an
///   `InboundBatch`; what a transport fetches itself (a long poll, a live session) it
///   hands to `ChannelContext.ingest`. Either way the batch goes through the host's one
///   ingest path: route, deduplicate, store, journal and enqueue in one transaction.
/// - **Outbound.** The host's one drainer per channel (`ChannelSender`) claims outbox
///   entries and applies Core's policies (retry with backoff and jitter, the circuit
///   breaker, `traits`' rate, per-recipient and service-window limits); for each entry
///   it asks a `ChannelConnection` of this transport to make one call, which either
///   returns a `SendReceipt` or throws a classified `SendFailure`.
/// - **Health.** The drainer reports what its calls show; a transport with something of
///   its own to watch (a poll loop, a session, an active probe) reports through
///   `ChannelContext.report`. The host journals every change, shows it in `/metrics`
///   (`switchboard_channel_state`), the inbox and `switchboard channels`.
///
/// Threading: `connect()` is called once per drainer lane; a connection is used by that
/// lane's thread only. Everything else may be called from any thread.
public protocol ChannelTransport: AnyObject, Sendable {
    /// The configured channel.
    var channel: ChannelID { get }
    /// The channel's own address at the provider (WhatsApp: `phone_number_id`; Telegram:
    /// the bot's id; web chat: the workspace), recorded with messages held as unrouted.
    var providerAddress: String { get }
    /// How the drainer must pace and check this channel's sends.
    var traits: ChannelTraits { get }
    /// A connection for one drainer lane (kept alive between calls).
    func connect() -> any ChannelConnection
    /// Starts what the transport runs by itself (a long poll, a session, a probe timer),
    /// once the host is ready to ingest. The default does nothing.
    func start(_ context: any ChannelContext) throws
    /// Stops it, by `deadline`. The default does nothing.
    func stop(deadline: ContinuousClock.Instant)
    /// Streams the media `id` of an inbound message to `sink`, refusing more than
    /// `maxBytes`. The default refuses: the channel carries no media.
    func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure)
    /// A message this transport sent was recorded as sent (the web chat pushes it to the
    /// visitor's page). Called only when `traits.observesSent`; the default does nothing.
    func recordedSent(_ message: Message, to recipient: ContactAddress, workspace: WorkspaceID)
}

extension ChannelTransport {
    public func start(_ context: any ChannelContext) throws {}
    public func stop(deadline: ContinuousClock.Instant) {}
    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(MediaFailure) {
        throw MediaFailure(description: "channel \(channel) carries no media")
    }
    public func recordedSent(_ message: Message, to recipient: ContactAddress, workspace: WorkspaceID) {}
}

/// One lane's line to the provider: used by one thread at a time.
public protocol ChannelConnection: AnyObject {
    /// Makes the one provider call `request` stands for. Throws a classified failure;
    /// never retries by itself (the drainer decides).
    func send(_ request: OutboundRequest) throws(SendFailure) -> SendReceipt
}

/// What the host gives a transport that runs by itself (`ChannelTransport.start`).
public protocol ChannelContext: Sendable {
    /// Commits `batch` through the host's one ingest path; `done(true)` once it is
    /// committed (then, and only then, may the transport acknowledge it to the provider,
    /// e.g. advance a poll offset), `done(false)` if it is not (fetch it again).
    func ingest(_ batch: InboundBatch, done: @escaping @Sendable (Bool) -> Void)
    /// Reports what the transport saw of its connection (a poll failing, credentials
    /// refused, a probe answering again). `reason` is logged and journalled.
    func report(_ signal: ChannelSignal, reason: String?)
    /// The host's logger, with the channel's id in its metadata.
    var logger: Logger { get }
}

/// How the drainer paces and checks one channel's sends.
public struct ChannelTraits: Sendable {
    /// Messages per second for the whole channel; nil: not limited.
    public var messagesPerSecond: Double?
    /// Least time between two messages to the same recipient (WhatsApp's pair rate
    /// limit, Telegram's one message a second per chat); nil: none.
    public var perRecipientSpacing: Duration?
    /// Free-form messages are refused this long after the customer's last message
    /// (WhatsApp's 24-hour window; failed as re-engagement without calling the
    /// provider); nil: no window.
    public var serviceWindow: TimeInterval?
    /// Whether the channel takes `markRead` requests (WhatsApp's blue ticks).
    public var marksRead: Bool
    /// Drainer lanes (threads with a connection each).
    public var lanes: Int
    /// Whether `recordedSent` wants every sent message.
    public var observesSent: Bool
    /// The files the channel sends (`OutboundRequest.media`); nil: none.
    public var media: OutboundMediaRules?
    public init(messagesPerSecond: Double? = nil, perRecipientSpacing: Duration? = nil, serviceWindow: TimeInterval? = nil,
                marksRead: Bool = false, lanes: Int = 1, observesSent: Bool = false, media: OutboundMediaRules? = nil) {
        self.media = media
        self.messagesPerSecond = messagesPerSecond
        self.perRecipientSpacing = perRecipientSpacing
        self.serviceWindow = serviceWindow
        self.marksRead = marksRead
        self.lanes = lanes
        self.observesSent = observesSent
    }
}

/// A media download that did not work.
public struct MediaFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The provider failed for now (timeout, 5xx, rate limited, damaged download).
    public var retryable: Bool
    /// Larger than allowed (refused before any byte, or stopped).
    public var tooLarge: Bool
    public init(description: String, retryable: Bool = false, tooLarge: Bool = false) {
        self.description = description
        self.retryable = retryable
        self.tooLarge = tooLarge
    }
}
