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
    public var configText: SharedUTF8 {
        didSet { if !releasing { configDigest = Self.digest(configText.string) } }
    }
    /// `configText` as a `String` (a copy).
    public var configJSON: String {
        get { configText.string }
        set { configText = SharedUTF8(newValue) }
    }
    /// A fingerprint of the config text (64-bit FNV-1a and its length), kept when the text
    /// itself is released after the plugins were created (`releasingText`): a reload
    /// compares configs by it, so an unchanged workspace keeps its plugin instances.
    public private(set) var configDigest: UInt64 = 0
    private var releasing = false

    /// The same plugin with its config text dropped (its fingerprint kept).
    public func releasingText(_ empty: SharedUTF8) -> PluginConfig {
        var copy = self
        copy.releasing = true
        copy.configText = empty
        copy.releasing = false
        return copy
    }

    public static func == (a: PluginConfig, b: PluginConfig) -> Bool {
        a.name == b.name && a.file == b.file && a.deadlineMilliseconds == b.deadlineMilliseconds
            && a.configDigest == b.configDigest
    }

    static func digest(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        var n: UInt64 = 0
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3; n &+= 1 }
        return h ^ (n &* 0x9E3779B97F4A7C15)
    }

    public init(name: String, file: String?, deadlineMilliseconds: Int, configJSON: String) {
        self.init(name: name, file: file, deadlineMilliseconds: deadlineMilliseconds, configText: SharedUTF8(configJSON))
    }

    public init(name: String, file: String?, deadlineMilliseconds: Int, configText: SharedUTF8) {
        self.name = name
        self.file = file
        self.deadlineMilliseconds = deadlineMilliseconds
        self.configText = configText
        self.configDigest = Self.digest(configText.string)
    }
}
