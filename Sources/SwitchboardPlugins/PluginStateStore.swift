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
}
