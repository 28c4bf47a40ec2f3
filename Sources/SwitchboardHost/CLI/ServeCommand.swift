import Foundation
import SwitchboardConfig
import SwitchboardLog

/// `switchboard serve [--config PATH]`: loads and checks the config (refusing to start
/// on any error, with the same messages as `check`), builds the host, starts its
/// services, and runs until SIGTERM or SIGINT, then stops gracefully and exits 0.
enum ServeCommand {
    static func run(_ options: CommandOptions) throws -> Int32 {
        let path = ConfigLoading.path(options)
        ServiceGroup.blockShutdownSignals()
        var config: LoadedConfig
        do {
            config = try ConfigLoading.load(path)
        } catch {
            printErr(error.description)
            printErr("switchboard serve: \(path): invalid config, not starting (\(error.errors.count) error\(error.errors.count == 1 ? "" : "s"))")
            return 1
        }
        let sink: LogSink
        do {
            let level = LogLevel(name: config.host.log.level.rawValue) ?? .info
            let format = LogFormat(rawValue: config.host.log.format.rawValue) ?? .json
            if let file = config.host.log.file {
                sink = try LogSink(level: level, format: format, path: file)
            } else {
                sink = LogSink(level: level, format: format)
            }
        } catch {
            printErr("switchboard serve: \(error)")
            return 1
        }
        for s in config.secrets { sink.registerSecret(s) }
        let logger = Logger(sink: sink)
        for w in config.warnings { logger.warn("config warning", ["diagnostic": w.description]) }

        Self.raiseOpenFileLimit(for: config.host.server.maxConnections, logger: logger)

        let host: Host
        do {
            host = try Host(config: config, logger: logger, configPath: path,
                             registerSecrets: { for s in $0 { sink.registerSecret(s) } })
        } catch {
            logger.error("cannot start", [LogKey.error: "\(error)"])
            printErr("switchboard serve: \(error)")
            return 1
        }
        // The host's copy, which keeps no plugin config texts (StartupMemory).
        config = host.config
        let group = ServiceGroup(services: host.services, logger: logger)
        do {
            try group.start()
        } catch {
            logger.error("cannot start", [LogKey.error: "\(error)"])
            printErr("switchboard serve: \(error)")
            host.store.close()
            return 1
        }
        StartupMemory.releaseFreedPages()
        host.setReady(true)
        // systemd (Type=notify): READY, RELOADING, STOPPING and the watchdog; nothing elsewhere.
        let systemd = SystemdNotifier(logger: logger)
        systemd.ready(status: "serving \(config.workspaces.count) workspaces")
        systemd.startWatchdog(problem: { host.healthProblem() })
        // The PID file before the "started" line: once a script (or a test) sees that line,
        // `switchboard reload` finds this process.
        let pidFile = ReloadCommand.pidFile(config.host)
        ReloadCommand.writePIDFile(pidFile, logger: logger)
        defer { if let pidFile { unlink(pidFile) } }
        logger.info("switchboard started", ["version": SwitchboardCLI.version, "workspaces": String(config.workspaces.count),
                                             "channels": String(config.host.channels.count)])
        let signal = group.waitForShutdownSignal(reload: {
            // SIGHUP (and `switchboard reload`): the files are read and checked again and
            // applied without a restart; a config with errors changes nothing.
            systemd.reloading()
            _ = host.reloader.reloadFiles(actor: "file")
            systemd.ready(status: "serving (reloaded)")
        })
        logger.info("shutting down", ["signal": signal])
        systemd.stopping()
        host.setReady(false)
        group.stop()
        host.shutdownPlugins()
        host.store.close()
        logger.info("stopped")
        return 0
    }

    /// Every connection is a file descriptor, and so are the database, its log and the
    /// plugins: raises the soft open-file limit (often 1024) towards the hard one so that
    /// `server.max_connections` can be reached; warns when it cannot.
    static func raiseOpenFileLimit(for connections: Int, logger: Logger) {
        let needed = rlim_t(connections + 256)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < needed else { return }
        let wanted = min(needed, limit.rlim_max)
        if wanted > limit.rlim_cur {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        if limit.rlim_cur < needed {
            logger.warn("the open-file limit is below what server.max_connections needs; raise it (ulimit -n, LimitNOFILE=) or lower max_connections",
                        ["open_file_limit": String(limit.rlim_cur), "needed": String(needed),
                         "max_connections": String(connections)])
        }
    }
}
