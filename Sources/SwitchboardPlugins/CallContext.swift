import CSwitchboardPlugin
import Synchronization
import SwitchboardCore

/// The `sb_call` of one `handle` call: collects the verdict the plugin gives through
/// host->reply / add_button / handoff, and serves host->history and host->media. Closed
/// when `handle` returns; a late use gets SB_ERR_OUTSIDE_CALL.
final class CallContext: @unchecked Sendable {
    struct Collected {
        var open = true
        var reply: String?
        var buttons: [String] = []
        var handoffReason: String?
        /// The last host function that failed on this call, and why: added to the
        /// journal's message when the plugin then fails.
        var hostFailure: String?
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

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ call: OpaquePointer?) -> CallContext? {
        guard let call else { return nil }
        return Unmanaged<CallContext>.fromOpaque(UnsafeRawPointer(call)).takeUnretainedValue()
    }

    /// Ends the call and returns what the plugin set.
    func close() -> Collected {
        state.withLock { c in
            c.open = false
            return c
        }
    }
}
