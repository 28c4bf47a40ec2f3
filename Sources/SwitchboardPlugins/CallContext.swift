import CSwitchboardPlugin
import Synchronization
import SwitchboardCore

/// The `sb_call` of one `handle` call: collects the verdict the plugin gives through
/// host->reply / add_button / handoff, and serves host->history. Closed when `handle`
/// returns; a late use gets SB_ERR_OUTSIDE_CALL.
final class CallContext: @unchecked Sendable {
    struct Collected {
        var open = true
        var reply: String?
        var buttons: [String] = []
        var handoffReason: String?
    }

    let state = Mutex(Collected())
    let history: (@Sendable (Int) throws -> [PluginHistoryEntry])?
    let instance: InstanceContext

    init(instance: InstanceContext, history: (@Sendable (Int) throws -> [PluginHistoryEntry])?) {
        self.instance = instance
        self.history = history
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
