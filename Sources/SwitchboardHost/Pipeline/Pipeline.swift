import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The path of a message (DESIGN.md), assembled: every channel's inbound (webhooks
/// through `ChannelIngress`, polls and sessions through their transport) goes through the
/// one ingest path (`ChannelIngest`), which commits and acknowledges; the responder
/// workers answer; one drainer per channel (`ChannelSender`) delivers through the
/// channel's transport.
final class Pipeline: @unchecked Sendable {
    let ingress: ChannelIngress
    let ingest: ChannelIngest
    /// Responder workers: conversations processed at once (each waits for its plugin
    /// calls on the plugin pool, which has as many threads; see `Host`).
    static let defaultWorkerCount = 8
    let workers: ResponderWorkers
    /// Every channel's transport, and its drainer.
    let transports: [ChannelID: any ChannelTransport]
    let senders: [ChannelID: ChannelSender]
    /// The transports with those of channels a reload added (`startAddedChannels`).
    let liveTransports: LiveTransports
    /// A new channel's transport and drainer (`startAddedChannels`).
    let makeTransport: @Sendable (ChannelConfig, LoadedConfig) -> (any ChannelTransport)?
    let makeSender: @Sendable (any ChannelTransport) -> ChannelSender
    /// The senders, with those of web chats a reload added (`replaceWebChatChannels`).
    let liveSenders: LiveSenders
    private let makeWebChatSender: @Sendable (ChannelID, WorkspaceID) -> ChannelSender
    /// Writes every outbox entry's outcome for the senders, retrying what fails.
    let settler: OutboxSettler
    /// Replies and notes from agents (the inbox API).
    let agentReplies: AgentReplies
    let webChat: WebChat
    /// The workspaces' configs, chains and routing as they run now (`Host.reload`).
    let live: LiveWorkspaces
    /// Templates, attachments and the media store (Pipeline+AgentTools).
    let templates: AgentTemplates
    let attachments: AgentAttachments
    let mediaStore: MediaStore
    /// Called by the ingress with the inbound messages each webhook committed (media kept
    /// on arrival); set by the host once its media pool exists, after the pipeline is built.
    let arrivals = Hook<[InboundJob]>()
    /// Starts and stops what transports run by themselves (polls, sessions, probes).
    let channelRunner: ChannelRunner
    /// What wakes the inbox's and the web chat's streams (`JournalWakeups`), and the
    /// store's journal listener feeding it on PostgreSQL.
    let journalWakeups: JournalWakeups
    let journalListener: JournalListenerService
    /// This host's own base URL once bound (where gateways post their webhooks).
    let ownBaseURL: @Sendable () -> String?

    /// Inbound media, downloaded when an agent asks.
    var media: MediaFetcher { MediaFetcher(transports: [:], live: liveTransports) }

