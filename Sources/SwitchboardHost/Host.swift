import Foundation
import Synchronization
import SwitchboardAuth
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardPlugins
import SwitchboardStore

/// The assembled host: what `switchboard serve` runs. Built from a loaded config, it
/// opens the store, synchronises the workspaces, wires the HTTP routes and the pipeline,
/// and lists the services in start order (stopped in reverse).
final class Host: @unchecked Sendable {
    let config: LoadedConfig
    let logger: Logger
    let metrics: MetricsRegistry
    let store: any Store
    let router: HTTPRouter
    let services: [any Service]
    let pipeline: Pipeline
    /// Applies a changed config without a restart (SIGHUP, `switchboard reload`, the API).
    let reloader: HostReload
    /// Resolves API callers (bearer token or session cookie) for the inbox API routes.
    let authenticator: Authenticator
    private let readiness = Readiness()
    private let started = ContinuousClock.now

    struct StartupError: Error, CustomStringConvertible {
        let description: String
    }

    init(config: LoadedConfig, logger: Logger, configPath: String = "config/switchboard.yaml",
         registerSecrets: @escaping @Sendable ([String]) -> Void = { _ in }) throws {
        var config = config
        self.logger = logger
        let metrics = MetricsRegistry()
        self.metrics = metrics

        let store = try Self.openStore(config.host, logger: logger, heartbeat: true)
        self.store = store
        let report = try store.syncWorkspaces(config.workspaces.map(Self.definition))
        logger.info("workspaces synchronised", [
            "created": report.created.map(\.rawValue).joined(separator: ","),
            "updated": report.updated.map(\.rawValue).joined(separator: ","),
            "deactivated": report.deactivated.map(\.rawValue).joined(separator: ","),
            "active": String(config.workspaces.count),
        ])

        var router = HTTPRouter()
        var services: [any Service] = []
        // One plugin thread per responder worker: a worker waits for its call, so more
        // threads would only wait too (a call past its deadline lends the pool one more).
        // 16 idle-prone threads on one condition cost ~5 % of throughput (bench/README).
        let plugins = PluginHost(searchPaths: config.host.pluginPaths, logger: logger, stateStore: StorePluginState(store: store),
                                 poolThreads: Pipeline.defaultWorkerCount, counters: MetricsPluginCounters(metrics))
        let (chains, problems) = PluginLoading.chains(config, host: plugins)
        guard problems.isEmpty else {
            store.close()
            throw StartupError(description: problems.joined(separator: "\n"))
        }
        // The plugin instances have their configs: keep none of the texts from here on
        // (a plugin that drops its config, ABI 1.4, then holds the only reference).
        config = config.releasingPluginConfigTexts()
        self.config = config
        // Plugins download media through the pipeline's channels, built after the chains.
        let pipelineRef = Mutex<Pipeline?>(nil)
        let makeResponders: @Sendable (ResponderChain) -> any Responders = { chain in
            ChainResponders(chain: chain, store: store, media: { pipelineRef.withLock { $0 }?.media })
        }
        let responders = chains.mapValues(makeResponders)
        // Channels that have a gateway post to this host learn its address once bound.
        let serverRef = Mutex<HTTPServer?>(nil)
        let listenHost = config.host.server.listen.host
        let ownBaseURL: @Sendable () -> String? = {
            guard let port = serverRef.withLock({ $0 })?.boundPort else { return nil }
            let host = listenHost == "0.0.0.0" || listenHost.isEmpty ? "127.0.0.1" : listenHost == "::" ? "[::1]" : listenHost
            return "http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)"
        }
        let pipeline = try Pipeline(host: config, store: store, logger: logger, metrics: metrics, responders: responders,
                                    ownBaseURL: ownBaseURL)
        pipelineRef.withLock { $0 = pipeline }
        self.pipeline = pipeline
        // Data care: message content past a workspace's retention_days is emptied (a
        // reload brings new periods).
        let retention = RetentionSweeper(store: store, retentionDays: Self.retentionDays(config), media: pipeline.mediaStore,
                                         logger: logger)
        self.retention = retention
        let reloader = HostReload(path: configPath, config: config, store: store, logger: logger, plugins: plugins,
                                  pipeline: pipeline, makeResponders: makeResponders, registerSecrets: registerSecrets,
                                  onApplied: { retention.update(Host.retentionDays($0)) })
        self.reloader = reloader
        pipeline.addRoutes(to: &router)
        // People and access (login, sessions, tokens), then the inbox API behind them.
        let authenticator = Authenticator(store: store, logger: logger,
                                          clientAddress: ClientAddress(trustedProxies: config.host.server.trustedProxies))
        self.authenticator = authenticator
        authenticator.addAuthRoutes(to: &router)
        // Media for agents, downloaded on threads of its own (never the server's).
        let mediaDownloads = MediaDownloads(fetcher: pipeline.media, limits: config.host.media, logger: logger)
        // Media kept on arrival (on the same pool), templates and attachments.
        mediaDownloads.mediaStore = pipeline.mediaStore
        services += Self.agentTools(config, store: store, logger: logger, pipeline: pipeline, downloads: mediaDownloads)
        let inbox = {
            var api = InboxAPI(store: store, replies: pipeline.agentReplies, logger: logger, media: mediaDownloads,
                               channels: { [pipeline] in pipeline.channels(serving: $0) },
                               pairing: { [pipeline] in (pipeline.liveTransports[$0] as? EvolutionTransport)?.pairing })
            api.templates = pipeline.templates
            api.attachments = pipeline.attachments
            api.openAPIFragments.append(SetupOpenAPI.document)
            api.erasureScope = { [reloader] in DataCare.ErasureScope(reloader.config, workspace: $0) }
            api.maxUploadBytes = config.host.media.maxUploadBytes
            api.journalWakeups = pipeline.journalWakeups
            return api
        }()
        inbox.addRoutes(to: &router, authenticate: { authenticator.authenticate($0) })
        // Administration: people, tokens, the audit trail, the workspace's file (owners and
        // admins), and the operators' routes above the workspaces.
        let admin = AdminAPI(store: store, logger: logger, configEditor: WorkspaceConfigEditor(reloader: reloader))
        admin.addRoutes(to: &router, catalog: inbox.catalog, inbox: inbox, authenticate: { authenticator.authenticate($0) })
        admin.addInviteRoutes(to: &router)
        // The owner's setup walk (web/setup/): each step an edit of the workspace's file.
        SetupAPI(store: store, logger: logger, editor: WorkspaceConfigEditor(reloader: reloader))
            .addRoutes(to: &router, catalog: inbox.catalog, inbox: inbox, authenticate: { authenticator.authenticate($0) })
        let senders = pipeline.liveSenders
        OperatorAPI(store: store, logger: logger, reloader: reloader, channelHealth: {
            Self.channelHealth(reloader.config, senders: { senders[$0] })
        }).addRoutes(to: &router, catalog: inbox.catalog)
        metrics.computedGauge("switchboard_inbox_event_streams", help: "Open event streams (GET /api/v1/events) of the inbox.") {
            Double(inbox.openEventStreams.value)
        }
        let webChatStreams = pipeline.webChat.streamLimits
        metrics.computedGauge("switchboard_webchat_streams", help: "Open web chat streams (GET /chat/WORKSPACE/events).") {
            Double(webChatStreams.open)
        }
        services += pipeline.services
        Self.addHealthRoutes(&router, readiness: readiness, identity: store as? any StoreHostInfo)
        services.append(mediaDownloads)
        services.append(retention)
        metrics.computedGauge("switchboard_media_downloads", help: "Media downloads for agents running or waiting.") {
            Double(mediaDownloads.inFlight)
        }
        let pages = WebPages()
        let webChat = pipeline.webChat
        let live = pipeline.live
        pages.addRoutes(to: &router, hasChat: { webChat.hasChat($0) },
                        chatLanguage: { live.snapshot.configs[$0]?.chatLanguage })
        pages.addInviteRoutes(to: &router)
        pages.addAdminRoutes(to: &router)
        pages.addSetupRoutes(to: &router)

        let server = config.host.server
        let http = HTTPServer(
            configuration: HTTPServerConfiguration(
                listen: server.listen.description,
                // A webhook's thread waits for its commit (a few ms with fsync): enough
                // threads that waiting requests do not queue behind each other.
                threadPoolSize: 16,
                maxBodySize: server.maxBodyBytes,
                connectionLimit: server.maxConnections,
                connectionTimeoutSeconds: server.idleTimeoutSeconds,
                perAddressConnectionLimit: server.maxConnectionsPerAddress,
                eventStreams: EventStreamPolicy(heartbeat: .seconds(server.streamHeartbeatSeconds),
                                                maxLifetime: .seconds(server.streamMaxSeconds),
                                                maxBufferedBytes: server.streamBufferBytes)),
            router: router, metrics: metrics, logger: logger)
        // /metrics names every workspace with its traffic: it has its own listener
        // (loopback by default), never the public one.
        if let metricsListen = server.metricsListen {
            var metricsRouter = HTTPRouter()
            Self.addMetricsRoute(&metricsRouter, metrics: metrics, token: server.metricsToken)
            let metricsServer = HTTPServer(
                configuration: HTTPServerConfiguration(listen: metricsListen.description, threadPoolSize: 1,
                                                       maxBodySize: 0, connectionLimit: 64, name: "metrics"),
                router: metricsRouter, metrics: MetricsRegistry(), logger: logger)
            services.append(HTTPService(server: metricsServer, auxiliaryLogger: logger))
        }
        serverRef.withLock { $0 = http }
        services.append(HTTPService(server: http))
        self.router = router
        self.services = services
        registerHostMetrics()
    }

