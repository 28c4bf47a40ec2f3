import Foundation
import LLMEngine
import SwitchboardCore
import SwitchboardPlugins

// A file of its own: LLMEngine compiles some of SwitchboardCore's files (JSONText,
// CircuitBreaker) into itself, so names from both modules would clash where both are imported.

/// The spend of an offline run (`switchboard eval`): what the workspace's `llm` plugins
/// booked in their ledgers, read through the ledger's own reader from the run's in-memory
/// plugin state. Total only: the ledger keeps one total per day and month, not per model.
enum EvalSpend {
    /// The ledger's storage over one plugin's state in a host state store.
    struct PluginState: LedgerStorage {
        let store: any PluginStateStore
        let workspace: WorkspaceID
        let plugin: String
        func get(_ key: String) throws -> String? {
            try store.get(workspace: workspace, plugin: plugin, key: key).map { String(decoding: $0, as: UTF8.self) }
        }
        func set(_ key: String, _ value: String) throws {
            try store.set(workspace: workspace, plugin: plugin, key: key, value: Array(value.utf8))
        }
        func add(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64? {
            try store.add(workspace: workspace, plugin: plugin, key: key, delta: delta, ceiling: ceiling)
        }
    }

    /// USD per `tier/model` ("generate/small", "semantic/embed-model") booked between
    /// `start` and `end` by the chain's `llm` plugin; empty without one.
    static func bookedByLabel(store: any PluginStateStore, workspace: WorkspaceID, timeZone: TimeZone,
                              plugins: [String], from start: Date, to end: Date) throws -> [String: Double] {
        guard plugins.contains("llm") else { return [:] }
        return try BudgetLedger.bookedByLabel(in: PluginState(store: store, workspace: workspace, plugin: "llm"),
                                              from: start, to: end, timeZone: timeZone)
    }

    /// Entry id -> answer of the FAQ entries in the `knowledge:` files of the chain's `llm`
    /// plugins (read as the plugin reads them): with `embeddings.lexical` the llm plugin
    /// answers those entries without a `faq` plugin before it.
    static func knowledgeAnswers(_ configJSON: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for json in configJSON {
            guard let o = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], o["knowledge"] != nil else { continue }
            let config = try LLMConfig(json: json)
            for e in try Knowledge.load(paths: config.knowledge).faq { out[e.id] = e.answer }
        }
        return out
    }

    /// USD booked between `start` and `end` by the chain's `llm` plugin (its state is keyed
    /// by the plugin's name); nil when the chain has none.
    static func bookedUSD(store: any PluginStateStore, workspace: WorkspaceID, timeZone: TimeZone,
                          plugins: [String], from start: Date, to end: Date) throws -> Double? {
        guard plugins.contains("llm") else { return nil }
        return try BudgetLedger.bookedUSD(in: PluginState(store: store, workspace: workspace, plugin: "llm"),
                                          from: start, to: end, timeZone: timeZone)
    }
}
