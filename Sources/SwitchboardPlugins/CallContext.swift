import CSwitchboardPlugin
import Synchronization
import SwitchboardCore

/// The `sb_call` of one `handle` call: collects the verdict the plugin gives through
/// host->reply / add_button / handoff, and serves host->history and host->media. Closed
/// when `handle` returns; a late use gets SB_ERR_OUTSIDE_CALL. Plugins hold a `CallTable`
/// handle for it, never its address.
final class CallContext: @unchecked Sendable {
    struct Collected {
        var open = true
        var reply: String?
        var buttons: [String] = []
        /// A template answer (`host->send_template`, ABI 1.4), in place of `reply`.
        var template: PluginTemplate?
        var handoffReason: String?
        /// The last host function that failed on this call, and why: added to the
        /// journal's message when the plugin then fails.
        var hostFailure: String?
        /// Events for the journal (`host->journal`, ABI 1.3), in the order given.
        var events: [PluginJournalEntry] = []
    }

    let state = Mutex(Collected())
    let history: (@Sendable (Int) throws -> [PluginHistoryEntry])?
    let media: MessageMedia?
    /// The message handled, for log lines.
    let message: MessageID
    let instance: InstanceContext

    init(instance: InstanceContext, message: MessageID, history: (@Sendable (Int) throws -> [PluginHistoryEntry])?,
         media: MessageMedia? = nil) {
        self.instance = instance
        self.message = message
        self.history = history
        self.media = media
    }

    /// Notes a host function's failure for the journal.
    func noteHostFailure(_ what: String) {
        state.withLock { $0.hostFailure = what }
    }

    /// The live call a plugin's `sb_call *` names; nil when there is none (`refusal`
    /// says which status the host function returns then).
    static func from(_ call: OpaquePointer?) -> CallContext? {
        call.flatMap { CallTable.shared.lookup($0) }
    }

    /// The status for a handle `from` found no call for: NULL is SB_ERR_INVALID; a
    /// handle whose call ended (or that was never one) is SB_ERR_OUTSIDE_CALL.
    static func refusal(_ call: OpaquePointer?) -> sb_status {
        call == nil ? SB_ERR_INVALID : SB_ERR_OUTSIDE_CALL
    }

    /// Ends the call and returns what the plugin set.
    func close() -> Collected {
        state.withLock { c in
            c.open = false
            return c
        }
    }
}
