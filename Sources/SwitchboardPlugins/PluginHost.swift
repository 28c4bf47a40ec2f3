import CSwitchboardPlugin
import Foundation
import SwitchboardCore
import SwitchboardLog

/// Loads responder plugins and builds workspaces' responder chains.
///
///     let host = PluginHost(searchPaths: [".build/release"], logger: log, stateStore: store)
///     let chain = try host.load(workspace: "bakery", timezone: "Africa/Lagos", specs: [
///         PluginSpec(name: "faq", configJSON: #"{"entries": [...]}"#),
///         PluginSpec(name: "handoff"),
///     ])
///     let result = await chain.run(message: msg)   // .reply / .handoff / .pass, + errors
///
/// Libraries are opened once per process and never closed; each workspace gets its own
/// instances, bound to it. Thread-safe.
public final class PluginHost: Sendable {
    public let searchPaths: [String]
    let logger: Logger
    let stateStore: any PluginStateStore
    let clock: @Sendable () -> Date
    let pool: PluginPool
    let counters: (any PluginCounterSink)?

    /// - Parameters:
    ///   - searchPaths: directories searched, in order, for `libNAME.so`.
    ///   - stateStore: plugins' per-workspace state (the durable store in `serve`).
    ///   - clock: the time plugins see through `now_ms` (fixed in tests).
    ///   - poolThreads: threads running plugin calls at once (calls past their deadline
    ///     do not count against it).
    ///   - counters: where plugins' `host->count` adds (the host's metrics); nil drops
    ///     the counts (after checking them).
    public init(
        searchPaths: [String], logger: Logger, stateStore: any PluginStateStore,
        clock: @escaping @Sendable () -> Date = { Date() }, poolThreads: Int = 16,
        counters: (any PluginCounterSink)? = nil
    ) {
        self.counters = counters
        self.searchPaths = searchPaths
        self.logger = logger
        self.stateStore = stateStore
        self.clock = clock
        self.pool = PluginPool(threads: poolThreads)
    }

    /// The ABI this host provides, "major.minor".
    public static var abiVersion: String { "\(SWITCHBOARD_PLUGIN_ABI_MAJOR).\(SWITCHBOARD_PLUGIN_ABI_MINOR)" }

    /// Every plugin library opened by this process, sorted by file.
    public static func loadedPlugins() -> [PluginInfo] {
        PluginLibrary.all().map(\.info)
    }

    /// The file plugin `name` loads from: `file` if given, else the first
    /// `libNAME.so` on the search paths.
    public func resolve(name: String, file: String? = nil) throws -> String {
        guard PluginSpec.isValidName(name) else {
            throw PluginLoadError(code: .invalidSpec, plugin: name, file: file, workspace: nil,
                                  message: "plugin name \"\(name)\" is invalid: use lower-case letters, digits, - and _")
        }
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw PluginLoadError(code: .notFound, plugin: name, file: file, workspace: nil,
                                      message: "plugin \(name): file \(file) does not exist")
            }
            return file
        }
        let base = "lib\(name).so"
        for dir in searchPaths {
            let path = (dir as NSString).appendingPathComponent(base)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw PluginLoadError(code: .notFound, plugin: name, file: nil, workspace: nil,
                              message: "plugin \(name): \(base) not found in \(searchPaths.isEmpty ? "(no plugin path)" : searchPaths.joined(separator: ", "))")
    }

    /// Opens plugin `name` (once per process) and returns what its descriptor says,
    /// without instantiating it: for `switchboard plugins` and `check`.
    public func inspect(name: String, file: String? = nil) throws -> PluginInfo {
        try library(name: name, file: file).info
    }

    func library(name: String, file: String?) throws -> PluginLibrary {
        let path = try resolve(name: name, file: file)
        let (lib, opened) = try PluginLibrary.open(name: name, path: path)
        if opened {
            logger.info("plugin library loaded", [
                LogKey.plugin: name, "plugin_id": lib.info.id, "plugin_version": lib.info.version,
                "abi": lib.info.abi, "file": lib.info.file,
            ])
        }
        return lib
    }

    /// The `libNAME.so` files on the search paths, by name (the first of a name wins, as
    /// in loading), without opening them.
    public func filesOnSearchPath() -> [(name: String, file: String)] {
        var seen: Set<String> = []
        var out: [(name: String, file: String)] = []
        for dir in searchPaths {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for f in entries.sorted() where f.hasPrefix("lib") && f.hasSuffix(".so") {
                let name = String(f.dropFirst(3).dropLast(3))
                guard PluginSpec.isValidName(name), seen.insert(name).inserted else { continue }
                out.append((name, (dir as NSString).appendingPathComponent(f)))
            }
        }
        return out
    }

    /// Instantiates `specs`, in order, for `workspace` and returns its chain. Fails on the
    /// first plugin that cannot be loaded or refuses its config (the error names plugin,
    /// file and workspace); instances already created are destroyed again.
    ///
    /// - Parameter timezone: the workspace's IANA timezone, given to plugins.
    public func load(workspace: WorkspaceID, timezone: String? = nil, specs: [PluginSpec]) throws -> ResponderChain {
        var instances: [PluginInstance] = []
        let workspaceLogger = logger.with(LogKey.workspace, workspace.rawValue)
        do {
            for spec in specs {
                guard spec.deadlineMilliseconds > 0 else {
                    throw PluginLoadError(code: .invalidSpec, plugin: spec.name, file: spec.file, workspace: workspace.rawValue,
                                          message: "plugin \(spec.name) in workspace \(workspace): deadline must be positive, not \(spec.deadlineMilliseconds) ms")
                }
                let lib: PluginLibrary
                do {
                    lib = try library(name: spec.name, file: spec.file)
                } catch let e as PluginLoadError {
                    throw PluginLoadError(code: e.code, plugin: e.plugin, file: e.file, workspace: workspace.rawValue,
                                          message: "\(e.message) (workspace \(workspace))")
                }
                let context = InstanceContext(
                    workspace: workspace, timezone: timezone ?? "", plugin: spec.name, config: spec.configText,
                    workspaceLogger: workspaceLogger, store: stateStore, clock: clock, counters: counters)
                let instance = try PluginInstance.create(spec: spec, workspace: workspace, library: lib, context: context)
                context.logger.info("plugin instance created", [
                    "plugin_id": lib.info.id, "plugin_version": lib.info.version, "abi": lib.info.abi, "file": lib.info.file,
                ])
                instances.append(instance)
            }
        } catch {
            for i in instances { i.destroy() }
            throw error
        }
        return ResponderChain(workspace: workspace, instances: instances, pool: pool, store: stateStore, logger: workspaceLogger)
    }
}
