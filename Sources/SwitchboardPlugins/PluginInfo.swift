/// A loaded plugin library, as `switchboard plugins` lists it.
public struct PluginInfo: Sendable, Equatable {
    /// The name it was loaded under (`faq` for libfaq.so).
    public var name: String
    /// The id, display name, version and description from its descriptor.
    public var id: String
    public var displayName: String
    public var version: String
    public var summary: String
    /// The ABI version it was built for.
    public var abiMajor: Int
    public var abiMinor: Int
    /// The library file (resolved path).
    public var file: String
    /// The plugin declares (ABI 1.2, SB_PLUGIN_FLAG_INLINE) that its `handle` only
    /// computes, so the chain calls it on the calling thread instead of the plugin pool.
    public var callsInline: Bool = false
    /// The plugin declares (ABI 1.4, SB_PLUGIN_FLAG_DROP_CONFIG) that it reads its config
    /// text only in `create`, so each instance frees it once `create` returned.
    public var dropsConfig: Bool = false

    public var abi: String { "\(abiMajor).\(abiMinor)" }
}
