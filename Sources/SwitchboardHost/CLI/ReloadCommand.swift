import Foundation
import SwitchboardConfig
import SwitchboardLog
import SwitchboardStore

/// `switchboard reload [--config PATH]`: checks the config as `check` does (errors:
/// exit 1, the host is not asked), then sends SIGHUP to the running host (its process id
/// is in `STORAGE.pid`, written by `serve`) and waits for the host's answer in the audit
/// trail: what changed, what needs a restart (exit 0), or why it refused (exit 1).
enum ReloadCommand {
    /// `storage.sqlite` + `.pid`: beside the database the host owns (one host per file).
    static func pidFile(_ host: HostConfig) -> String? {
        if case .sqlite(let path, _) = host.storage { return path + ".pid" }
        return nil
    }

    static func writePIDFile(_ path: String?, logger: Logger) {
        guard let path else { return }
        do {
            try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            logger.warn("could not write the pid file; `switchboard reload` will not find this host (SIGHUP still works)",
                        ["file": path, LogKey.error: "\(error)"])
        }
    }

    static func run(_ options: CommandOptions) throws -> Int32 {
        let command = "switchboard reload"
        guard let config = ConfigLoading.forCommand(options) else {
            printErr("\(command): the config has errors; the running host was not asked to reload")
            return 1
        }
        guard let pid = runningHost(config) else {
            printErr("\(command): no running host found for this config (no live process in \(pidFile(config.host) ?? "its pid file"))")
            return 1
        }
        guard let store = ConfigLoading.openStore(config, command: command) else { return 1 }
        defer { store.close() }
        return try signal(pid, store: store, command: command)
    }

    /// The process id of the host serving this config, if one runs.
    static func runningHost(_ config: LoadedConfig) -> pid_t? {
        guard let pidPath = pidFile(config.host),
              let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0 else { return nil }
        return pid
    }

    /// Sends SIGHUP to the host and waits for its answer in the host's audit trail;
    /// prints it; 0 applied, 1 refused or no answer.
    static func signal(_ pid: pid_t, store: any Store, command: String) throws -> Int32 {
        let last = try store.hostAudit.list(before: nil, limit: 1).first?.id ?? 0
        guard kill(pid, SIGHUP) == 0 else {
            printErr("\(command): could not signal process \(pid): \(String(cString: strerror(errno)))")
            return 1
        }
        // The host writes the outcome of every reload to the audit trail.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let entries = try store.hostAudit.list(before: nil, limit: 20).filter {
                $0.id > last && ($0.action == "config_reload" || $0.action == "config_refused")
            }
            if let e = entries.last {
                if e.action == "config_reload" {
                    print("reloaded: \(e.summary)")
                    return 0
                }
                printErr("\(command): the host refused the config and runs on the previous one: \(e.summary)")
                return 1
            }
            usleep(50_000)
        }
        printErr("\(command): process \(pid) did not answer within 30 seconds; see its log")
        return 1
    }
}
