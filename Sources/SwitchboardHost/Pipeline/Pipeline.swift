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
    /// Writes every outbox entry's outcome for the senders, retrying what fails.
    let settler: OutboxSettler
    /// Replies and notes from agents (the inbox API).
    let agentReplies: AgentReplies
    let webChat: WebChat
    /// Starts and stops what transports run by themselves (polls, sessions, probes).
    let channelRunner: ChannelRunner
    /// Each channel's type and the workspaces it serves (for the inbox's channel list).
    let channelTypes: [ChannelID: String]
    let channelWorkspaces: [ChannelID: [WorkspaceID]]

    /// The channels serving `workspace`, with their live state (the inbox's banner).
    func channels(serving workspace: WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)] {
        senders.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { id in
            guard channelWorkspaces[id]?.contains(workspace) == true, let health = senders[id]?.health else { return nil }
            let s = health.snapshot
            return (id, channelTypes[id] ?? "", ChannelStatus(channel: id, state: s.state, reason: s.reason, since: s.since))
        }
    }

    /// Inbound media, downloaded when an agent asks.
    var media: MediaFetcher { MediaFetcher(transports: transports) }

    init(host config: LoadedConfig, store: any Store, logger: Logger, metrics registry: MetricsRegistry,
         responders: [WorkspaceID: any Responders] = [:], workerCount: Int = Pipeline.defaultWorkerCount,
         ownBaseURL: @escaping @Sendable () -> String? = { nil }) throws {
        let metrics = PipelineMetrics(registry)
        let routing = RoutingTable(
            channels: config.host.channels.map {
                RoutingTable.ChannelRoute(channel: $0.id, workspace: $0.workspace, fallback: $0.fallbackWorkspace)
            },
            senders: Dictionary(config.workspaces.map { ($0.id, $0.senders) }, uniquingKeysWith: { a, _ in a }))

        let settler = OutboxSettler(store: store, logger: logger, metrics: metrics)
        self.settler = settler
        let hub = WebChat.Hub()
        let transports = Transports.build(config, hub: hub, logger: logger, ownBaseURL: ownBaseURL)
        self.transports = transports
        var senders: [ChannelID: ChannelSender] = [:]
        for (id, transport) in transports {
            senders[id] = ChannelSender(transport: transport, outbox: config.host.outbox, store: store, logger: logger,
                                        metrics: metrics, settler: settler)
        }
        self.senders = senders
        let allSenders = senders
        let notify: @Sendable (ChannelID) -> Void = { channel in allSenders[channel]?.notify() }
        let windowed = Set(transports.filter { $0.value.traits.serviceWindow != nil }.keys)
        agentReplies = AgentReplies(store: store, logger: logger, windowedChannels: windowed, notify: notify)
        workers = ResponderWorkers(store: store, logger: logger, workspaces: config.workspaces, responders: responders,
                                   workers: workerCount, onOutbox: notify)
        let workers = self.workers
        let ingest = ChannelIngest(routing: routing, store: store, logger: logger, metrics: metrics,
                                   markRead: Set(config.workspaces.filter(\.markRead).map(\.id)),
                                   transports: transports) { jobs, channels in
            if !jobs.isEmpty { workers.submit(jobs) }
            for c in channels { notify(c) }
        }
        self.ingest = ingest
        ingress = ChannelIngress(endpoints: Transports.endpoints(config, transports: transports), ingest: ingest, logger: logger, metrics: metrics)
        webChat = WebChat(config: config, store: store, logger: logger, metrics: metrics, hub: hub, ingest: ingest)
        var served: [ChannelID: [WorkspaceID]] = [:]
        for c in config.host.channels {
            if let w = c.workspace ?? c.fallbackWorkspace { served[c.id] = [w] }
        }
        channelRunner = ChannelRunner(transports: transports, senders: senders, ingest: ingest, store: store,
                                      workspaces: served, logger: logger)
        var types: [ChannelID: String] = [:]
        for c in config.host.channels { types[c.id] = c.type.rawValue }
        channelTypes = types
        channelWorkspaces = served

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
        [settler] + senders.keys.sorted { $0.rawValue < $1.rawValue }.map { senders[$0]! } + [webChat, workers, channelRunner]
    }
}
