import SwitchboardCore

/// One plugin of a workspace's responder chain.
public struct PluginConfig: Sendable, Equatable {
    public var name: String
    /// An explicit library path; nil means `libNAME.so` found in `plugins.path`.
    public var file: String?
    public var deadlineMilliseconds: Int
    /// The plugin's `config` subtree as JSON text (`{}` when not given), kept once: the
    /// plugin instances of this workspace hand the same buffer to the plugin as
    /// `config_json`.
    public var configText: SharedUTF8
    /// `configText` as a `String` (a copy).
    public var configJSON: String {
        get { configText.string }
        set { configText = SharedUTF8(newValue) }
    }

    public init(name: String, file: String?, deadlineMilliseconds: Int, configJSON: String) {
        self.init(name: name, file: file, deadlineMilliseconds: deadlineMilliseconds, configText: SharedUTF8(configJSON))
    }

    public init(name: String, file: String?, deadlineMilliseconds: Int, configText: SharedUTF8) {
        self.name = name
        self.file = file
        self.deadlineMilliseconds = deadlineMilliseconds
        self.configText = configText
    }
}
