import Foundation
import SwitchboardCore

/// One load: the files read so far, their parsed values (with nodes, for cross-file
/// errors) and the diagnostics collected. `ConfigLoader` drives it.
final class Loader {
    struct HostParse {
        var config: HostConfig
        var values: ConfigValues
        var apps: [ConfigValues]
        var channels: [ConfigValues]
    }

    struct WorkspaceParse {
        var config: WorkspaceConfig
        var values: ConfigValues
        /// Normalised senders with the node each was written at.
        var senders: [(e164: String, node: YAMLNode)]
        /// The file's `channels:` entries, parsed (their configs are `config.channels`).
        var channels: [ConfigValues] = []
    }

    let diagnostics = DiagnosticCollector()
    let environment: [String: String]
    let senderNormalizer: ConfigLoader.SenderNormalizer
    let parser: SectionParser
    private(set) var workspaces: [WorkspaceParse] = []
    /// Ids of every workspace file read, even those with errors (their id, or the file's
    /// base name), so that one broken file does not make every channel's reference fail.
    private(set) var knownWorkspaceIDs: [String] = []
    /// False when the workspaces folder could not be read: channels' references to
    /// workspaces are then not checked (the folder's error says enough).
    private(set) var workspacesKnown = true

    init(environment: [String: String], regionValidator: @escaping ConfigLoader.RegionValidator,
         senderNormalizer: @escaping ConfigLoader.SenderNormalizer) {
        self.environment = environment
        self.senderNormalizer = senderNormalizer
        self.parser = SectionParser(diagnostics: diagnostics, regionValidator: regionValidator)
    }

    /// The folder relative paths are read from (the process's working directory).
    var workingDirectory = FileManager.default.currentDirectoryPath