    /// `heartbeat`: on PostgreSQL, whether this store beats as a host (`serve`; not the
    /// other commands, see `StoreOptions.heartbeat`).
    static func openStore(_ host: HostConfig, logger: Logger?, heartbeat: Bool = false) throws -> any Store {
        switch host.storage {
        case .sqlite(let path, let durability):
            do {
                var options = StoreOptions()
                options.logger = logger
                options.migrate = host.migrateOnStart
                options.durability = StoreOptions.Durability(rawValue: durability) ?? .full
                return try SQLiteStore(path: path, options: options)
            } catch {
                throw StartupError(description: "storage: \(error.description)")
            }
        case .postgres(let url, let poolSize):
            // One host on PostgreSQL (issue 15). Several hosts on one database need the
            // store's leases and shared limits first: not supported yet.
            do {
                var options = StoreOptions()
                options.logger = logger
                options.migrate = host.migrateOnStart
                options.heartbeat = heartbeat
                options.heartbeatInterval = .seconds(host.heartbeatSeconds)
                options.heartbeatTimeout = .seconds(host.hostLeaseSeconds)
                return try PostgresStore(url: url, setting: "storage.postgres", poolSize: poolSize, options: options)
            } catch {
                throw StartupError(description: "\(host.file): \(error.message)")
            }
        }
    }

