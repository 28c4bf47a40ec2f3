import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardPlugins
import SwitchboardStore

/// What a reload did: applied (with what changed and what waits for a restart) or
/// refused (with the config's errors, and nothing changed).
struct ReloadOutcome: Sendable {
    var applied: Bool
    /// The errors that refused it, one per line as `check` prints them.
    var errors: [String] = []
    var added: [String] = []
    var changed: [String] = []
    var disabled: [String] = []
    /// Workspaces whose plugin chain was rebuilt (new plugin instances).
    var newChains: [String] = []
    /// Changes read but not applied: they take effect at the next restart.
    var needsRestart: [String] = []
    var credentialsReplaced: [String] = []
    /// Channels a reload added and started (no restart needed).
    var channelsStarted: [String] = []

    var summary: String {
        guard applied else { return "refused: " + errors.joined(separator: "; ") }
        var parts: [String] = []
        if !added.isEmpty { parts.append("workspaces added: " + added.joined(separator: ", ")) }
        if !changed.isEmpty { parts.append("changed: " + changed.joined(separator: ", ")) }
        if !disabled.isEmpty { parts.append("disabled: " + disabled.joined(separator: ", ")) }
        if !newChains.isEmpty { parts.append("new plugin instances: " + newChains.joined(separator: ", ")) }
        if !credentialsReplaced.isEmpty { parts.append("credentials replaced: " + credentialsReplaced.joined(separator: ", ")) }
        if !channelsStarted.isEmpty { parts.append("channels started: " + channelsStarted.joined(separator: ", ")) }
        if !needsRestart.isEmpty { parts.append("needs a restart: " + needsRestart.joined(separator: "; ")) }
        return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
    }

    var json: [String: Any] {
        ["applied": applied, "errors": errors, "added": added, "changed": changed, "disabled": disabled,
         "new_plugin_instances": newChains, "needs_restart": needsRestart, "credentials_replaced": credentialsReplaced,
         "channels_started": channelsStarted,
         "summary": summary]
    }
}

/// Applies a new config to the running host (SIGHUP, `switchboard reload`,
/// `POST /api/v1/operator/reload`, and a workspace file written through the API):
///
/// 1. the whole config is loaded and checked first (the same `FILE:LINE:COLUMN` errors as
///    `check`), and the plugin chains of new or changed workspaces are built; if anything
///    fails, nothing changes, and the refusal is logged, written to the audit trail and
///    returned;
/// 2. the workspaces are synchronised in the store (added, updated, disabled);
/// 3. the pipeline's snapshot (configs, chains, routing) is replaced at once: a message in
///    flight finishes on the chain it started with, the next uses the new one; a replaced
///    chain is shut down after its last message. Only workspaces whose plugins (or time
///    zone) changed get new plugin instances;
/// 4. channel credentials are replaced in the running transports: WhatsApp access tokens
///    and Graph URLs, Telegram bot tokens, secret tokens and API URLs, WhatsApp Web
///    gateways (base URL, API key, instance, webhook secret and URL). New Telegram and
///    gateway credentials are checked with the provider first (step 1: a refused or
///    unanswered check refuses the reload, and nothing changes);
/// 5. channels added of the types started live (WhatsApp Cloud API numbers, WhatsApp
///    Web sessions; web chats) start at once, as at start (`Pipeline.startAddedChannels`),
///    whether the host config or a workspace's own `channels:` defines them;
/// 6. what cannot change while running (listen addresses, storage, log, plugin path,
///    Telegram channels added, channels removed, app secrets, limits) is named in `needsRestart`.
///
/// Reloads are serialised.
final class HostReload: Sendable {
    let path: String
    let store: any Store
    let logger: Logger
    let plugins: PluginHost
    let pipeline: Pipeline
    let makeResponders: @Sendable (ResponderChain) -> any Responders
    let load: @Sendable (String) throws(ConfigError) -> LoadedConfig
    let registerSecrets: @Sendable ([String]) -> Void
    /// Told every config that was applied (for what keeps its own copy of settings).
    let onApplied: @Sendable (LoadedConfig) -> Void
    /// The config running now, and the lock that serialises reloads.
    private let running: Mutex<LoadedConfig>
    private let serial = NSLock()

    init(path: String, config: LoadedConfig, store: any Store, logger: Logger, plugins: PluginHost, pipeline: Pipeline,
         makeResponders: @escaping @Sendable (ResponderChain) -> any Responders,
         load: @escaping @Sendable (String) throws(ConfigError) -> LoadedConfig = { p throws(ConfigError) in try ConfigLoading.load(p) },
         registerSecrets: @escaping @Sendable ([String]) -> Void = { _ in },
         onApplied: @escaping @Sendable (LoadedConfig) -> Void = { _ in }) {
        self.onApplied = onApplied
        self.path = path
        self.store = store
        self.logger = logger
        self.plugins = plugins
        self.pipeline = pipeline
        self.makeResponders = makeResponders
        self.load = load
        self.registerSecrets = registerSecrets
        self.running = Mutex(config)
    }

