/// One plugin call that produced no usable verdict: it failed, overran its deadline, or
/// was skipped. The chain moves on to the next plugin.
public struct PluginFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The plugin returned a retryable status (a timeout of its own, a provider 5xx).
        case retryable
        /// The plugin returned a permanent status (bad input or config).
        case permanent
        /// The call did not return within the plugin's deadline; it finishes in the
        /// background and its outcome is discarded.
        case deadlineExceeded = "deadline_exceeded"
        /// Not called: a previous call of this plugin for the same conversation is still
        /// running, or too many of its calls are past their deadline.
        case skipped
    }

    public var plugin: String
    public var workspace: String
    public var kind: Kind
    /// What the plugin said (its error buffer), or what the host saw.
    public var message: String
    /// The plugin's status code (0 for deadline and skip).
    public var status: Int32
    public var elapsedMilliseconds: Int

    public var description: String {
        "plugin \(plugin) (workspace \(workspace)) \(kind.rawValue) after \(elapsedMilliseconds) ms: \(message)"
    }
}
