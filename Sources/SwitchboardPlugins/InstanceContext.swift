import CSwitchboardPlugin
import Foundation
import SwitchboardCore
import SwitchboardLog
import Synchronization

/// The `sb_host_ctx` of one plugin instance: the workspace and plugin it is bound to,
/// and what the host functions need. Plugins hold it as an opaque pointer; every host
/// function finds the workspace here, never from an argument, so a plugin can reach
/// only its own workspace.
///
/// Owns the `sb_instance_info` handed to `create`, which stays valid until after the
/// plugin's `destroy` returns.
final class InstanceContext: @unchecked Sendable {
    let workspace: WorkspaceID
    let plugin: String
    let logger: Logger
    let store: any PluginStateStore
    let clock: @Sendable () -> Date
    /// Where `host->count` adds (nil: counted nowhere, still checked).
    let counters: (any PluginCounterSink)?
    /// The counter names this instance used (at most SB_MAX_COUNTERS).
    let counterNames = Mutex<Set<String>>([])
    private let arena: StringArena
    let info: UnsafeMutablePointer<sb_instance_info>

    init(workspace: WorkspaceID, timezone: String, plugin: String, configJSON: String,
         logger: Logger, store: any PluginStateStore, clock: @escaping @Sendable () -> Date,
         counters: (any PluginCounterSink)? = nil) {
        self.counters = counters
        self.workspace = workspace
        self.plugin = plugin
        self.logger = logger
        self.store = store
        self.clock = clock
        let config = configJSON.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "{}" : configJSON
        arena = StringArena([plugin, workspace.rawValue, timezone, config])
        info = .allocate(capacity: 1)
        info.initialize(to: sb_instance_info())
        info.pointee.struct_size = UInt32(MemoryLayout<sb_instance_info>.size)
        info.pointee.plugin_name = arena.views[0]
        info.pointee.workspace_id = arena.views[1]
        info.pointee.workspace_timezone = arena.views[2]
        info.pointee.config_json = arena.views[3]
        info.pointee.host = UnsafePointer(hostTable)
        info.pointee.host_ctx = OpaquePointer(Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        info.deinitialize(count: 1)
        info.deallocate()
    }

    var configView: sb_str { info.pointee.config_json }

    static func from(_ ctx: OpaquePointer?) -> InstanceContext? {
        guard let ctx else { return nil }
        return Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
    }
}
