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
    /// The journal events (`host->journal`, ABI 1.3) of every plugin called in this run
    /// whose outcome counted (not a call past its deadline), in the order given; the
    /// host journals them with the verdict, whatever it is.
    public var events: [PluginJournalEntry]

    public init(verdict: Verdict, plugin: String?, errors: [PluginFailure], unansweredTurns: Int? = nil,
                events: [PluginJournalEntry] = []) {
        self.verdict = verdict
        self.plugin = plugin
        self.errors = errors
        self.unansweredTurns = unansweredTurns
        self.events = events
    }
}
