import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The web chat channel: a page a business links from its site (`/chat/{workspace}`,
/// served by `WebPages`), where a visitor chats with the workspace through the same
/// pipeline as WhatsApp (routing, responder chain, handoff, inbox).
///
/// - `POST /chat/{workspace}/messages` `{"visitor","text","id"?}`: commits the message
///   (deduplicated on the optional client `id`, so a retried POST is stored once) and
///   queues it for the responder chain; answered 202 only once committed.
/// - `GET /chat/{workspace}/events?visitor=ID`: server-sent events, `event: message`
///   with `{"id","direction","text","created_at"}`: the last `historyLimit` messages of
///   the conversation (what the page keeps), then every new message (the visitor's own
///   and the replies) as it is stored or delivered. Streams are limited per visitor, per
///   client address (429) and in total (503) by `webchat.*`; the HTTP server sends their
///   heartbeats, ends them after `server.stream_max_seconds` and cuts off a client that
///   does not read (`EventStreamPolicy`).
///
/// A visitor's message goes through the host's one ingest path (`ChannelIngest`: routing,
/// deduplication, journal, queue). Delivery: the channel's drainer (`ChannelSender`, like
/// every channel's) takes replies from the outbox; its transport (`WebChatTransport`)
/// has nothing to call. What a visitor's stream shows after its history comes from the
/// journal (`WebChatFeed`): the visitor's messages stored and the replies recorded as sent,
/// read after a cursor whenever the workspace's journal grows (`JournalWakeups`). On
/// PostgreSQL every host hears every host's appends, so a visitor may be connected to any
/// host behind a balancer (no sticky sessions).
final class WebChat: Service, @unchecked Sendable {
    let name = "webchat"
    /// Each workspace's web chat channel; replaced by a reload (`replaceChannels`).
    private let liveChannels: Mutex<[WorkspaceID: ChannelID]>
    var channels: [WorkspaceID: ChannelID] { liveChannels.withLock { $0 } }
    let store: any Store
    let logger: Logger
    private let metrics: PipelineMetrics
    private let ingest: ChannelIngest
    let hub: Hub
    /// Pushes what the journal tells to the open streams.
    let feed: WebChatFeed
    /// Where agents' attachments are, for `GET /chat/{workspace}/media/{id}` (WebChat+Media).
    var mediaStore: MediaStore?
    /// The chat is public: each client address may post `postsPerSecond`, in bursts of
    /// `postBurst` (answered 429 beyond), so one abuser cannot fill the database; counted
    /// in the store's meters, on every host at once (`WebChatPostLimits`).
    private let postLimits: WebChatPostLimits
    /// Who is posting (`server.trusted_proxies`).
    private let clientAddress: ClientAddress
    static let postsPerSecond = 2.0
    static let postBurst = 20.0
    /// Open visitor streams, counted against `webchat.*`.
    let streamLimits: WebChatStreamLimits
    /// The history a new stream replays fits in this many bytes (half the stream's
    /// buffer cap, so the history never cuts a stream off by itself).
    private let historyBytes: Int
    /// Messages a new stream replays at most: what the page keeps (`HISTORY_LIMIT` in
    /// web/chat/chat.js).
    static let historyLimit = 200

    static let maxTextLength = 4096

    init(config: LoadedConfig, store: any Store, logger: Logger, metrics: PipelineMetrics, hub: Hub, ingest: ChannelIngest) {
        self.hub = hub
        self.feed = WebChatFeed(store: store, hub: hub, wakeups: hub.wakeups, logger: logger)
        self.ingest = ingest
        self.liveChannels = Mutex(Self.channels(config.host.channels))
        self.streamLimits = WebChatStreamLimits(config.host.webChat)
        self.historyBytes = max(1024, config.host.server.streamBufferBytes / 2)
        self.clientAddress = ClientAddress(trustedProxies: config.host.server.trustedProxies)
        self.postLimits = WebChatPostLimits(limits: store.limits, logger: logger)
        self.store = store
        self.logger = logger
        self.metrics = metrics
    }

    var channelIDs: Set<ChannelID> { Set(channels.values) }

    /// Whether the workspace has a web chat now.
    func hasChat(_ workspace: WorkspaceID) -> Bool { channels[workspace] != nil }

    /// The workspaces with a web chat, and their channels, from the host's `channels`.
    static func channels(_ configured: [ChannelConfig]) -> [WorkspaceID: ChannelID] {
        var channels: [WorkspaceID: ChannelID] = [:]
        for c in configured where c.type == .webchat {
            if let ws = c.workspace, channels[ws] == nil { channels[ws] = c.id }
        }
        return channels
    }

    /// A reload's web chat channels: a new one takes visitors at once; a removed one
    /// answers new messages and streams 404, and the replies it had queued are drained
    /// once more here (to the streams still open).
    func replaceChannels(_ configured: [ChannelConfig]) {
        let fresh = Self.channels(configured)
        // Replies already queued on a removed channel are still delivered by its drainer
        // (`ChannelSender` over `WebChatTransport`) to the streams still open.
        liveChannels.withLock { $0 = fresh }
        for (workspace, channel) in fresh { feed.follow(workspace, channel: channel) }
    }

    func addRoutes(to router: inout HTTPRouter) {
        router.post("/chat/{workspace}/messages") { [self] in receive($0) }
        router.get("/chat/{workspace}/events") { [self] in events($0) }
        router.get("/chat/{workspace}/media/{id}") { [self] in media($0) }
    }

    static func isValidVisitor(_ v: String) -> Bool {
        (8...64).contains(v.utf8.count) && v.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    // MARK: - Inbound

    func receive(_ request: HTTPRequest) -> HTTPResponse {
        let wsName = request.parameter("workspace") ?? ""
        guard let channel = channels[WorkspaceID(wsName)] else { return .error(404, "no web chat for '\(wsName)'") }
        if case .waitUntil(let t) = admit(clientAddress.of(request)) {
            let seconds = max(1, Int((Double((t - .now).components.seconds)).rounded(.up)))
            return .error(429, "too many messages; wait a moment", headers: ["Retry-After": String(seconds)])
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return .error(400, "body must be a JSON object {\"visitor\",\"text\"}")
        }
        guard let visitor = object["visitor"] as? String, Self.isValidVisitor(visitor) else {
            return .error(400, "visitor must be 8 to 64 letters, digits, '-' or '_'")
        }
        guard let text = (object["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return .error(400, "text is empty")
        }
        guard text.count <= Self.maxTextLength else { return .error(400, "text is longer than \(Self.maxTextLength) characters") }
        let clientID = (object["id"] as? String).flatMap { Self.isValidVisitor($0) ? $0 : nil } ?? UUID().uuidString
        let workspace = WorkspaceID(wsName)
        let message = InboundMessage(
            channel: channel, providerMessageID: "web.\(visitor).\(clientID)", from: "", timestamp: Date(), kind: .text,
            providerType: "text", text: text, rawJSON: "", sender: .webVisitor(visitor))
        let answer = HTTPDeferredResponse()
        let (hub, logger) = (self.hub, self.logger)
        ingest.commit(InboundBatch(messages: [message]), source: channel.rawValue, receivedAt: Date()) { result in
            switch result {
            case .success(let outcomes):
                switch outcomes.first {
                case .stored(let stored, _):
                    hub.committed(workspace)
                    answer.complete(.json("{\"id\":\(JSONText.quoted(stored.id.rawValue))}", status: 202))
                case .duplicate:
                    answer.complete(.json("{\"duplicate\":true}", status: 202))
                case .unrouted, nil:
                    answer.complete(.error(500, "not stored, please retry"))
                }
            case .failure(let error):
                logger.error("web chat message not stored", [LogKey.workspace: wsName, LogKey.error: "\(error)"])
                answer.complete(.notStored(error))
            }
        }
        return .deferred(answer)
    }

    /// Takes one post from the client address's meter (behind a trusted proxy, the
    /// address it forwarded).
    private func admit(_ address: String) -> RateDecision { postLimits.admit(address) }

    // MARK: - The visitor's stream

    func events(_ request: HTTPRequest) -> HTTPResponse {
        let wsName = request.parameter("workspace") ?? ""
        guard let channel = channels[WorkspaceID(wsName)] else { return .error(404, "no web chat for '\(wsName)'") }
        guard let visitor = request.query["visitor"], Self.isValidVisitor(visitor) else {
            return .error(400, "visitor must be 8 to 64 letters, digits, '-' or '_'")
        }
        let workspace = WorkspaceID(wsName)
        let ticket: WebChatStreamLimits.Ticket
        switch streamLimits.admit(visitor: Hub.key(workspace, visitor: visitor), address: clientAddress.of(request)) {
        case .success(let t): ticket = t
        case .failure(let refused):
            metrics.webChatStreamsRefused.labels(refused.refusal.rawValue).increment()
            return Self.refusal(refused.refusal, streamLimits.limits)
        }
        let ws = store.workspace(workspace)
        let stream = HTTPResponseStream()
        stream.onClose { ticket.release() }
        do {
            // Subscribe first, then send the history: a message stored in between is sent
            // twice at worst, and the page drops ids it has shown. Opening the stream
            // stores nothing: a visitor who never writes leaves no contact behind.
            hub.subscribe(Hub.key(workspace, visitor: visitor), stream)
            stream.comment("connected")
            if let contact = try ws.contacts.find(address: .webVisitor(visitor)),
               let conversation = try ws.conversations.find(channel: channel, contact: contact.id) {
                let shown = try ws.messages.tail(conversation: conversation.id, before: nil, limit: Self.historyLimit).filter(Self.visible)
                for event in Self.history(shown, maxBytes: historyBytes) {
                    stream.write(event)
                }
            }
        } catch {
            hub.unsubscribe(Hub.key(workspace, visitor: visitor), stream)
            ticket.release()
            logger.error("web chat stream failed", [LogKey.workspace: wsName, LogKey.error: "\(error)"])
            return .error(500, "cannot open the conversation")
        }
        return .eventStream(stream)
    }

    /// The answer to a stream the limits refuse: 429 for one visitor or address (the
    /// page retries after Retry-After), 503 when the host has no stream left.
    static func refusal(_ refusal: WebChatStreamLimits.Refusal, _ limits: HostConfig.WebChat) -> HTTPResponse {
        switch refusal {
        case .visitor:
            .error(429, "this visitor already has \(limits.maxStreamsPerVisitor) open chat streams; close one",
                   headers: ["Retry-After": "10"])
        case .address:
            .error(429, "too many open chat streams from this address (at most \(limits.maxStreamsPerAddress))",
                   headers: ["Retry-After": "10"])
        case .total:
            .error(503, "the chat is busy (\(limits.maxStreams) open streams); try again shortly",
                   headers: ["Retry-After": "10"])
        }
    }

    /// The history events of `messages` (oldest first), newest kept first when they do
    /// not all fit in `maxBytes`.
    static func history(_ messages: [Message], maxBytes: Int) -> [[UInt8]] {
        var events: [[UInt8]] = []
        var total = 0
        for m in messages.reversed() {
            let event = HTTPResponseStream.event("message", id: m.id.rawValue, data: json(m))
            if total + event.count > maxBytes { break }
            total += event.count
            events.append(event)
        }
        return events.reversed()
    }

    /// What the visitor sees: their messages and the replies that left the outbox
    /// (never notes, never replies still queued).
    static func visible(_ m: Message) -> Bool {
        if m.kind == .note { return false }
        if m.direction == .inbound { return true }
        return m.status == .sent || m.status == .delivered || m.status == .read
    }

    static func json(_ m: Message) -> String {
        "{\"id\":\(JSONText.quoted(m.id.rawValue)),\"direction\":\"\(m.direction.rawValue)\",\"kind\":\"\(m.kind.rawValue)\",\"text\":\(JSONText.quoted(m.text ?? "")),\"created_at\":\"\(RFC3339.string(m.createdAt))\"}"
    }

    // MARK: - Lifecycle

    /// Delivery runs in the channel's drainer; the web chat itself only has streams, fed
    /// from the journal.
    func start() throws {
        for (workspace, channel) in channels { feed.follow(workspace, channel: channel) }
    }

    /// Ends the visitors' open streams.
    func stop(deadline: ContinuousClock.Instant) {
        feed.stop()
        hub.finishAll()
    }

    /// Open visitor streams by workspace and visitor.
    final class Hub: Sendable {
        private let streams = Mutex<[String: [HTTPResponseStream]]>([:])
        /// What this host's commits wake (`committed`), as the store's announcements do.
        let wakeups: JournalWakeups

        init(wakeups: JournalWakeups) { self.wakeups = wakeups }

        /// Something a visitor's stream shows was committed in `workspace`'s journal: the
        /// feed reads it from there.
        func committed(_ workspace: WorkspaceID) { wakeups.wake(workspace) }

        /// Whether a stream of `workspace` is open on this host.
        func hasStreams(_ workspace: WorkspaceID) -> Bool {
            let prefix = workspace.rawValue + "|"
            return streams.withLock { $0.keys.contains { $0.hasPrefix(prefix) } }
        }

        static func key(_ workspace: WorkspaceID, visitor: String) -> String { "\(workspace.rawValue)|\(visitor)" }

        func subscribe(_ conversation: String, _ stream: HTTPResponseStream) {
            streams.withLock { $0[conversation, default: []].append(stream) }
            stream.onClose { [weak self] in self?.unsubscribe(conversation, stream) }
        }

        /// Forgets a stream that is not served after all.
        func unsubscribe(_ conversation: String, _ stream: HTTPResponseStream) {
            streams.withLock { all in
                all[conversation]?.removeAll { $0 === stream }
                if all[conversation]?.isEmpty == true { all[conversation] = nil }
            }
        }

        func publish(_ conversation: String, _ message: Message) {
            let targets = streams.withLock { $0[conversation] ?? [] }
            for s in targets { s.send(event: "message", id: message.id.rawValue, data: WebChat.json(message)) }
        }

        func finishAll() {
            let all = streams.withLock { s in defer { s.removeAll() }; return s.values.flatMap { $0 } }
            for s in all { s.finish() }
        }
    }
}
