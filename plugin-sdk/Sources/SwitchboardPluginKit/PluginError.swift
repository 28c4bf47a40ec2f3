import CSwitchboardPlugin

/// An error a responder throws to say whether trying again later may help. The host
/// journals the message with the plugin and workspace, and moves on down the chain.
public struct PluginError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case retryable, permanent, invalid }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A temporary failure: a timeout, a provider's 5xx, a store that is busy.
    public static func retryable(_ message: String) -> PluginError { PluginError(.retryable, message) }
    /// A failure that will happen again with the same input and config.
    public static func permanent(_ message: String) -> PluginError { PluginError(.permanent, message) }
    /// Bad config or input.
    public static func invalid(_ message: String) -> PluginError { PluginError(.invalid, message) }

    public var description: String { message }

    var status: sb_status {
        switch kind {
        case .retryable: SB_ERR_RETRYABLE
        case .permanent: SB_ERR_PERMANENT
        case .invalid: SB_ERR_INVALID
        }
    }

    /// The error a host function's status means.
    static func host(_ status: sb_status, _ what: String) -> PluginError {
        switch status {
        case SB_ERR_RETRYABLE: .retryable("\(what): temporarily unavailable")
        case SB_ERR_INVALID: .invalid("\(what): invalid argument")
        case SB_ERR_UNSUPPORTED: .permanent("\(what): not supported by this host")
        case SB_ERR_OUTSIDE_CALL: .permanent("\(what): used outside its handle call")
        default: .permanent("\(what): failed with status \(status)")
        }
    }
}
