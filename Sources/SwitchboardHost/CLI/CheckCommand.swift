import Foundation
import SwitchboardConfig
import SwitchboardLog
import SwitchboardPlugins

/// `switchboard check [--config PATH]`: validates the host config and every workspace
/// file; prints each problem as `FILE:LINE:COLUMN: error: MESSAGE` and exits 1, or prints
/// a summary and exits 0. Warnings are printed either way.
enum CheckCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        let path = ConfigLoading.path(options)
        do {
            let loaded = try ConfigLoading.load(path)
            var problems = loaded.warnings.map(\.description)
            problems += PluginCheck.problems(loaded)
            for w in problems { print(w) }
            if problems.contains(where: { $0.contains(": error: ") }) { return 1 }
            let ws = loaded.workspaces.map(\.id.rawValue).sorted().joined(separator: ", ")
            print("\(path): ok: \(loaded.workspaces.count) workspace(s) (\(ws)), \(loaded.host.channels.count) channel(s)")
            return 0
        } catch {
            print(error.description)
            let n = error.errors.count
            printErr("\(path): \(n) error\(n == 1 ? "" : "s")")
            return 1
        }
    }
}

/// Plugin problems `check` reports without starting: every workspace's chain is loaded
/// and instantiated with its config (with throwaway in-memory state), then shut down.
enum PluginCheck {
    static func problems(_ loaded: LoadedConfig) -> [String] {
        let host = PluginHost(searchPaths: loaded.host.pluginPaths, logger: Logger(sink: LogSink(level: .error)),
                              stateStore: InMemoryPluginStateStore())
        let (chains, problems) = PluginLoading.chains(loaded, host: host)
        for c in chains.values { c.shutdown() }
        return problems
    }
}
