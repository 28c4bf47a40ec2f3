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
    /// The workspace's logger, shared by its chain and all its instances (one metadata
    /// dictionary per workspace, not one per instance).
    let workspaceLogger: Logger
    let store: any PluginStateStore
    let clock: @Sendable () -> Date
    /// Where `host->count` adds (nil: counted nowhere, still checked).
    let counters: (any PluginCounterSink)?
    /// The counter names this instance used (at most SB_MAX_COUNTERS).
    let counterNames = Mutex<Set<String>>([])
    private let arena: StringArena
    /// The bytes `config_json` points to: shared with the workspace's loaded config (not
    /// copied), kept alive here until the context goes, after the plugin's `destroy`;
    /// or, once `releaseConfig` ran (a plugin with SB_PLUGIN_FLAG_DROP_CONFIG), the
    /// empty text. Changed only before the instance is handed to a chain.
    private var config: SharedUTF8
    let info: UnsafeMutablePointer<sb_instance_info>

    init(workspace: WorkspaceID, timezone: String, plugin: String, config: SharedUTF8,
         workspaceLogger: Logger, store: any PluginStateStore, clock: @escaping @Sendable () -> Date,
         counters: (any PluginCounterSink)? = nil) {
        self.counters = counters
        self.workspace = workspace
        self.plugin = plugin
        self.workspaceLogger = workspaceLogger
        self.store = store
        self.clock = clock
        self.config = config.isBlank ? Self.emptyConfig : config
        arena = StringArena([plugin, workspace.rawValue, timezone])
        info = .allocate(capacity: 1)
        info.initialize(to: sb_instance_info())
        info.pointee.struct_size = UInt32(MemoryLayout<sb_instance_info>.size)
        info.pointee.plugin_name = arena.views[0]
        info.pointee.workspace_id = arena.views[1]
        info.pointee.workspace_timezone = arena.views[2]
        info.pointee.config_json = Self.view(self.config)
        info.pointee.host = UnsafePointer(hostTable)
        info.pointee.host_ctx = OpaquePointer(Unmanaged.passUnretained(self).toOpaque())
    }

    /// This instance's logger: the workspace's, with the plugin's name (built when used).
    var logger: Logger { workspaceLogger.with(LogKey.plugin, plugin) }

    /// What a plugin gets for a blank config.
    static let emptyConfig = SharedUTF8("{}")
    /// What `config_json` and `host->config` give once the config was released: the
    /// empty string (`len` 0, `ptr` at a NUL), never freed memory.
    static let releasedConfig = SharedUTF8("")

    private static func view(_ text: SharedUTF8) -> sb_str {
        sb_str(ptr: UnsafeRawPointer(text.bytes.baseAddress!).assumingMemoryBound(to: CChar.self), len: text.count)
    }

    /// Lets go of the config text (ABI 1.4, SB_PLUGIN_FLAG_DROP_CONFIG: the plugin read
    /// it in `create` and keeps no pointer into it): `config_json` and `host->config`
    /// become the empty string, and the text is freed with its last other reference.
    /// Called once `create` returned, before any `handle`.
    func releaseConfig() {
        info.pointee.config_json = Self.view(Self.releasedConfig)
        config = Self.releasedConfig
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
