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
    /// Inbound media, downloaded when an agent asks.
    var media: MediaFetcher { MediaFetcher(channels: senders.mapValues(\.clientConfiguration)) }

    init(host config: LoadedConfig, store: any Store, logger: Logger, metrics registry: MetricsRegistry,
         responders: [WorkspaceID: any Responders] = [:], workerCount: Int = Pipeline.defaultWorkerCount) throws {
        let metrics = PipelineMetrics(registry)
        let routing = RoutingTable(
            channels: config.host.channels.map {
                RoutingTable.ChannelRoute(channel: $0.id, workspace: $0.workspace, fallback: $0.fallbackWorkspace)
            },
            senders: Dictionary(config.workspaces.map { ($0.id, $0.senders) }, uniquingKeysWith: { a, _ in a }))

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
        let webChannels = webChat.channelIDs
        let notify: @Sendable (ChannelID) -> Void = { channel in
            if webChannels.contains(channel) { webChat.notify() } else { allSenders[channel]?.notify() }
        }
        let whatsAppChannels = Set(senders.keys)
        agentReplies = AgentReplies(store: store, logger: logger, windowedChannels: whatsAppChannels, notify: notify)
        // Replies for WhatsApp senders are claimed in the worker's transaction and handed
        // over in memory (the web chat claims its own).
        let handover = ResponderWorkers.ReplyHandover(
            lease: { channel in allSenders[channel].flatMap { $0.takesHandover ? $0.leaseSeconds : nil } },
            handOver: { entry in allSenders[entry.channelID]?.handOver(entry) })
        workers = ResponderWorkers(store: store, logger: logger, workspaces: config.workspaces, responders: responders,
                                   workers: workerCount, onOutbox: notify, handover: handover)
        let workers = self.workers
        workersRef.withLock { $0 = workers }
        ingress = WhatsAppIngress(config: config, routing: routing, store: store, logger: logger, metrics: metrics) { jobs, channels in
            workers.submit(jobs)
            for c in channels { notify(c) }
        }

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
