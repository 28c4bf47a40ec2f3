import SwitchboardCore

/// Key-value state that plugins keep per workspace (the host table's state service).
public protocol PluginStateRepository: Sendable {
    func get(plugin: String, key: String) throws -> [UInt8]?
    func set(plugin: String, key: String, value: [UInt8]) throws
    /// Returns true if the key existed.
    @discardableResult
    func delete(plugin: String, key: String) throws -> Bool
    /// The keys a plugin has stored, sorted.
    func keys(plugin: String) throws -> [String]
}