    var config: LoadedConfig { running.withLock { $0 } }

    /// Reads the files again and applies them. `actor` is who asked (`file` for SIGHUP
    /// and `switchboard reload`, or an operator).
    func reloadFiles(actor: String) -> ReloadOutcome {
        serial.lock()
        defer { serial.unlock() }
        return reloadLocked(actor: actor)
    }

    /// Runs `body` (which may change files) and a reload as one step: no other reload
    /// runs between them. `body` gets the reload to call and decides what to do with a
    /// refusal (put the old file back).
    func withReloadLock<T>(_ body: (_ reload: () -> ReloadOutcome) throws -> T) rethrows -> T {
        serial.lock()
        defer { serial.unlock() }
        return try body { reloadLocked(actor: "file") }
    }

    func reloadLocked(actor: String, workspaceActor: [WorkspaceID: String] = [:]) -> ReloadOutcome {
        let fresh: LoadedConfig
        do {
            fresh = try load(path)
        } catch {
            return refuse(error.errors.map(\.description), actor: actor)
        }
        registerSecrets(fresh.secrets)
        // New tokens and gateways are asked once before anything changes.
        let refused = pipeline.checkNewCredentials(fresh)
        guard refused.isEmpty else { return refuse(refused, actor: actor) }
        let old = config
        var outcome = ReloadOutcome(applied: true)
        outcome.needsRestart = Self.notLive(old: old.host, new: fresh.host)
        let oldByID = Dictionary(old.workspaces.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newByID = Dictionary(fresh.workspaces.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // New chains first: a plugin that does not load refuses the whole reload.
        let current = pipeline.live.snapshot
        var responders: [WorkspaceID: LeasedResponders] = [:]
        var built: [ResponderChain] = []
        var problems: [String] = []
        for w in fresh.workspaces {
            let before = oldByID[w.id]
            if before == nil { outcome.added.append(w.id.rawValue) } else if !Self.same(before!, w) { outcome.changed.append(w.id.rawValue) }
            if let before, before.plugins == w.plugins, before.timeZone == w.timeZone {
                if let kept = current.responders[w.id] { responders[w.id] = kept }
                continue
            }
            guard !w.plugins.isEmpty else { continue }
            do {
                let chain = try plugins.load(workspace: w.id, timezone: w.timeZone.identifier, specs: PluginLoading.specs(w))
                built.append(chain)
                responders[w.id] = LeasedResponders(makeResponders(chain), chain: chain)
                outcome.newChains.append(w.id.rawValue)
            } catch {
                problems.append("\(w.file): error: \(error)")
            }
        }
        guard problems.isEmpty else {
            for c in built { c.shutdown() }
            return refuse(problems, actor: actor)
        }
        outcome.disabled = old.workspaces.map(\.id).filter { newByID[$0] == nil }.map(\.rawValue)
        do {
            _ = try store.syncWorkspaces(fresh.workspaces.map(Host.definition))
        } catch {
            for c in built { c.shutdown() }
            return refuse(["storage: the workspaces could not be synchronised: \(error)"], actor: actor)
        }
        // Routing by the new config, but only for channels that run now or start now (web
        // chats, and the types `Transports.startedLive`); another channel added waits for
        // the restart, and is named in needsRestart.
        var routed = fresh
        routed.host.channels = old.host.channels.filter { $0.type != .webchat }.map { c in fresh.host.channels.first { $0.id == c.id } ?? c }
        routed.host.channels += fresh.host.channels.filter { c in
            c.type == .webchat || (Transports.startedLive.contains(c.type) && !routed.host.channels.contains { $0.id == c.id })
        }
        let replaced = pipeline.live.replace(with: LiveWorkspaces.snapshot(config: routed, responders: responders))
        for (id, leased) in replaced.responders where responders[id] !== leased { leased.retire() }
        pipeline.replaceWebChatChannels(fresh.host.channels)
        outcome.credentialsReplaced = pipeline.replaceChannelCredentials(fresh)
        outcome.channelsStarted = pipeline.startAddedChannels(fresh)
        running.withLock { $0 = fresh }
        onApplied(fresh)

        logger.info("config reloaded", [
            "actor": actor, "summary": outcome.summary,
            "added": outcome.added.joined(separator: ","), "changed": outcome.changed.joined(separator: ","),
            "disabled": outcome.disabled.joined(separator: ","),
            "new_plugin_instances": outcome.newChains.joined(separator: ","),
            "credentials_replaced": outcome.credentialsReplaced.joined(separator: ","),
            "channels_started": outcome.channelsStarted.joined(separator: ","),
            "needs_restart": outcome.needsRestart.joined(separator: "; "),
        ])
        audit(outcome, actor: actor, workspaceActor: workspaceActor)
        return outcome
    }

    private func refuse(_ errors: [String], actor: String) -> ReloadOutcome {
        let outcome = ReloadOutcome(applied: false, errors: errors)
        logger.error("config reload refused; the running config stays", ["actor": actor, "diagnostics": errors.joined(separator: "\n")])
        do {
            try store.hostAudit.record(actor: actor, action: "config_refused", summary: outcome.summary)
        } catch {
            logger.error("audit entry not written", [LogKey.error: "\(error)"])
        }
        return outcome
    }

    private func audit(_ outcome: ReloadOutcome, actor: String, workspaceActor: [WorkspaceID: String]) {
        do {
            try store.transaction { tx in
                try tx.hostAudit.record(actor: actor, action: "config_reload", summary: outcome.summary)
                for (ids, what) in [(outcome.added, "workspace added"), (outcome.changed, "config changed"),
                                    (outcome.disabled, "workspace disabled (its file is gone)")] {
                    for id in ids {
                        let ws = WorkspaceID(id)
                        let chain = outcome.newChains.contains(id) ? "; new plugin instances" : ""
                        try tx.workspace(ws).audit.record(actor: workspaceActor[ws] ?? actor, action: "config_reload",
                                                          summary: what + chain)
                    }
                }
            }
        } catch {
            logger.error("audit entry not written", [LogKey.error: "\(error)"])
        }
    }

    /// Whether two loads of a workspace say the same.
    static func same(_ a: WorkspaceConfig, _ b: WorkspaceConfig) -> Bool {
        a.name == b.name && a.region == b.region && a.timeZone == b.timeZone && a.senders == b.senders
            && a.fallback == b.fallback && a.markRead == b.markRead && a.debounceMilliseconds == b.debounceMilliseconds
            && a.plugins == b.plugins && a.channels == b.channels
    }

    /// The differences a running host cannot apply, each a phrase naming the key.
    static func notLive(old: HostConfig, new: HostConfig) -> [String] {
        var out: [String] = []
        func check(_ key: String, _ a: String, _ b: String) { if a != b { out.append(key) } }
        check("server.listen", old.server.listen.description, new.server.listen.description)
        check("server.metrics_listen", "\(String(describing: old.server.metricsListen))", "\(String(describing: new.server.metricsListen))")
        var oldServer = old.server, newServer = new.server
        oldServer.listen = newServer.listen
        oldServer.metricsListen = newServer.metricsListen
        check("server (limits, proxies, streams)", "\(oldServer)", "\(newServer)")
        check("storage", "\(old.storage)", "\(new.storage)")
        check("log", "\(old.log)", "\(new.log)")
        check("plugins.path", old.pluginPaths.joined(separator: ","), new.pluginPaths.joined(separator: ","))
        check("outbox", "\(old.outbox)", "\(new.outbox)")
        check("webchat", "\(old.webChat)", "\(new.webChat)")
        check("media", "\(old.media)", "\(new.media)")
        let oldApps = old.whatsAppApps.map { "\($0.id)|\($0.appSecret)|\($0.verifyToken)" }.sorted()
        let newApps = new.whatsAppApps.map { "\($0.id)|\($0.appSecret)|\($0.verifyToken)" }.sorted()
        if oldApps != newApps { out.append("whatsapp.apps (ids, app secrets, verify tokens)") }
        // Web chat channels are live (a new one's drainer starts at once); other channels
        // have a transport and a sender started with the host (their settings compared
        // here, never printed). Credentials are live (`Pipeline.replaceChannelCredentials`):
        // access_token; bot_token, secret_token, api_url; base_url, api_key, instance,
        // webhook_secret, a whatsapp_web webhook_url. The rest needs a restart.
        func shape(_ c: ChannelConfig) -> String {
            "\(c.id)|\(c.type)|\(c.app ?? "")|\(c.phoneNumberID ?? "")|\(c.rateLimit)|\(c.probeIntervalSeconds ?? 0)|"
                + "\(c.telegramMode)|\(c.webhookURL ?? "")|"
                + "\(c.evolution.map { "\($0.ratePerMinute)|\($0.zombieAfterSeconds)" } ?? "")"
        }
        let oldChannels = Dictionary(old.channels.filter { $0.type != .webchat }.map { ($0.id, shape($0)) }, uniquingKeysWith: { a, _ in a })
        let newChannels = Dictionary(new.channels.filter { $0.type != .webchat }.map { ($0.id, shape($0)) }, uniquingKeysWith: { a, _ in a })
        let startedLive = Set(new.channels.filter { Transports.startedLive.contains($0.type) }.map(\.id))
        let added = newChannels.keys.filter { oldChannels[$0] == nil && !startedLive.contains($0) }.map(\.rawValue).sorted()
        let removed = oldChannels.keys.filter { newChannels[$0] == nil }.map(\.rawValue).sorted()
        let reshaped = newChannels.keys.filter { oldChannels[$0] != nil && oldChannels[$0] != newChannels[$0] }.map(\.rawValue).sorted()
        if !added.isEmpty { out.append("channels added: " + added.joined(separator: ", ")) }
        if !removed.isEmpty { out.append("channels removed: " + removed.joined(separator: ", ")) }
        if !reshaped.isEmpty {
            out.append("channels changed (type, app, number, mode, telegram webhook_url, rate limits, probe or zombie intervals): "
                       + reshaped.joined(separator: ", "))
        }
        return out
    }
}
