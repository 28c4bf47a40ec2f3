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

    public func delete(workspace: WorkspaceID, plugin: String, key: String) throws {
        _ = values.withLock { $0.removeValue(forKey: Key(workspace: workspace, plugin: plugin, key: key)) }
    }
}
