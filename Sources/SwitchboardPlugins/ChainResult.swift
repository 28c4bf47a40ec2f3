/// The outcome of one run of a responder chain.
public struct ChainResult: Sendable, Equatable {
    public var verdict: Verdict
    /// The plugin that replied or handed off; nil on `.pass`.
    public var plugin: String?
    /// Plugins that failed or overran their deadline during this run, in chain order.
    /// The chain went on past each of them; the host journals them.
    public var errors: [PluginFailure]
    /// The conversation's new count of unanswered messages in a row, when the caller
    /// saves it itself (`runBlocking(message:savingUnansweredTurns: false)`, then
    /// `ResponderChain.saveUnansweredTurns`); 0 forgets the count; nil: unchanged (or
    /// already saved by the chain).
    public var unansweredTurns: Int?

    public init(verdict: Verdict, plugin: String?, errors: [PluginFailure], unansweredTurns: Int? = nil) {
        self.verdict = verdict
        self.plugin = plugin
        self.errors = errors
        self.unansweredTurns = unansweredTurns
    }
}
