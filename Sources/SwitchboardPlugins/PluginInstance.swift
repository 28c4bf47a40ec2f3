import CSwitchboardPlugin
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// One plugin instantiated for one workspace, with that workspace's config.
///
/// Thread-safe. Tracks the calls in flight so that a conversation never has two calls of
/// the same instance at once (the header's promise), and so that an instance whose calls
/// keep overrunning their deadline stops taking new ones.
public final class PluginInstance: @unchecked Sendable {
    public let spec: PluginSpec
    public let workspace: WorkspaceID
    public var info: PluginInfo { library.info }

    let library: PluginLibrary
    let context: InstanceContext
    private let instance: UnsafeMutableRawPointer?

    /// Calls past their deadline that may still run at once before new calls are skipped.
    static let maxOverrunning = 4

    struct Tracking {
        var running: [ConversationID: Int] = [:]
        var runningTotal = 0
        var overrunning = 0
        var destroyed = false
    }
    let tracking = Mutex(Tracking())

    /// Set once an inline call overran its deadline: the instance then runs on the pool.
    private let demoted = Atomic<Bool>(false)

    /// Whether the chain calls this instance on its own thread: the plugin declared
    /// SB_PLUGIN_FLAG_INLINE (ABI 1.2) and no inline call of it has overrun its deadline.
    public var callsInline: Bool {
        library.info.callsInline && !demoted.load(ordering: .relaxed)
    }

    /// Sends the instance's calls to the pool from now on. True for the call that
    /// demoted it (so the demotion is logged once).
    func demoteToPool() -> Bool {
        demoted.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }

    init(spec: PluginSpec, workspace: WorkspaceID, library: PluginLibrary, context: InstanceContext, instance: UnsafeMutableRawPointer?) {
        self.spec = spec
        self.workspace = workspace
        self.library = library
        self.context = context
        self.instance = instance
    }

    /// Creates an instance of `library` for `workspace`; the plugin's `create` error, if
    /// any, becomes a `PluginLoadError` naming plugin, file and workspace.
    static func create(spec: PluginSpec, workspace: WorkspaceID, library: PluginLibrary, context: InstanceContext) throws -> PluginInstance {
        var out: UnsafeMutableRawPointer?
        let (status, message) = withErrorBuffer { err in
            library.descriptor.create!(UnsafePointer(context.info), &out, err)
        }
        guard status == SB_OK else {
            let why = message.isEmpty ? "status \(status)" : message
            throw PluginLoadError(
                code: .createFailed, plugin: spec.name, file: library.info.file, workspace: workspace.rawValue,
                message: "plugin \(spec.name) (\(library.info.file)) failed to start for workspace \(workspace): \(why)")
        }
        // The context is what the plugin's `sb_host_ctx` points to: keep it alive until
        // the plugin's destroy has returned, even if this object goes away first (a
        // plugin may keep threads of its own that log).
        _ = Unmanaged.passRetained(context)
        var spec = spec
        if library.info.dropsConfig {
            // The plugin parsed its config and keeps no pointer into it (ABI 1.4): neither
            // the context nor the spec keeps the text, so it is freed with the caller's
            // last reference (with thousands of workspaces, ~3 KB each).
            context.releaseConfig()
            spec.configText = InstanceContext.releasedConfig
        }
        return PluginInstance(spec: spec, workspace: workspace, library: library, context: context, instance: out)
    }

    /// Calls the plugin's `handle` on the calling thread, without a deadline: the chain
    /// calls this on its pool, or on its own thread for an inline plugin; tools and
    /// benchmarks may call it directly.
    public func invoke(_ prepared: PreparedPluginMessage) -> PluginCallOutcome {
        let call = CallContext(instance: context, message: prepared.message.message, history: prepared.message.history,
                               media: prepared.media)
        let handle = CallTable.shared.open(call)
        let start = DispatchTime.now().uptimeNanoseconds
        let (status, written) = withErrorBuffer { err in
            library.descriptor.handle!(instance, prepared.view, handle, err)
        }
        var message = written
        // From here the handle is refused (SB_ERR_OUTSIDE_CALL), from any thread.
        CallTable.shared.release(handle)
        let collected = call.close()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        if status != SB_OK {
            // The host's reason for a failed host function (the plugin cannot read it)
            // goes with the plugin's message into the journal.
            if message.isEmpty { message = "status \(status), no message" }
            if let host = collected.hostFailure { message += " (after host->\(host))" }
        }
        return PluginCallOutcome(
            status: status, errorMessage: status == SB_OK ? "" : message,
            reply: collected.reply, buttons: collected.buttons, handoffReason: collected.handoffReason,
            elapsedNanoseconds: elapsed, events: collected.events, template: collected.template)
    }

    /// Reserves the conversation for one call; nil when it must be skipped, with why.
    func begin(_ conversation: ConversationID) -> String? {
        tracking.withLock { t in
            if t.destroyed { return "the instance was shut down" }
            if t.running[conversation, default: 0] > 0 {
                return "a previous call for this conversation is still running"
            }
            if t.overrunning >= PluginInstance.maxOverrunning {
                return "\(t.overrunning) calls are still running past their deadline"
            }
            t.running[conversation, default: 0] += 1
            t.runningTotal += 1
            return nil
        }
    }

    func end(_ conversation: ConversationID) {
        tracking.withLock { t in
            t.running[conversation, default: 1] -= 1
            if t.running[conversation] == 0 { t.running[conversation] = nil }
            t.runningTotal -= 1
        }
    }

    /// Calls the plugin's `destroy` unless a call is still running (then the instance is
    /// left alone, and logged). Returns whether it was destroyed.
    @discardableResult
    func destroy() -> Bool {
        let ok = tracking.withLock { t -> Bool in
            if t.destroyed || t.runningTotal > 0 { return false }
            t.destroyed = true
            return true
        }
        guard ok else {
            context.logger.warn("plugin instance not destroyed: calls still running")
            return false
        }
        library.descriptor.destroy?(instance)
        Unmanaged.passUnretained(context).release()
        return true
    }
}

/// Runs `body` with a caller-owned `sb_error` over a zeroed stack buffer, and returns its
/// result with the message the plugin wrote. The message is read from the host's own
/// buffer only: `length` bytes of it at most, capped at its size. `message` and
/// `capacity` are never read back (the plugin can write the struct, and the host would
/// otherwise read wherever they point); if the plugin changed `message`, its text is not
/// read at all.
func withErrorBuffer<R>(_ body: (UnsafeMutablePointer<sb_error>) -> R) -> (R, String) {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: errorBufferSize) { buf in
        buf.initialize(repeating: 0)
        let own = buf.baseAddress!
        var err = sb_error(struct_size: UInt32(MemoryLayout<sb_error>.size), code: 0, message: own, capacity: buf.count, length: 0)
        let result = body(&err)
        guard err.message == own else { return (result, "") }
        // Up to `length`, capped, and to the first NUL (a length past what was written).
        let bytes = UnsafeRawBufferPointer(start: own, count: min(err.length, buf.count))
        return (result, String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self))
    }
}

/// Bytes of the error buffer given to `create` and `handle`.
let errorBufferSize = 1024
