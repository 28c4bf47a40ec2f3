/// A responder: the Swift side of a Switchboard plugin. One value is created per
/// workspace that lists the plugin, with that workspace's config; `handle` is then
/// called for the workspace's inbound messages.
///
/// Threading: `handle` runs on the host's plugin pool. Calls for one conversation never
/// overlap; calls for different conversations may run at the same time, so a responder
/// is `Sendable` and protects any mutable state it keeps. `handle` may block (an HTTP
/// call); past the plugin's deadline the host moves on and discards the late verdict.
///
///     struct Hello: Responder {
///         init(context: PluginContext, config: PluginConfig) throws {}
///         func handle(_ message: IncomingMessage) throws -> Verdict {
///             message.text == "hello" ? .reply("Hello!") : .pass
///         }
///     }
public protocol Responder: Sendable {
    /// Validates `config` and prepares the responder for the workspace of `context`.
    /// A thrown error fails this workspace's load with the error's message.
    init(context: PluginContext, config: PluginConfig) throws

    /// Decides what to do with one message: `.pass` when it has no answer (not an
    /// error), `.reply`, or `.handoff`. A thrown `PluginError` is reported to the host
    /// as retryable or permanent; any other error as permanent. No error ever crosses
    /// the C boundary.
    func handle(_ message: IncomingMessage) throws -> Verdict
}
