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
