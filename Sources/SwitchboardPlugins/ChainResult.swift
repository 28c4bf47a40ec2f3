/// The outcome of one run of a responder chain.
public struct ChainResult: Sendable, Equatable {
    public var verdict: Verdict
    /// The plugin that replied or handed off; nil on `.pass`.
    public var plugin: String?
    /// Plugins that failed or overran their deadline during this run, in chain order.
    /// The chain went on past each of them; the host journals them.
    public var errors: [PluginFailure]

    public init(verdict: Verdict, plugin: String?, errors: [PluginFailure]) {
        self.verdict = verdict
        self.plugin = plugin
        self.errors = errors
    }
}
