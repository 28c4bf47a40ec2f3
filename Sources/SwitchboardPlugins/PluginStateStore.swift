import SwitchboardCore

/// Where plugins' per-workspace key/value state lives. The host implements it with its
/// real store; plugins reach it only through the host table, with the workspace and
/// plugin bound to their instance, so a plugin can never name another workspace.
///
/// Thread-safe: called from plugin-pool threads. A thrown error reaches the plugin as
/// a retryable status.
public protocol PluginStateStore: Sendable {
    func get(workspace: WorkspaceID, plugin: String, key: String) throws -> [UInt8]?
    func set(workspace: WorkspaceID, plugin: String, key: String, value: [UInt8]) throws
    func delete(workspace: WorkspaceID, plugin: String, key: String) throws
    /// Adds `delta` to the decimal integer under `key` (absent: 0) atomically for every
    /// host on the store; nil (nothing added) when the total would pass `ceiling`.
    /// Returns the new total (`host->state_add`, ABI 1.5).
    func add(workspace: WorkspaceID, plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64?
}

/// `PluginStateStore.add` found a value under the key that is not a decimal integer (or
/// the sum would overflow): the plugin is told SB_ERR_INVALID, the value is left as it is.
public struct PluginStateNotAnInteger: Error, CustomStringConvertible {
    public let key: String
    public init(key: String) { self.key = key }
    public var description: String { "plugin state \(key) is not an integer" }
}
