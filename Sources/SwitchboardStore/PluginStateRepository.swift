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
    /// Adds `delta` to the integer stored under `key` as decimal text (absent: 0), in one
    /// atomic step for every host on the store (two hosts adding at once both count).
    /// With a `ceiling`, nothing is added when the total would pass it: returns nil.
    /// Returns the new total. A value that is not a decimal integer fails with
    /// `StoreError.Code.unreadable` (and is left as it is).
    func add(plugin: String, key: String, delta: Int64, ceiling: Int64?) throws -> Int64?
}