    init(host config: LoadedConfig, store: any Store, logger: Logger, metrics registry: MetricsRegistry,
         responders: [WorkspaceID: any Responders] = [:], workerCount: Int = Pipeline.defaultWorkerCount,
         ownBaseURL: @escaping @Sendable () -> String? = { nil }) throws {
        let metrics = PipelineMetrics(registry)
        self.ownBaseURL = ownBaseURL
        let live = LiveWorkspaces(config: config, responders: responders)
        self.live = live

        let settler = OutboxSettler(store: store, logger: logger, metrics: metrics)
        self.settler = settler
        // The streams' one wake-up (this host's commits, and on PostgreSQL every host's).
        let journalWakeups = JournalWakeups(announced: store is any JournalAnnouncing)
        self.journalWakeups = journalWakeups
        journalListener = JournalListenerService(store: store, wakeups: journalWakeups, logger: logger)
        let hub = WebChat.Hub(wakeups: journalWakeups)
        let transports = Transports.build(config, hub: hub, logger: logger, ownBaseURL: ownBaseURL)
        self.transports = transports
        let liveTransports = LiveTransports(transports)
        self.liveTransports = liveTransports
        makeTransport = { c, fresh in
            Transports.transport(c, apps: Dictionary(fresh.host.whatsAppApps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                                 outbox: config.host.outbox, hub: hub, logger: logger, ownBaseURL: ownBaseURL)
        }
        var senders: [ChannelID: ChannelSender] = [:]
        for (id, transport) in transports {
            senders[id] = ChannelSender(transport: transport, outbox: config.host.outbox, store: store, logger: logger,
                                        metrics: metrics, settler: settler)
        }
        self.senders = senders
        let liveSenders = LiveSenders(senders, listings: Dictionary(config.host.channels.map { ($0.id, LiveSenders.Listing($0)) },
                                                                    uniquingKeysWith: { a, _ in a }),
                                      store: store, logger: logger)
        self.liveSenders = liveSenders
        let outbox = config.host.outbox
        makeWebChatSender = { channel, workspace in
            ChannelSender(transport: WebChatTransport(channel: channel, workspace: workspace, hub: hub), outbox: outbox,
                          store: store, logger: logger, metrics: metrics, settler: settler)
        }
        makeSender = { transport in
            ChannelSender(transport: transport, outbox: outbox, store: store, logger: logger, metrics: metrics, settler: settler)
        }
        let notify: @Sendable (ChannelID) -> Void = { channel in liveSenders[channel]?.notify() }
        let windowed = Set(transports.filter { $0.value.traits.serviceWindow != nil }.keys)
        agentReplies = AgentReplies(store: store, logger: logger, windowedChannels: windowed, notify: notify,
                                    windowedAdded: { liveTransports[$0]?.traits.serviceWindow != nil })
        let webChatRef = Mutex<WebChat?>(nil)
        // A channel a reload adds takes attachments too (`AgentAttachments.addedChannel`).
        var tools = Self.agentTools(config, store: store, logger: logger, transports: transports,
                                    webChatChannels: { webChatRef.withLock { $0 }?.channelIDs ?? [] }, notify: notify)
        tools.1.addedChannel = { liveTransports[$0] }
        tools.0.added = { liveTransports.templateAccounts }
        (templates, attachments, mediaStore) = tools
        // Replies for senders that take them are claimed in the worker's transaction and
        // handed over in memory.
        let handover = ResponderWorkers.ReplyHandover(
            lease: { channel in liveSenders[channel].flatMap { $0.takesHandover ? $0.leaseSeconds : nil } },
            handOver: { entry in liveSenders[entry.channelID]?.handOver(entry) })
        workers = ResponderWorkers(store: store, logger: logger, live: live, workers: workerCount, onOutbox: notify,
                                   handover: handover, takeOverInterval: TimeInterval(config.host.heartbeatSeconds))
        let workers = self.workers
        let arrivals = self.arrivals
        let ingest = ChannelIngest(live: live, store: store, logger: logger, metrics: metrics,
                                   transports: liveTransports,
                                   handOn: { held in workers.submit(held: held) }) { jobs, queue, channels in
            if !queue.isEmpty { workers.submit(queue) }
            for c in channels { notify(c) }
            arrivals.call(jobs)
        }
        self.ingest = ingest
        settler.onSentRecorded.set { [ingest] sent in ingest.applyHeldReceipts(channel: sent.channel, providerMessageID: sent.providerMessageID) }
        let templates = self.templates
        // Off the server thread: a store write, and maybe a Graph API call.
        let templateStatus: @Sendable ([UInt8]) -> Void = { body in DispatchQueue.global().async { templates.statusWebhook(body) } }
        ingress = ChannelIngress(endpoints: Transports.endpoints(config, transports: transports, live: liveTransports,
                                                                      onTemplateStatus: templateStatus),
                                 ingest: ingest, logger: logger, metrics: metrics)
        let webChat = WebChat(config: config, store: store, logger: logger, metrics: metrics, hub: hub, ingest: ingest)
        webChat.mediaStore = mediaStore
        webChatRef.withLock { $0 = webChat }
        self.webChat = webChat
        var served: [ChannelID: [WorkspaceID]] = [:]
        for c in config.host.channels {
            if let w = c.workspace ?? c.fallbackWorkspace { served[c.id] = [w] }
        }
        // Live sessions are supervised by one host at a time where several share the
        // database; until this host holds a session's lease its drainer holds.
        // So is the long poll of a Telegram bot (one poller per bot); its replies go from any host.
        let leases = SessionLeases(store: store, channels: Set(transports.compactMap { $0.value is EvolutionTransport ? $0.key : nil }),
                                   pollers: Set(transports.compactMap { ($0.value as? TelegramTransport)?.mode == .polling ? $0.key : nil }),
                                   logger: logger, leaseSeconds: Double(config.host.hostLeaseSeconds),
                                   renewEvery: .seconds(config.host.heartbeatSeconds))
        for id in leases.channels where !leases.isPoller(id) {
            senders[id]?.health.apply(.sessionConnecting, reason: "waiting for the session's lease (one host supervises it)")
        }
        channelRunner = ChannelRunner(transports: transports, senders: senders, ingest: ingest, store: store,
                                      workspaces: served, logger: logger, leases: leases)

        registry.computedGauge("switchboard_outbox_depth", help: "Outbox entries waiting or in flight, per channel.",
                               labelNames: ["channel"]) { [store] in
            let depth = (try? store.queue.outboxDepth()) ?? [:]
            return liveSenders.all.keys.sorted { $0.rawValue < $1.rawValue }.map { (labels: [$0.rawValue], value: Double(depth[$0] ?? 0)) }
        }
        registry.computedGauge("switchboard_outbox_unsettled",
                               help: "Outbox entries whose outcome could not be written yet and is being tried again.") {
            Double(settler.waiting)
        }
        registry.computedGauge("switchboard_inbound_queue_depth", help: "Inbound messages waiting for or in the responder chain.") {
            Double(workers.depth)
        }
    }

    /// A reload's web chat channels: a new one takes visitors and is drained at once; a
    /// removed one answers 404 (its drainer still delivers what it had queued).
    func replaceWebChatChannels(_ configured: [ChannelConfig]) {
        for c in configured where c.type == .webchat {
            guard let workspace = c.workspace, liveSenders[c.id] == nil else { continue }
            let sender = makeWebChatSender(c.id, workspace)
            let listing = LiveSenders.Listing(c)
            // Its state is recorded like that of a channel of the start (`switchboard
            // channels`, the journal).
            if liveSenders.add(sender, listing: listing) { channelRunner.track(sender, workspaces: listing.workspaces) }
        }
        webChat.replaceChannels(configured)
    }

    func addRoutes(to router: inout HTTPRouter) {
        ingress.addRoutes(to: &router)
        webChat.addRoutes(to: &router)
    }

    /// In start order: the settler, senders, then workers (stopped in reverse: workers
    /// finish their replies before the senders stop, and the settler writes what the
    /// senders left to it last).
    var services: [any Service] {
        [settler] + senders.keys.sorted { $0.rawValue < $1.rawValue }.map { senders[$0]! } + [liveSenders, webChat, workers, channelRunner, journalListener]
    }
}
