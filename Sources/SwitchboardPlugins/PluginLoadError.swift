/// Why a plugin could not be loaded or instantiated. The message names the plugin, the
/// file and, where it applies, the workspace and both ABI versions.
public struct PluginLoadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong. A struct of constants rather than an enum, so new codes can
    /// arrive without breaking callers that switch over them.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The spec itself is wrong (bad name, deadline).
        public static let invalidSpec = Code("invalid_spec")
        /// No `libNAME.so` on the search paths, or the explicit file does not exist.
        public static let notFound = Code("not_found")
        /// `dlopen` failed: not a shared library, missing dependency, wrong architecture.
        public static let openFailed = Code("open_failed")
        /// A shared library without `switchboard_plugin_entry`: not a Switchboard plugin.
        public static let missingEntry = Code("missing_entry")
        /// Built for another ABI major, or a newer minor, than this host's.
        public static let abiMismatch = Code("abi_mismatch")
        /// The descriptor is unusable (no id, no create or handle callback).
        public static let invalidDescriptor = Code("invalid_descriptor")
        /// The plugin's `create` failed for a workspace (usually its config).
        public static let createFailed = Code("create_failed")
    }

    public let code: Code
    public let plugin: String
    public let file: String?
    public let workspace: String?
    public let message: String

    public var description: String { message }
}
