/// One plugin of a workspace's responder chain.
public struct PluginConfig: Sendable, Equatable {
    public var name: String
    /// An explicit library path; nil means `libNAME.so` found in `plugins.path`.
    public var file: String?
    public var deadlineMilliseconds: Int
    /// The plugin's `config` subtree as JSON text (`{}` when not given).
    public var configJSON: String
}