    static func definition(_ w: WorkspaceConfig) -> WorkspaceDefinition {
        WorkspaceDefinition(id: w.id, name: w.name, region: w.region, timezone: w.timeZone.identifier,
                            configHash: configHash(w))
    }

    /// A stable fingerprint of a workspace's file (FNV-1a, 64 bits): a changed file shows
    /// as `updated` in the sync report and journal.
    static func configHash(_ w: WorkspaceConfig) -> String {
        let bytes = FileManager.default.contents(atPath: w.file) ?? Data("\(w.id)|\(w.name)|\(w.region)".utf8)
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }

    /// Every channel of the running config with its state, for operators: WhatsApp
    /// channels as their senders see them; web chats are always `connected` (they have no
    /// connection of their own).
    static func channelHealth(_ config: LoadedConfig, senders: (ChannelID) -> ChannelSender?) -> [[String: Any]] {
        config.host.channels.sorted { $0.id.rawValue < $1.id.rawValue }.map { c in
            let state: String
            if c.type == .webchat {
                state = "connected"
            } else if let sender = senders(c.id) {
                state = sender.state.rawValue
            } else {
                state = "starts_on_restart"
            }
            return ["id": c.id.rawValue, "type": c.type.rawValue, "state": state,
                    "workspace": c.workspace?.rawValue ?? NSNull(), "fallback_workspace": c.fallbackWorkspace?.rawValue ?? NSNull()]
        }
    }

