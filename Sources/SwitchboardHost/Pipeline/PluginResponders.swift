import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardPlugins
import SwitchboardStore

/// Plugins' per-workspace state in the host's store (the `plugin_state` table), through
/// the workspace scope: a plugin's instance is bound to one workspace and can never name
/// another. `init(store:)`: each call on its own; `init(bound:)`: through one workspace's
/// store (one bound to a transaction: the chain's writes the worker commits with the
/// outcome), where a call naming another workspace is refused.
struct StorePluginState: PluginStateStore {
    /// The state repository of a workspace, or why it may not be reached this way.
    private let repository: @Sendable (WorkspaceID) throws -> any PluginStateRepository

    init(store: any Store) {
        repository = { store.workspace($0).pluginState }
    }

    init(bound ws: any WorkspaceStore) {
        repository = { asked in
            guard asked == ws.workspaceID else { throw OtherWorkspace(asked: asked, bound: ws.workspaceID) }
            return ws.pluginState
        }
    }

    struct OtherWorkspace: Error, CustomStringConvertible {
        let asked: WorkspaceID, bound: WorkspaceID
        var description: String { "plugin state of workspace \(asked) asked through workspace \(bound)" }
    }

    func get(workspace: WorkspaceID, plugin: String, key: String) throws -> [UInt8]? {
        try repository(workspace).get(plugin: plugin, key: key)
    }
    func set(workspace: WorkspaceID, plugin: String, key: String, value: [UInt8]) throws {
        try repository(workspace).set(plugin: plugin, key: key, value: value)
    }
    func delete(workspace: WorkspaceID, plugin: String, key: String) throws {
        _ = try repository(workspace).delete(plugin: plugin, key: key)
    }
    func add(workspace: WorkspaceID, plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64? {
        do {
            return try repository(workspace).add(plugin: plugin, key: key, delta: delta, ceiling: ceiling)
        } catch let error as StoreError where error.code == .unreadable {
            throw PluginStateNotAnInteger(key: key)
        }
    }
}

/// Plugins' counters (`host->count`, ABI 1.3) in the host's metrics:
/// `switchboard_plugin_counter_total{plugin, workspace, name}`.
struct MetricsPluginCounters: PluginCounterSink {
    let family: MetricsCounterFamily

    init(_ registry: MetricsRegistry) {
        family = registry.counter("switchboard_plugin_counter_total",
                                  help: "Counters responder plugins keep (host->count), by plugin, workspace and name.",
                                  labelNames: ["plugin", "workspace", "name"])
    }

    func add(plugin: String, workspace: WorkspaceID, name: String, value: Double) {
        family.labels(plugin, workspace.rawValue, name).increment(by: value)
    }
}

/// A workspace's plugin chain as the pipeline's `Responders`.
struct ChainResponders: Responders {
    let chain: ResponderChain
    let store: any Store
    /// Downloads inbound media for plugins (`host->media`); nil when no channel can.
    /// Asked at each download, so reloaded credentials apply.
    var media: @Sendable () -> MediaFetcher? = { nil }

    /// The first plugin is called inline (one overrunning its deadline is called on the
    /// pool from then on); a later one that is not comes after `beforeWaiting`.
    var answersAtOnce: Bool { chain.beginsInline }

