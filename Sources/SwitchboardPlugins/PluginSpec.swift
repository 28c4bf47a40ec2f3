import SwitchboardCore

/// One entry of a workspace's responder chain, as the workspace config gives it.
///
///     plugins:
///       - name: faq            # finds libfaq.so on the host's plugin path
///         file: /opt/x/libfaq.so   # optional: this file instead of the search
///         deadline_ms: 2000    # optional
///         config: { ... }      # passed to the plugin as JSON
public struct PluginSpec: Sendable, Equatable {
    /// The plugin's name: `libNAME.so` is looked up on the search paths. Lower-case
    /// letters, digits, `-` and `_`.
    public var name: String
    /// An explicit library file, used instead of the search (relative paths are taken
    /// from the current directory).
    public var file: String?
    /// How long one `handle` call may take before the chain moves on without it.
    public var deadlineMilliseconds: Int
    /// The plugin's config for this workspace, as a JSON object ("{}" when none). The
    /// instance hands this buffer to the plugin as `config_json` (no copy), and keeps it
    /// until after the plugin's `destroy`, or only until `create` returned when the
    /// plugin sets SB_PLUGIN_FLAG_DROP_CONFIG (ABI 1.4; the instance's `spec` then has
    /// the empty text).
    public var configText: SharedUTF8
    /// `configText` as a `String` (a copy).
    public var configJSON: String {
        get { configText.string }
        set { configText = SharedUTF8(newValue) }
    }

    public static let defaultDeadlineMilliseconds = 2000

    public init(name: String, file: String? = nil, deadlineMilliseconds: Int = PluginSpec.defaultDeadlineMilliseconds, configJSON: String = "{}") {
        self.init(name: name, file: file, deadlineMilliseconds: deadlineMilliseconds, configText: SharedUTF8(configJSON))
    }

    public init(name: String, file: String? = nil, deadlineMilliseconds: Int = PluginSpec.defaultDeadlineMilliseconds, configText: SharedUTF8) {
        self.name = name
        self.file = file
        self.deadlineMilliseconds = deadlineMilliseconds
        self.configText = configText
    }

    /// Plugin names appear in file names and log lines: lower-case letters, digits, `-`
    /// and `_`, starting with a letter or digit, at most 64 characters. (Names with a
    /// dot are the host's own, such as the chain's `switchboard.chain` state.)
    public static func isValidName(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 64 else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95 }
        return ok(first) && first != 45 && first != 95 && s.utf8.allSatisfy(ok)
    }
}
