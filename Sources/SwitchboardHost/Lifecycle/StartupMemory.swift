#if canImport(Glibc)
import Glibc
#endif
import SwitchboardConfig
import SwitchboardCore

/// What start-up leaves behind in the heap: parsing every workspace file and building
/// every plugin instance (YAML trees, JSON objects, index-building scratch) frees far
/// more than it keeps, and glibc keeps freed pages that sit below live allocations.
/// With thousands of workspaces that was ~5.6 KB of resident memory per workspace
/// (bench/workspaces.sh). `releaseFreedPages` gives those pages back once, after start.
enum StartupMemory {
    /// Returns the heap's free pages to the system (glibc's `malloc_trim(0)`, looked up
    /// at run time: it is not in Swift's Glibc module). Does nothing elsewhere.
    static func releaseFreedPages() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}

extension LoadedConfig {
    /// This config without its plugins' config texts (each becomes the empty text), for
    /// what the host keeps once the plugin instances are created: nothing reads them
    /// after that, and a plugin that drops its config after `create` (ABI 1.4,
    /// SB_PLUGIN_FLAG_DROP_CONFIG; the bundled Swift plugins do) has it freed only when
    /// the config is not kept here too (~3 KB a workspace with a 20-entry FAQ). A
    /// plugin without that flag keeps its own reference until `destroy`.
    func releasingPluginConfigTexts() -> LoadedConfig {
        var config = self
        for w in config.workspaces.indices {
            for p in config.workspaces[w].plugins.indices {
                config.workspaces[w].plugins[p] = config.workspaces[w].plugins[p].releasingText(Self.releasedPluginConfig)
            }
        }
        return config
    }

    private static let releasedPluginConfig = SharedUTF8("")
}
