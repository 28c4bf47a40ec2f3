import SwitchboardCore
import SwitchboardStore

/// What the pipeline hands a workspace's responder chain for one inbound message.
struct ResponderInput: Sendable {
    let workspace: WorkspaceID
    let channel: ChannelID
    let conversation: Conversation
    let message: Message
    let contact: Contact?
    /// Called before the chain first waits for something (a plugin call on the pool, an
    /// LLM's): the worker lets the commit it holds go ahead then (`CommitHolding`).
    var beforeWaiting: (@Sendable () -> Void)? = nil
}

/// The chain's answer. `reply` and `handoff` may carry text for the customer.
enum ResponderVerdict: Sendable, Equatable {
    case pass
    case reply(text: String, buttons: [String])
    case handoff(reason: String, text: String?)
    /// An approved WhatsApp template (a plugin's `host->send_template`), checked against
    /// the channel's templates when queued (`PluginTemplates`).
    case template(name: String, language: String, parameters: [String])

    var name: String {
        switch self {
        case .pass: "pass"
        case .reply: "reply"
        case .handoff: "handoff"
        case .template: "template"
        }
    }
}

struct ResponderOutcome: Sendable {
    var verdict: ResponderVerdict
    /// The plugin whose verdict won, if any.
    var plugin: String?
    /// Plugins that failed or overran their deadline; the chain went on without them.
    var failures: [(plugin: String, error: String)] = []
    /// Events plugins journalled during the run (`host->journal`), in order: written as
    /// `plugin_event`s with the verdict.
    var events: [(plugin: String, detail: [String: String])] = []
    /// Writes the chain left to the caller (the conversation's count of unanswered
    /// messages): run inside the transaction that records the outcome, given the
    /// workspace bound to it.
    var save: (@Sendable (any WorkspaceStore) throws -> Void)?
}

/// A workspace's responders, as the pipeline sees them. Called on a worker thread, never
/// concurrently for the same conversation.
protocol Responders: Sendable {
    func respond(_ input: ResponderInput) -> ResponderOutcome
    /// Whether the chain may answer at once: it begins by computing, not waiting (its
    /// first plugin is called inline, `SB_PLUGIN_FLAG_INLINE`: an FAQ). Then the ingress
    /// hands a message to the worker before its commit, and an answer found before the
    /// chain waits for anything (`ResponderInput.beforeWaiting`) joins that commit
    /// (`CommitHolding`).
    var answersAtOnce: Bool { get }
}

extension Responders {
    var answersAtOnce: Bool { false }
}

/// A workspace without plugins: every message passes (and the workspace's fallback, if
/// any, answers).
struct NoResponders: Responders {
    func respond(_ input: ResponderInput) -> ResponderOutcome { ResponderOutcome(verdict: .pass) }
    var answersAtOnce: Bool { true }
}