    func respond(_ input: ResponderInput) -> ResponderOutcome {
        let ws = store.workspace(input.workspace)
        let conversation = input.conversation.id
        let result = chain.runBlocking(message: PluginMessage(
            workspace: input.workspace, channel: input.channel, conversation: conversation, message: input.message.id,
            senderE164: input.contact?.e164 ?? "", senderName: input.contact?.profileName ?? "",
            text: input.message.text ?? "", kind: input.message.kind, timestamp: input.message.createdAt,
            conversationState: input.conversation.state,
            history: { [message = input.message] n in
                // The header's promise: earlier messages only, never the one handled (or
                // later ones), and a read of at most n of them.
                try Self.earlier(ws, conversation: conversation, than: message, limit: max(0, n)).map {
                    PluginHistoryEntry(direction: $0.direction, kind: $0.kind, text: $0.text ?? "", timestamp: $0.createdAt)
                }
            },
            media: mediaSource(input)), savingUnansweredTurns: false, beforeWaiting: input.beforeWaiting)
        let verdict: ResponderVerdict = switch result.verdict {
        case .pass: .pass
        case .reply(let text, let buttons): .reply(text: text, buttons: buttons)
        case .handoff(let reason, let message): .handoff(reason: reason, text: message)
        case .template(let t): .template(name: t.name, language: t.language, parameters: t.parameters)
        }
        var outcome = ResponderOutcome(verdict: verdict, plugin: result.plugin,
                                       failures: result.errors.map { (plugin: $0.plugin, error: $0.description) },
                                       events: result.events.map { (plugin: $0.plugin, detail: $0.detail) })
        if let count = result.unansweredTurns {
            let chain = self.chain
            outcome.save = { ws in
                try chain.saveUnansweredTurns(count, conversation: conversation, in: StorePluginState(bound: ws))
            }
        }
        return outcome
    }

    /// The conversation's messages before `message`, `limit` at most. A message the store
    /// does not show is one whose commit waits for this very chain's answer
    /// (`CommitHolding`): nothing can commit while that commit is open, so every message
    /// the store shows came before it (its clock is the bound, should the commit go
    /// through between the two reads).
    static func earlier(_ ws: any WorkspaceStore, conversation: ConversationID, than message: Message,
                        limit: Int) throws -> [Message] {
        do {
            return try ws.messages.tail(conversation: conversation, before: message.id, limit: limit)
        } catch let error as StoreError where error.code == .notFound {
            return try ws.messages.tail(conversation: conversation, before: nil, limit: limit)
                .filter { $0.id != message.id && $0.createdAt <= message.createdAt }
        }
    }

    /// The download of the message's media, for plugins that ask; nil when it has none.
    func mediaSource(_ input: ResponderInput) -> PluginMediaSource? {
        guard input.message.kind.hasMedia, let mediaID = MediaFetcher.mediaID(payloadJSON: input.message.payloadJSON) else {
            return nil
        }
        let channel = input.message.channelID
        let fetcher = media
        return { maxBytes in
            guard let media = fetcher() else {
                throw PluginMediaError(retryable: false, message: "no channel of this host can download media")
            }
            do {
                let (mimeType, bytes) = try media.fetch(channel: channel, mediaID: mediaID, maxBytes: maxBytes)
                return PluginMedia(mimeType: mimeType, bytes: bytes)
            } catch let failure as MediaFetcher.Failure {
                throw PluginMediaError(retryable: failure.retryable, message: failure.description)
            }
        }
    }
}

/// Loads every workspace's plugin chain: each library once per process, one instance per
/// workspace with that workspace's config.
enum PluginLoading {
    static func specs(_ w: WorkspaceConfig) -> [PluginSpec] {
        w.plugins.map { PluginSpec(name: $0.name, file: $0.file, deadlineMilliseconds: $0.deadlineMilliseconds, configText: $0.configText) }
    }

    /// One chain per workspace that lists plugins, or every loading problem (each naming
    /// the plugin, the file and the workspace).
    static func chains(_ config: LoadedConfig, host: PluginHost) -> (chains: [WorkspaceID: ResponderChain], problems: [String]) {
        var chains: [WorkspaceID: ResponderChain] = [:]
        var problems: [String] = []
        for w in config.workspaces where !w.plugins.isEmpty {
            do {
                chains[w.id] = try host.load(workspace: w.id, timezone: w.timeZone.identifier, specs: specs(w))
            } catch {
                problems.append("\(w.file): error: \(error)")
            }
        }
        return (chains, problems)
    }
}
