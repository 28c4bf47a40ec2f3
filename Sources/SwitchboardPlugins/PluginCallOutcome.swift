import CSwitchboardPlugin

/// What one `handle` call returned: its status, its error message, and the verdict it
/// set through the call handle.
public struct PluginCallOutcome: Sendable, Equatable {
    public var status: Int32
    public var errorMessage: String
    public var reply: String?
    public var buttons: [String]
    public var handoffReason: String?
    public var elapsedNanoseconds: UInt64
    /// Events the plugin gave `host->journal` during the call (ABI 1.3), in order.
    public var events: [PluginJournalEntry] = []
    /// A template answer (`host->send_template`, ABI 1.4).
    public var template: PluginTemplate? = nil

    public var succeeded: Bool { status == SB_OK }

    /// The verdict, when the call succeeded.
    public var verdict: Verdict {
        if let reason = handoffReason { return .handoff(reason: reason, message: reply) }
        if let t = template { return .template(t) }
        if let text = reply { return .reply(text: text, buttons: buttons) }
        return .pass
    }

    var failureKind: PluginFailure.Kind {
        status == SB_ERR_RETRYABLE ? .retryable : .permanent
    }
}
