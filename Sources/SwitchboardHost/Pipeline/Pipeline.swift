import Foundation
import Synchronization
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The path of a message (DESIGN.md), assembled: the WhatsApp ingress commits and
/// acknowledges, the responder workers answer, one sender per channel delivers.
final class Pipeline: @unchecked Sendable {
    let ingress: WhatsAppIngress
    /// Responder workers: conversations processed at once (each waits for its plugin
    /// calls on the plugin pool, which has as many threads; see `Host`).
    static let defaultWorkerCount = 8
    let workers: ResponderWorkers
    let senders: [ChannelID: ChannelSender]
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
    /// Called with the inbound messages each webhook committed (media kept on arrival);
    /// set by the host once its media pool exists.
    let arrivals = ArrivalHook()
    /// Inbound media, downloaded when an agent asks.
    var media: MediaFetcher { MediaFetcher(channels: senders.mapValues(\.clientConfiguration)) }

    init(host config: LoadedConfig, store: any Store, logger: Logger, metrics registry: MetricsRegistry,
         responders: [WorkspaceID: any Responders] = [:], workerCount: Int = Pipeline.defaultWorkerCount) throws {
        let metrics = PipelineMetrics(registry)
        let live = LiveWorkspaces(config: config, responders: responders)
        self.live = live

        let settler = OutboxSettler(store: store, logger: logger, metrics: metrics)
        self.settler = settler
        var senders: [ChannelID: ChannelSender] = [:]
        let apps = Dictionary(config.host.whatsAppApps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for c in config.host.channels where c.type == .whatsapp {
            guard let appID = c.app, let app = apps[appID] else { continue }
            senders[c.id] = ChannelSender(channel: c, app: app, outbox: config.host.outbox, store: store, logger: logger, metrics: metrics,
                                       settler: settler)
        }
        self.senders = senders
        let allSenders = senders
        let workersRef = Mutex<ResponderWorkers?>(nil)
        let webChat = WebChat(config: config, store: store, logger: logger, metrics: metrics, settler: settler) { jobs in
            workersRef.withLock { $0 }?.submit(jobs)
        }
        self.webChat = webChat
        // A channel without a WhatsApp sender is a web chat's (their set changes with a
        // reload; the senders' does not).
        let notify: @Sendable (ChannelID) -> Void = { channel in
            if let sender = allSenders[channel] { sender.notify() } else { webChat.notify() }
        }
        let whatsAppChannels = Set(senders.keys)
        agentReplies = AgentReplies(store: store, logger: logger, windowedChannels: whatsAppChannels, notify: notify)
        (templates, attachments, mediaStore) = Self.agentTools(config, store: store, logger: logger, senders: senders,
                                                               webChatChannels: { webChat.channelIDs }, notify: notify)
        webChat.mediaStore = mediaStore
        // Replies for WhatsApp senders are claimed in the worker's transaction and handed
        // over in memory (the web chat claims its own).
        let handover = ResponderWorkers.ReplyHandover(
            lease: { channel in allSenders[channel].flatMap { $0.takesHandover ? $0.leaseSeconds : nil } },
            handOver: { entry in allSenders[entry.channelID]?.handOver(entry) })
        workers = ResponderWorkers(store: store, logger: logger, live: live, workers: workerCount, onOutbox: notify,
                                   handover: handover)
        let workers = self.workers
        workersRef.withLock { $0 = workers }
        let arrivals = self.arrivals
        ingress = WhatsAppIngress(config: config, live: live, store: store, logger: logger, metrics: metrics) { jobs, channels in
            workers.submit(jobs)
            for c in channels { notify(c) }
            arrivals.call(jobs)
        }
        let templates = self.templates
        // Off the server thread: a store write, and maybe a Graph API call.
        ingress.onTemplateStatus = { body in DispatchQueue.global().async { templates.statusWebhook(body) } }

        registry.computedGauge("switchboard_outbox_depth", help: "Outbox entries waiting or in flight, per channel.",
                               labelNames: ["channel"]) { [store] in
            let depth = (try? store.queue.outboxDepth()) ?? [:]
            return allSenders.keys.sorted { $0.rawValue < $1.rawValue }.map { (labels: [$0.rawValue], value: Double(depth[$0] ?? 0)) }
        }
        registry.computedGauge("switchboard_outbox_unsettled",
                               help: "Outbox entries whose outcome could not be written yet and is being tried again.") {
            Double(settler.waiting)
        }
        registry.computedGauge("switchboard_inbound_queue_depth", help: "Inbound messages waiting for or in the responder chain.") {
            Double(workers.depth)
        }
    }

    func addRoutes(to router: inout HTTPRouter) {
        ingress.addRoutes(to: &router)
        webChat.addRoutes(to: &router)
    }

    /// In start order: the settler, senders, then workers (stopped in reverse: workers
    /// finish their replies before the senders stop, and the settler writes what the
    /// senders left to it last).
    var services: [any Service] {
        [settler] + senders.keys.sorted { $0.rawValue < $1.rawValue }.map { senders[$0]! } + [webChat, workers]
    }
}
