/// The host config, `config/switchboard.yaml`: server, storage, logging, plugin folders,
/// where workspace files live, WhatsApp apps and channels. See `ConfigSchema` for every key.
public struct HostConfig: Sendable {
    public struct Server: Sendable {
        public var listen: ListenAddress
        public var maxBodyBytes: Int
        /// Peers whose `X-Forwarded-For` is believed (`server.trusted_proxies`).
        public var trustedProxies: [IPAddressRange] = []
        public var maxConnections: Int = 1024
        /// 0: no limit.
        public var maxConnectionsPerAddress: Int = 0
        public var idleTimeoutSeconds: Int = 30
        public var streamHeartbeatSeconds: Int = 15
        public var streamMaxSeconds: Int = 3600
        public var streamBufferBytes: Int = 1 << 20
        /// The metrics listener; nil when `metrics_listen: off`.
        public var metricsListen: ListenAddress?
        /// The bearer token `/metrics` requires, if any.
        public var metricsToken: String?
    }

    /// Limits of the web chat's public event streams.
    public struct WebChat: Sendable, Equatable {
        public var maxStreams: Int = 512
        public var maxStreamsPerAddress: Int = 32
        public var maxStreamsPerVisitor: Int = 4
        public init() {}
    }

    public enum Storage: Sendable, Equatable {
        /// A SQLite file; a relative path is relative to the current working directory.
        case sqlite(path: String, durability: String = "full")
        /// PostgreSQL at `url`, with at most `poolSize` connections from this host.
        case postgres(url: String, poolSize: Int = 8)
    }

    public enum LogLevel: String, Sendable, CaseIterable {
        case debug, info, warn, error
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case json, text
    }

    public struct Log: Sendable {
        public var level: LogLevel
        public var format: LogFormat
        /// A file to append to; nil means stderr.
        public var file: String?
    }

    /// Retry, backoff and circuit-breaker settings of the channel senders.
    public struct Outbox: Sendable, Equatable {
        public var retryBaseMilliseconds: Int
        public var retryCapMilliseconds: Int
        public var maxAttempts: Int
        public var breakerFailures: Int
        public var breakerCooldownMilliseconds: Int
        public var pairSpacingMilliseconds: Int
        /// How long a claim holds an outbox entry in `sending` (see `QueueStore.claimOutbox`).
        public var leaseMilliseconds: Int = 300_000
    }

    /// Media downloads for agents (`media`).
    public struct Media: Sendable, Equatable {
        public var downloads = 8
        public var downloadsPerWorkspace = 4
        public var maxBytes = 16 << 20
        /// The media store's folder (`media.dir`); nil: `media` beside the database.
        public var dir: String?
        /// Largest inbound file the media store downloads on arrival.
        public var storeMaxBytes = 100 << 20
        /// Whether inbound media is downloaded into the media store on arrival.
        public var keepInbound = true
        /// Largest file an agent may upload (`media.max_upload_bytes`): the body limit of the
        /// upload routes, which the rest of the API does not share.
        public var maxUploadBytes = 100 << 20
        public init(downloads: Int = 8, downloadsPerWorkspace: Int = 4, maxBytes: Int = 16 << 20,
                    dir: String? = nil, storeMaxBytes: Int = 100 << 20) {
            self.downloads = downloads
            self.downloadsPerWorkspace = downloadsPerWorkspace
            self.maxBytes = maxBytes
            self.dir = dir
            self.storeMaxBytes = storeMaxBytes
        }
    }

    /// The config file this was read from, as the caller named it.
    public var file: String
    public var server: Server
    public var storage: Storage
    public var log: Log
    /// Folders searched, in order, for plugins.
    public var pluginPaths: [String]
    /// Folder of workspace files, as written (relative to the working directory).
    public var workspacesDirectory: String
    public var whatsAppApps: [WhatsAppAppConfig]
    /// `whatsapp_web.workspace_gateways`: the gateways a workspace's own whatsapp_web
    /// channels may use (base URLs, compared without a trailing `/`).
    public var workspaceGateways: [String] = []
    public var channels: [ChannelConfig]
    public var outbox: Outbox
    public var webChat = WebChat()
    public var media = Media()
    /// `storage.migrate_on_start`: whether `serve` applies pending schema migrations
    /// (otherwise it refuses to start while any are pending).
    public var migrateOnStart = true
    /// `storage.heartbeat_seconds`: PostgreSQL, how often a host beats and renews its
    /// leases. `storage.host_lease_seconds`: how old a heartbeat (or a lease not renewed)
    /// may be before another host takes the work. Always more than the heartbeat.
    public var heartbeatSeconds = 5
    public var hostLeaseSeconds = 15
}

extension HostConfig {
    /// Whether a workspace's own WhatsApp Web channel may use the gateway at `baseURL`.
    public func allowsWorkspaceGateway(_ baseURL: String) -> Bool {
        let wanted = Self.gatewayKey(baseURL)
        return workspaceGateways.contains { Self.gatewayKey($0) == wanted }
    }

    static func gatewayKey(_ url: String) -> String {
        var u = url.trimmingCharacters(in: .whitespaces)
        while u.hasSuffix("/") { u.removeLast() }
        return u.lowercased()
    }
}
