import SwitchboardCore
import Synchronization

/// Plugin state kept in memory and lost on exit. For offline runs (`switchboard ask`)
/// and tests only; `serve` uses the durable store.
public final class InMemoryPluginStateStore: PluginStateStore {
    private struct Key: Hashable {
        let workspace: WorkspaceID
        let plugin: String
        let key: String
    }

    private let values = Mutex<[Key: [UInt8]]>([:])

    public init() {}

    public func get(workspace: WorkspaceID, plugin: String, key: String) throws -> [UInt8]? {
        values.withLock { $0[Key(workspace: workspace, plugin: plugin, key: key)] }
    }

    public func set(workspace: WorkspaceID, plugin: String, key: String, value: [UInt8]) throws {
        values.withLock { $0[Key(workspace: workspace, plugin: plugin, key: key)] = value }
    }

    public func add(workspace: WorkspaceID, plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64? {
        try values.withLock { values -> Int64? in
            let k = Key(workspace: workspace, plugin: plugin, key: key)
            var total: Int64 = 0
            if let stored = values[k] {
                guard let value = Int64(String(decoding: stored, as: UTF8.self)) else { throw PluginStateNotAnInteger(key: key) }
                total = value
            }
            let (sum, overflow) = total.addingReportingOverflow(delta)
            if overflow { throw PluginStateNotAnInteger(key: key) }
            if let ceiling, sum > ceiling { return nil }
            values[k] = Array(String(sum).utf8)
            return sum
        }
    }

    public func delete(workspace: WorkspaceID, plugin: String, key: String) throws {
        _ = values.withLock { $0.removeValue(forKey: Key(workspace: workspace, plugin: plugin, key: key)) }
    }
}
