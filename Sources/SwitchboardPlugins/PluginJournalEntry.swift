import SwitchboardCore

/// One event a plugin added to the journal during a call (`host->journal`, ABI 1.3): the
/// host writes it as a `plugin_event` of the message handled, in the transaction that
/// records the chain's verdict.
public struct PluginJournalEntry: Sendable, Equatable {
    /// The plugin's name in the workspace's chain.
    public var plugin: String
    /// The event's name, [a-z0-9_.]{1,64}.
    public var event: String
    /// The plugin's fields; "plugin" and "event" are kept as "field_plugin" / "field_event".
    public var fields: [String: String]

    public init(plugin: String, event: String, fields: [String: String]) {
        self.plugin = plugin
        self.event = event
        self.fields = fields
    }

    /// The event's journal detail: the fields with "plugin" and "event".
    public var detail: [String: String] {
        var d = fields
        d["plugin"] = plugin
        d["event"] = event
        return d
    }
}

/// Where plugins' counters (`host->count`, ABI 1.3) go: the host's metrics in `serve`.
/// Called on plugin threads, often: keep it cheap.
public protocol PluginCounterSink: Sendable {
    func add(plugin: String, workspace: WorkspaceID, name: String, value: Double)
}