    /// A plugin's settings as JSON: `config`, joined with the mapping of `config_file`
    /// when there is one. Problems in the file are reported at their line and column in
    /// it; a missing file, one that is not a mapping, or a key set in both places, at the
    /// `config_file` value.
    private func pluginConfigJSON(_ p: ConfigValues) -> String {
        let inline = p.json("config") ?? "{}"
        guard let path = p.text("config_file") else { return inline }
        let at = p.node("config_file")
        let full = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
            diagnostics.error("plugin config file '\(path)' cannot be read (missing, a folder, not UTF-8 text?)", at: at)
            return inline
        }
        let root: YAMLNode
        do {
            root = Interpolation.apply(to: try YAMLReader.parse(text, file: path), environment: environment, diagnostics: diagnostics)
        } catch {
            diagnostics.add(error)
            return inline
        }
        guard case .mapping = root.kind else {
            diagnostics.error("plugin config file '\(path)' must hold a mapping of settings", at: at)
            return inline
        }
        switch root.jsonText() {
        case .failure(let problem):
            diagnostics.add(problem)
            return inline
        case .success(let fileJSON):
            guard var merged = (try? JSONSerialization.jsonObject(with: Data(inline.utf8))) as? [String: Any],
                  let extra = (try? JSONSerialization.jsonObject(with: Data(fileJSON.utf8))) as? [String: Any] else { return inline }
            for (key, value) in extra {
                if merged[key] != nil {
                    diagnostics.error("'\(key)' is set both in config and in config_file '\(path)'", at: at)
                }
                merged[key] = value
            }
            guard let out = try? JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys, .withoutEscapingSlashes]) else { return inline }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Reads a YAML file into a tree with `${VAR}` expanded; nil when it is not YAML.
    private func tree(text: String, file: String) -> YAMLNode? {
        diagnostics.begin(file: file)
        do {
            let node = try YAMLReader.parse(text, file: file)
            return Interpolation.apply(to: node, environment: environment, diagnostics: diagnostics)
        } catch {
            diagnostics.add(error)
            return nil
        }
    }

    /// An empty mapping at `node`, parsed against `section`: the defaults, for a section
    /// that was not a mapping (its error is already reported).
    private func defaults(_ section: ConfigSection, at node: YAMLNode) -> ConfigValues {
        let quiet = SectionParser(diagnostics: DiagnosticCollector(), regionValidator: parser.regionValidator)
        return quiet.parse(section, YAMLNode(.mapping([]), file: node.file, line: node.line, column: node.column))
    }

    // MARK: host

    func host(text: String, file: String) -> HostParse? {
        guard let root = tree(text: text, file: file) else { return nil }
        let values = parser.parse(ConfigSchema.host, root)
        func section(_ key: String, _ schema: ConfigSection) -> ConfigValues {
            values.section(key) ?? defaults(schema, at: values.node(key))
        }

        let server = section("server", ConfigSchema.server)
        let listen = server.listen("listen") ?? ListenAddress(host: "127.0.0.1", port: 8080, isLoopback: true)
        if server.isSet("listen"), !listen.isLoopback {
            diagnostics.warning("listening on \(listen) makes the server reachable from the network; unless that is meant, use 127.0.0.1 and put a TLS proxy in front", at: server.node("listen"))
        }
        let metricsListen = server.listen("metrics_listen")
        let metricsToken = server.text("metrics_token")
        if let m = metricsListen, !m.isLoopback, metricsToken == nil {
            diagnostics.warning("metrics_listen \(m) shows every workspace's traffic to the network; set metrics_token or listen on 127.0.0.1", at: server.node("metrics_listen"))
        }
        if let m = metricsListen, m.port != 0, m.port == listen.port, m.host == listen.host {
            diagnostics.error("metrics_listen must differ from listen (\(listen)); or set it to off", at: server.node("metrics_listen"))
        }
        var serverConfig = HostConfig.Server(listen: listen, maxBodyBytes: server.integer("max_body_bytes") ?? 1_048_576)
        serverConfig.maxConnections = server.integer("max_connections") ?? 1024
        serverConfig.maxConnectionsPerAddress = server.integer("max_connections_per_address") ?? (listen.isLoopback ? 0 : 64)
        serverConfig.idleTimeoutSeconds = server.integer("idle_timeout_seconds") ?? 30
        serverConfig.streamHeartbeatSeconds = server.integer("stream_heartbeat_seconds") ?? 15
        serverConfig.streamMaxSeconds = server.integer("stream_max_seconds") ?? 3600
        serverConfig.streamBufferBytes = server.integer("stream_buffer_bytes") ?? 1 << 20
        serverConfig.metricsListen = metricsListen
        serverConfig.metricsToken = metricsToken
        serverConfig.trustedProxies = server.addressRanges("trusted_proxies")

        let webChatValues = section("webchat", ConfigSchema.webChat)
        var webChat = HostConfig.WebChat()
        webChat.maxStreams = webChatValues.integer("max_streams") ?? 512
        webChat.maxStreamsPerAddress = webChatValues.integer("max_streams_per_address") ?? 32
        webChat.maxStreamsPerVisitor = webChatValues.integer("max_streams_per_visitor") ?? 4

        let storageValues = section("storage", ConfigSchema.storage)
        let storage: HostConfig.Storage
        if let url = storageValues.text("postgres") {
            if storageValues.isSet("sqlite") {
                diagnostics.error("set either 'sqlite' or 'postgres' in 'storage', not both", at: storageValues.node)
            }
            storage = .postgres(url: url, poolSize: storageValues.integer("postgres_pool_size") ?? 8)
        } else {
            storage = .sqlite(path: storageValues.text("sqlite") ?? "data/switchboard.db",
                              durability: storageValues.text("durability") ?? "full")
        }

        let logValues = section("log", ConfigSchema.log)
        let log = HostConfig.Log(
            level: logValues.text("level").flatMap(HostConfig.LogLevel.init(rawValue:)) ?? .info,
            format: logValues.text("format").flatMap(HostConfig.LogFormat.init(rawValue:)) ?? .json,
            file: logValues.text("file"))

        let whatsApp = section("whatsapp", ConfigSchema.whatsApp)
        let appValues = whatsApp.sections("apps")
        let apps = appValues.map { app -> WhatsAppAppConfig in
            let graph = app.text("graph_url") ?? "https://graph.facebook.com/v21.0"
            if app.isSet("graph_url"), let url = URLComponents(string: graph), url.scheme == "http",
               let h = url.host, !ListenAddress.isLoopbackHost(h.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) {
                diagnostics.warning("graph_url '\(graph)' is plain http to another machine: access tokens would travel unencrypted", at: app.node("graph_url"))
            }
            return WhatsAppAppConfig(id: app.text("id") ?? "", appSecret: app.text("app_secret") ?? "",
                                     verifyToken: app.text("verify_token") ?? "", graphURL: graph)
        }

        let channelValues = values.sections("channels")
        let channels = channelValues.map { channel($0) }

        if !listen.isLoopback {
            refuseDemoSecrets(listen: listen, [("whatsapp.apps[]", appValues, ["app_secret", "verify_token"]),
                                               ("channels[]", channelValues, ["access_token", "bot_token", "secret_token", "api_key", "webhook_secret"])])
        }

        let outboxValues = section("outbox", ConfigSchema.outbox)
        let outbox = HostConfig.Outbox(
            retryBaseMilliseconds: outboxValues.integer("retry_base_ms") ?? 1000,
            retryCapMilliseconds: outboxValues.integer("retry_cap_ms") ?? 300_000,
            maxAttempts: outboxValues.integer("max_attempts") ?? 20,
            breakerFailures: outboxValues.integer("breaker_failures") ?? 5,
            breakerCooldownMilliseconds: outboxValues.integer("breaker_cooldown_ms") ?? 30_000,
            pairSpacingMilliseconds: outboxValues.integer("pair_spacing_ms") ?? 1000,
            leaseMilliseconds: outboxValues.integer("lease_ms") ?? 300_000)
        let mediaValues = section("media", ConfigSchema.media)
        var media = HostConfig.Media(downloads: mediaValues.integer("downloads") ?? 8,
                                     downloadsPerWorkspace: mediaValues.integer("downloads_per_workspace") ?? 4,
                                     maxBytes: mediaValues.integer("max_bytes") ?? 16 << 20,
                                     dir: mediaValues.text("dir"),
                                     storeMaxBytes: mediaValues.integer("store_max_bytes") ?? 100 << 20)
        media.keepInbound = mediaValues.boolean("keep_inbound") ?? true
        media.maxUploadBytes = mediaValues.integer("max_upload_bytes") ?? 100 << 20
        var config = HostConfig(
            file: file,
            server: serverConfig,
            storage: storage,
            log: log,
            pluginPaths: section("plugins", ConfigSchema.plugins).textList("path").map(\.text),
            workspacesDirectory: section("workspaces", ConfigSchema.workspaces).text("dir") ?? "config/workspaces",
            whatsAppApps: apps,
            channels: channels,
            outbox: outbox,
            webChat: webChat,
            media: media,
            migrateOnStart: storageValues.boolean("migrate_on_start") ?? true)
        config.workspaceGateways = section("whatsapp_web", ConfigSchema.whatsAppWeb).textList("workspace_gateways").map(\.text)
        config.heartbeatSeconds = storageValues.integer("heartbeat_seconds") ?? 5
        config.hostLeaseSeconds = storageValues.integer("host_lease_seconds") ?? 15
        hostLiveness(config, storageValues)
        return HostParse(config: config, values: values, apps: appValues, channels: channelValues)
    }

    /// `storage.host_lease_seconds` must exceed `heartbeat_seconds`: a host renews its
    /// leases at each beat, so a lease no longer than a beat runs out between two.
    private func hostLiveness(_ config: HostConfig, _ storage: ConfigValues) {
        let beat = config.heartbeatSeconds, lease = config.hostLeaseSeconds
        let keys = ["heartbeat_seconds", "host_lease_seconds"]
        // Only what was written, and only once both are valid (a bad one has its error).
        guard keys.contains(where: storage.isSet),
              !keys.contains(where: { storage.keyNodes[$0] != nil && !storage.isSet($0) }) else { return }
        let at = storage.isSet("host_lease_seconds") ? storage.node("host_lease_seconds") : storage.node("heartbeat_seconds")
        if lease <= beat {
            diagnostics.error("'host_lease_seconds' (\(lease)) must be more than 'heartbeat_seconds' (\(beat)): a host renews its leases once a beat, so a lease no longer than a beat runs out between two and the hosts take each other's work", at: at)
        } else if lease < 2 * beat {
            diagnostics.warning("'host_lease_seconds' (\(lease)) is less than two heartbeats (\(beat) s each): one late beat makes a live host count as dead and lose its work; 3 beats is the default", at: at)
        }
    }

    /// The demo's secrets on an address reachable from the network: an error per key.
    private func refuseDemoSecrets(listen: ListenAddress, _ groups: [(path: String, sections: [ConfigValues], keys: [String])]) {
        for (path, sections, keys) in groups {
            for values in sections {
                for key in keys {
                    guard let value = values.text(key), ConfigSchema.demoSecrets.contains(value) else { continue }
                    diagnostics.error("'\(path).\(key)' is the demo secret '\(value)' and server.listen \(listen) is reachable from the network: set a real secret (the config's ${VAR}) or listen on 127.0.0.1", at: values.node(key))
                }
            }
        }
    }

    /// `owner`: the workspace whose file defines the channel (its `workspace` is implied).
    private func channel(_ v: ConfigValues, owner: String? = nil) -> ChannelConfig {
        let kind = v.text("type").flatMap(ChannelConfig.Kind.init(rawValue:))
        let whatsAppKeys = ["app", "phone_number_id", "access_token"]
        if let kind, kind != .whatsapp, let keyNode = v.keyNodes["waba_id"] {
            diagnostics.error("'waba_id' applies only to whatsapp channels", at: keyNode)
        }
        let telegramKeys = ["bot_token", "secret_token", "mode", "api_url", "webhook_url"]
        if kind != .telegram {
            // webhook_url serves whatsapp_web channels too.
            for key in telegramKeys where !(key == "webhook_url" && kind == .whatsappWeb) {
                if let keyNode = v.keyNodes[key] { diagnostics.error("'\(key)' applies only to telegram channels", at: keyNode) }
            }
        }
        let telegramMode = v.text("mode").flatMap(ChannelConfig.TelegramMode.init(rawValue:)) ?? .webhook
        switch kind {
        case .whatsapp:
            for key in whatsAppKeys where v.keyNodes[key] == nil {
                diagnostics.error("missing required key '\(key)' in 'channels[]' (whatsapp channels need it)", at: v.node)
            }
        case .telegram:
            for key in whatsAppKeys {
                if let keyNode = v.keyNodes[key] { diagnostics.error("'\(key)' applies only to whatsapp channels", at: keyNode) }
            }
            if v.keyNodes["bot_token"] == nil {
                diagnostics.error("missing required key 'bot_token' in 'channels[]' (telegram channels need it)", at: v.node)
            }
            if telegramMode == .webhook, v.keyNodes["secret_token"] == nil {
                diagnostics.error("missing required key 'secret_token' in 'channels[]' (telegram channels in webhook mode need it: Telegram sends it with every update, and requests without it are refused)", at: v.node)
            }
            if let token = v.text("bot_token"), !Self.isTelegramBotToken(token) {
                diagnostics.error("'bot_token' must be a bot token as @BotFather gives it: the bot's id, a colon, then A-Z a-z 0-9 _ - (123456789:AAE...)", at: v.keyNodes["bot_token"] ?? v.node)
            }
            if let token = v.text("secret_token"), !Self.isTelegramSecret(token) {
                diagnostics.error("'secret_token' must be 1 to 256 of A-Z a-z 0-9 _ - (what Telegram accepts)", at: v.keyNodes["secret_token"] ?? v.node)
            }
            if telegramMode == .polling, let keyNode = v.keyNodes["webhook_url"] {
                diagnostics.error("'webhook_url' has no use in polling mode", at: keyNode)
            }
        case .webchat:
            for key in whatsAppKeys {
                if let keyNode = v.keyNodes[key] {
                    diagnostics.error("'\(key)' applies only to whatsapp channels", at: keyNode)
                }
            }
            if v.keyNodes["workspace"] == nil, owner == nil {
                diagnostics.error("missing required key 'workspace' in 'channels[]' (webchat channels need it)", at: v.node)
            }
        case .whatsappWeb:
            for key in whatsAppKeys {
                if let keyNode = v.keyNodes[key] {
                    diagnostics.error("'\(key)' applies only to whatsapp channels", at: keyNode)
                }
            }
        case nil:
            break
        }
        let evolution = evolutionSettings(v, kind: kind)
        if let w = v.text("workspace"), v.isSet("fallback_workspace") {
            diagnostics.warning("'fallback_workspace' has no effect: the channel belongs to workspace '\(w)'", at: v.keyNodes["fallback_workspace"] ?? v.node)
        }
        var probe = v.integer("probe_interval_seconds") ?? 300
        if let keyNode = v.keyNodes["probe_interval_seconds"], kind != .whatsapp, kind != .telegram {
            diagnostics.error("'probe_interval_seconds' applies only to whatsapp and telegram channels", at: keyNode)
        }
        if kind != .whatsapp && kind != .telegram { probe = 0 }
        var channel = ChannelConfig(
            id: ChannelID(v.text("id") ?? ""),
            type: kind ?? .whatsapp,
            app: v.text("app"),
            phoneNumberID: v.text("phone_number_id"),
            accessToken: v.text("access_token"),
            workspace: v.text("workspace").map { WorkspaceID($0) },
            fallbackWorkspace: v.text("fallback_workspace").map { WorkspaceID($0) },
            rateLimit: v.number("rate_limit") ?? 80,
            wabaID: v.text("waba_id"))
        channel.probeIntervalSeconds = probe > 0 ? probe : nil
        if kind == .telegram {
            channel.botToken = v.text("bot_token")
            channel.secretToken = v.text("secret_token")
            channel.telegramMode = telegramMode
            channel.apiURL = v.text("api_url") ?? channel.apiURL
            channel.webhookURL = v.text("webhook_url")
        }
        channel.evolution = evolution
        return channel
    }

    /// What @BotFather gives as a bot's token: the bot's id (digits), a colon, the secret.
    static func isTelegramBotToken(_ s: String) -> Bool {
        let parts = s.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 20, !parts[1].isEmpty,
              parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return parts[1].utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    /// What Telegram accepts as a webhook's secret_token.
    static func isTelegramSecret(_ s: String) -> Bool {
        (1...256).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    // MARK: workspaces

    /// Reads every `*.yaml` / `*.yml` of the host's `workspaces.dir`, in name order.
    func loadWorkspaceFolder(_ host: HostParse, workingDirectory cwd: String) {
        let dir = host.config.workspacesDirectory
        let dirNode = (host.values.section("workspaces")?.node("dir")) ?? host.values.node("workspaces")
        let full = dir.hasPrefix("/") ? dir : cwd + "/" + dir
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue else {
            let relative = dir.hasPrefix("/") ? "" : " (relative to the working directory)"
            diagnostics.error("workspaces folder '\(dir)' does not exist\(relative)", at: dirNode)
            workspacesKnown = false
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: full)
                .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                .sorted()
        } catch {
            diagnostics.error("cannot list workspaces folder '\(dir)': \(error.localizedDescription)", at: dirNode)
            workspacesKnown = false
            return
        }
        if names.isEmpty {
            diagnostics.warning("no workspace files (*.yaml) in '\(dir)'", at: dirNode)
        }
        let shown = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        for name in names {
            let file = shown + "/" + name
            if let text = ConfigLoader.readFile(full + "/" + name, relativeTo: cwd, diagnostics: diagnostics) {
                workspace(text: text, file: file)
            }
        }
    }

    static func baseName(_ file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        for ext in [".yaml", ".yml"] where name.hasSuffix(ext) { return String(name.dropLast(ext.count)) }
        return name
    }

    @discardableResult
    func workspace(text: String, file: String) -> WorkspaceParse? {
        let base = Loader.baseName(file)
        guard let root = tree(text: text, file: file) else {
            knownWorkspaceIDs.append(base)
            return nil
        }
        let v = parser.parse(ConfigSchema.workspace, root)
        let id = v.text("id") ?? base
        knownWorkspaceIDs.append(id)
        if let written = v.text("id"), written != base {
            diagnostics.error("workspace id '\(written)' does not match the file name '\(file.split(separator: "/").last ?? "")'; name the file '\(written).yaml' or change the id", at: v.node("id"))
        }
        let region = v.text("region")
        var senders: [(e164: String, node: YAMLNode)] = []
        for (raw, node) in v.textList("senders") {
            guard let region else { break } // the region's own error is reported
            switch senderNormalizer(raw, region) {
            case .success(let e164):
                if let first = senders.first(where: { $0.e164 == e164 }) {
                    diagnostics.warning("sender '\(e164)' is listed twice (first at line \(first.node.line), column \(first.node.column))", at: node)
                } else {
                    senders.append((e164, node))
                }
            case .failure(let error):
                let why = (error as? ConfigProblem)?.message ?? String(describing: error)
                diagnostics.error("invalid sender '\(raw)': \(why)", at: node)
            }
        }
        let plugins = v.sections("plugins").map { p in
            PluginConfig(name: p.text("name") ?? "", file: p.text("file"),
                         deadlineMilliseconds: p.integer("deadline_ms") ?? 2000,
                         configJSON: pluginConfigJSON(p))
        }
        let config = WorkspaceConfig(
            id: WorkspaceID(id),
            name: v.text("name") ?? "",
            region: region ?? "",
            timeZone: v.text("timezone").flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!,
            rawSenders: v.textList("senders").map(\.text),
            senders: senders.map(\.e164),
            fallback: v.text("fallback"),
            markRead: v.boolean("mark_read") ?? false,
            debounceMilliseconds: v.integer("debounce_ms") ?? 0,
            retentionDays: v.number("retention_days"),
            mediaRetentionDays: v.integer("media_retention_days"),
            plugins: plugins,
            file: file)
        var withLanguage = config
        withLanguage.chatLanguage = v.text("chat_language")
        let channelValues = v.sections("channels")
        withLanguage.channels = channelValues.map { ownChannel($0, workspace: id) }
        let parse = WorkspaceParse(config: withLanguage, values: v, senders: senders, channels: channelValues)
        workspaces.append(parse)
        return parse
    }

    /// A channel of a workspace's own file: routed to that workspace, never shared.
    private func ownChannel(_ v: ConfigValues, workspace id: String) -> ChannelConfig {
        if v.isSet("workspace"), let w = v.text("workspace"), w != id {
            diagnostics.error("a workspace file defines only its own channels: 'workspace' must be '\(id)' or left out (a channel of another workspace goes in that workspace's file or the host config)", at: v.node("workspace"))
        }
        if let keyNode = v.keyNodes["fallback_workspace"] {
            diagnostics.error("'fallback_workspace' is for shared channels, which only the host config defines", at: keyNode)
        }
        var c = channel(v, owner: id)
        c.workspace = WorkspaceID(id)
        c.fallbackWorkspace = nil
        c.definedBy = WorkspaceID(id)
        return c
    }

    // MARK: checks across files

    func finish(_ host: HostParse) throws(ConfigError) -> LoadedConfig {
        // Workspaces' own channels join the host's: checked together (ids, numbers, apps),
        // run and reloaded as one list.
        var host = host
        host.config.channels += workspaces.flatMap(\.config.channels)
        host.channels += workspaces.flatMap(\.channels)
        if !host.config.server.listen.isLoopback {
            refuseDemoSecrets(listen: host.config.server.listen,
                              [("channels[]", workspaces.flatMap(\.channels), ["access_token", "bot_token", "secret_token", "api_key", "webhook_secret"])])
        }
        crossCheck(host)
        let sorted = diagnostics.sorted()
        if diagnostics.hasErrors { throw ConfigError(sorted) }
        var secrets: [String] = []
        var postgresPassword: [String] = []
        if case .postgres(let url, _) = host.config.storage, let password = URLComponents(string: url)?.password {
            postgresPassword = [password]
        }
        let gatewaySecrets: [String] = host.config.channels.compactMap(\.evolution).flatMap { [$0.apiKey, $0.webhookSecret] }
        for s in host.config.whatsAppApps.flatMap({ [$0.appSecret, $0.verifyToken] })
            + host.config.channels.compactMap(\.accessToken) + host.config.channels.compactMap(\.botToken)
            + host.config.channels.compactMap(\.secretToken) + postgresPassword + gatewaySecrets
            + [host.config.server.metricsToken].compactMap({ $0 }) where !s.isEmpty && !secrets.contains(s) {
            secrets.append(s)
        }
        return LoadedConfig(host: host.config, workspaces: workspaces.map(\.config), warnings: sorted, secrets: secrets)
    }

    /// Reports the second of two equal values of `key` among `sections`.
    private func duplicates(_ sections: [ConfigValues], _ key: String, _ what: String) {
        var seen: [String: YAMLNode] = [:]
        for s in sections {
            guard let value = s.text(key), s.isSet(key) else { continue }
            let node = s.node(key)
            if let first = seen[value] {
                diagnostics.error("duplicate \(what) '\(value)' (first defined at \(where_(first, from: node)))", at: node)
            } else {
                seen[value] = node
            }
        }
    }

    /// "line 3, column 5" in the same file, or "FILE:3:5" in another.
    private func where_(_ node: YAMLNode, from other: YAMLNode) -> String {
        node.file == other.file ? "line \(node.line), column \(node.column)" : node.location
    }

    private func crossCheck(_ host: HostParse) {
        duplicates(host.apps, "id", "app id")
        duplicates(host.channels, "id", "channel id")
        duplicates(host.channels.filter { $0.text("type") == "whatsapp" }, "phone_number_id", "phone_number_id")
        duplicates(workspaces.map(\.values), "id", "workspace id")

        // A workspace's own WhatsApp Web session only on a gateway the operator lists: the
        // host calls that URL (probes, webhook set-up), so a workspace admin must not
        // choose it freely.
        for c in workspaces.flatMap(\.channels) where c.text("type") == "whatsapp_web" {
            guard let base = c.text("base_url"), !host.config.allowsWorkspaceGateway(base) else { continue }
            let allowed = host.config.workspaceGateways.isEmpty
                ? "the host lists none in whatsapp_web.workspace_gateways (only the host config defines whatsapp_web channels then)"
                : "whatsapp_web.workspace_gateways allows " + host.config.workspaceGateways.joined(separator: ", ")
            diagnostics.error("a workspace's whatsapp_web channel must use a gateway the host allows; '\(base)' is not one: \(allowed)", at: c.node("base_url"))
        }

        let appIDs = host.apps.compactMap { $0.text("id") }
        for c in host.channels {
            if c.text("type") == "whatsapp", let app = c.text("app"), !appIDs.contains(app) {
                let known = appIDs.isEmpty ? "; no apps are defined in 'whatsapp.apps'" : Suggestion.closest(to: app, in: appIDs).map { "; did you mean '\($0)'?" } ?? "; known apps: " + appIDs.joined(separator: ", ")
                diagnostics.error("unknown app '\(app)'\(known)", at: c.node("app"))
            }
            for key in ["workspace", "fallback_workspace"] {
                guard workspacesKnown, let w = c.text(key), c.isSet(key), !knownWorkspaceIDs.contains(w) else { continue }
                let known = knownWorkspaceIDs.isEmpty
                    ? "; there are no workspace files in '\(host.config.workspacesDirectory)'"
                    : Suggestion.closest(to: w, in: knownWorkspaceIDs).map { "; did you mean '\($0)'?" }
                        ?? "; known workspaces: " + knownWorkspaceIDs.joined(separator: ", ")
                diagnostics.error("unknown workspace '\(w)'\(known)", at: c.node(key))
            }
        }

        // On a shared channel a sender routes to the workspace that lists it: two
        // workspaces listing the same number would make routing ambiguous.
        let shared = host.config.channels.filter { $0.isShared && $0.type == .whatsapp }.map(\.id.rawValue)
        guard !shared.isEmpty else { return }
        let channelsText = shared.count == 1 ? "shared channel '\(shared[0])'" : "shared channels " + shared.map { "'\($0)'" }.joined(separator: ", ")
        var owner: [String: (workspace: String, node: YAMLNode)] = [:]
        for w in workspaces {
            for (e164, node) in w.senders {
                if let first = owner[e164], first.workspace != w.config.id.rawValue {
                    diagnostics.error("sender '\(e164)' is also claimed by workspace '\(first.workspace)' (\(first.node.location)); \(channelsText) cannot tell which workspace it belongs to", at: node)
                } else if owner[e164] == nil {
                    owner[e164] = (w.config.id.rawValue, node)
                }
            }
        }
    }
}