    /// Tells every plugin instance to stop (after the services stopped).
    func shutdownPlugins() {
        for leased in pipeline.live.snapshot.responders.values { leased.retire() }
    }

    /// The retention sweep of every workspace with `retention_days`.
    let retention: RetentionSweeper

    static func retentionDays(_ config: LoadedConfig) -> [WorkspaceID: Double] {
        var out: [WorkspaceID: Double] = [:]
        for w in config.workspaces { if let days = w.retentionDays { out[w.id] = days } }
        return out
    }

    func setReady(_ value: Bool) { readiness.ready.store(value, ordering: .relaxed) }

    /// For the systemd watchdog: nil while the host is ready and its store answers a read;
    /// otherwise why not (logged by the watchdog, which then stops petting).
    func healthProblem() -> String? {
        guard readiness.ready.load(ordering: .relaxed) else { return "not ready" }
        do {
            _ = try store.workspaces()
            return nil
        } catch {
            return "the store does not answer: \(error)"
        }
    }

    private func registerHostMetrics() {
        let info = metrics.gauge("switchboard_build_info", help: "Build information; always 1.", labelNames: ["version"])
        info.labels(SwitchboardCLI.version).set(1)
        let start = started
        metrics.computedGauge("switchboard_uptime_seconds", help: "Seconds since the host started.") {
            let d = ContinuousClock.now - start
            return d.inSeconds
        }
        if let identity = store as? any StoreHostInfo {
            metrics.gauge("switchboard_host_info", help: "This host's id and store backend; always 1.", labelNames: ["host", "store"])
                .labels(identity.hostID, identity.backendName).set(1)
            if identity.backendName == "postgres" {
                metrics.computedGauge("switchboard_store_live_hosts",
                                      help: "Hosts whose heartbeat on the shared database is within the threshold (PostgreSQL); -1 when the database cannot be read.") {
                    Double(((try? identity.liveHosts()) ?? nil)?.count ?? -1)
                }
            }
        }
        // Group commit's figures, from a store that has them (SQLite's writer).
        guard let store = self.store as? any StoreStatistics else { return }
        metrics.computedCounter("switchboard_store_commits_total",
                                help: "Commits of the store's writer (each one fsync with durability full).") {
            Double(store.writeStatistics.commits)
        }
        metrics.computedCounter("switchboard_store_writes_total",
                                help: "Writes (transactions and single store calls) those commits carried.") {
            Double(store.writeStatistics.writes)
        }
    }

    /// `/healthz`: the process answers (liveness). `/readyz`: 200 once storage is open,
    /// migrated and every service started; 503 before that and while shutting down.
    /// Both answer with this host's id and store backend on the next lines (`host: ID`,
    /// `store: postgres`), so that behind a load balancer the answering host is known.
    static func addHealthRoutes(_ router: inout HTTPRouter, readiness: Readiness, identity: (any StoreHostInfo)? = nil) {
        let about = identity.map { "host: \($0.hostID)\nstore: \($0.backendName)\n" } ?? ""
        router.get("/healthz") { _ in .text("ok\n" + about) }
        router.get("/readyz") { _ in
            readiness.ready.load(ordering: .relaxed) ? .text("ready\n" + about) : .text("not ready\n" + about, status: 503)
        }
    }

    /// `/metrics` (Prometheus text exposition), on the metrics listener only. With a
    /// token, a request without `Authorization: Bearer TOKEN` gets 401 (compared in
    /// constant time).
    static func addMetricsRoute(_ router: inout HTTPRouter, metrics: MetricsRegistry, token: String?) {
        router.get("/metrics") { request in
            if let token {
                let given = request.headers["Authorization"] ?? ""
                guard Secrets.constantTimeEqual(given, "Bearer \(token)") else {
                    return .error(401, "metrics need Authorization: Bearer TOKEN (server.metrics_token)",
                                  headers: ["WWW-Authenticate": "Bearer"])
                }
            }
            return .metrics(metrics)
        }
    }
}

/// Whether the host serves traffic: set once every service started, cleared at shutdown.
final class Readiness: Sendable {
    let ready = Atomic<Bool>(false)
}
