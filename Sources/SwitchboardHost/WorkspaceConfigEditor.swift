import Foundation
import Glibc
import SwitchboardCore
import SwitchboardConfig
import SwitchboardStore

/// Edits of a workspace's config through the API, with the files as the one source of
/// truth: the page or API client writes the workspace's own file (`workspaces/ID.yaml`),
/// never a copy in the database. A write keeps the previous version beside it
/// (`ID.yaml.prev`), replaces the file atomically (a temporary file renamed over it) and
/// reloads; if the reload refuses the new text (the same `FILE:LINE:COLUMN` errors as
/// `check`), the previous text is put back and nothing changes. A hand edit of the file
/// is what the next `GET` shows, and an API edit survives a restart because it is the
/// file. Writes and reloads are serialised, so a SIGHUP never sees half an edit.
///
/// What a workspace's admin may not do through the API, because it reaches the server
/// itself: add or change a plugin's `file:` (a library the host would load, running its
/// code) or a `config_file:` (a file the host would read). Those stay edits of the files on
/// the server; the API refuses them (422) before anything is loaded.
struct WorkspaceConfigEditor: Sendable {
    let reloader: HostReload

    /// The file of a configured workspace.
    func file(_ workspace: WorkspaceID) -> String? {
        reloader.config.workspaces.first { $0.id == workspace }?.file
    }

    func read(_ workspace: WorkspaceID) throws -> String? {
        guard let path = file(workspace) else { return nil }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// Writes `text` as the workspace's file and reloads; on refusal the old file is
    /// back and the outcome carries the errors.
    func write(_ workspace: WorkspaceID, text given: String, actor: String) -> ReloadOutcome {
        guard let path = file(workspace) else {
            return ReloadOutcome(applied: false, errors: ["workspace \(workspace) has no config file"])
        }
        let current: String
        do {
            current = try read(workspace) ?? ""
        } catch {
            return ReloadOutcome(applied: false, errors: ["\(path): the file could not be read: \(error)"])
        }
        if let refusal = Self.serverPaths(old: current, new: given) {
            return ReloadOutcome(applied: false, errors: ["\(path): error: \(refusal)"])
        }
        // The masks `GET /workspace/config` shows stand for the secrets the file holds.
        let text: String
        switch Self.unmasking(given, old: current) {
        case .success(let t): text = t
        case .failure(let refusal): return ReloadOutcome(applied: false, errors: ["\(path): error: \(refusal.description)"])
        }
        return reloader.withReloadLock { _ in
            let previous: Data
            do {
                previous = try Data(contentsOf: URL(fileURLWithPath: path))
                try Self.replace(path + ".prev", with: previous, modeOf: path)
                try Self.replace(path, with: Data(text.utf8))
            } catch {
                return ReloadOutcome(applied: false, errors: ["\(path): the file could not be written: \(error)"])
            }
            let outcome = reloader.reloadLocked(actor: actor, workspaceActor: [workspace: actor])
            if !outcome.applied {
                do {
                    try Self.replace(path, with: previous)
                } catch {
                    reloader.logger.error("the previous workspace file could not be put back; it is kept as .prev",
                                          ["file": path, "error": "\(error)"])
                }
                audit(workspace, actor: actor, action: "config_refused",
                      summary: "edit refused, file unchanged: " + outcome.errors.joined(separator: "; "))
            } else if !outcome.changed.contains(workspace.rawValue) {
                audit(workspace, actor: actor, action: "config_reload", summary: "file written without changes")
            }
            return outcome
        }
    }

    /// Writes an audit entry; a failure is logged (the edit itself stands or was undone).
    private func audit(_ workspace: WorkspaceID, actor: String, action: String, summary: String) {
        do {
            try reloader.store.workspace(workspace).audit.record(actor: actor, action: action, summary: summary)
        } catch {
            reloader.logger.error("audit entry not written", ["workspace": workspace.rawValue, "error": "\(error)"])
        }
    }

    /// The file of a new workspace: its name, region and time zone, and the fallback
    /// answer until its owner sets up the FAQ and channels.
    static func newWorkspaceText(id: WorkspaceID, name: String, region: String, timezone: String) -> String {
        """
        # Created by an operator (`switchboard workspace add` or the API); the owner edits
        # the rest through the admin API or this file.
        id: \(id)
        name: \(JSONText.quoted(name))
        region: \(JSONText.quoted(region))
        timezone: \(JSONText.quoted(timezone))
        fallback: "Thanks! We will get back to you shortly."

        """
    }

    /// Creates a workspace's file and reloads. Refused (nothing written, nothing changed)
    /// if the id is taken or the config does not check with it.
    func create(_ workspace: WorkspaceID, text: String, actor: String) -> ReloadOutcome {
        let dir = reloader.config.host.workspacesDirectory
        let path = (dir as NSString).appendingPathComponent("\(workspace).yaml")
        return reloader.withReloadLock { _ in
            if reloader.config.workspaces.contains(where: { $0.id == workspace })
                || FileManager.default.fileExists(atPath: path)
                || FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("\(workspace).yml")) {
                return ReloadOutcome(applied: false, errors: ["workspace \(workspace) exists already (\(path))"])
            }
            do {
                try Self.replace(path, with: Data(text.utf8))
            } catch {
                return ReloadOutcome(applied: false, errors: ["\(path): the file could not be written: \(error)"])
            }
            let outcome = reloader.reloadLocked(actor: actor, workspaceActor: [workspace: actor])
            if !outcome.applied { unlink(path) }
            return outcome
        }
    }

    /// The `file:` and `config_file:` lines of the new text that the old text does not
    /// have, as a refusal; nil when there are none.
    static func serverPaths(old: String, new: String) -> String? {
        // Block and flow style alike: every `file:` / `config_file:` key with its value.
        func lines(_ text: String) -> Set<String> {
            Set(("\n" + text).matches(of: /[\s{,"'-](?:config_file|file)["']?\s*:\s*[^,}\n]*/).map {
                String($0.output.dropFirst()).replacingOccurrences(of: " ", with: "")
            })
        }
        let added = lines(new).subtracting(lines(old))
        guard !added.isEmpty else { return nil }
        return "a plugin's file: or config_file: names a path on the server (\(added.sorted().joined(separator: ", "))); change it in the file on the server, not through the API"
    }

    /// Writes `data` to a temporary file beside `path` and renames it over `path`. The
    /// file keeps the permissions of the one it replaces (a workspace file holds secrets:
    /// 0600 or 0640 stays so); a new file gets 0640 (`.prev` those of the file it copies).
    static func replace(_ path: String, with data: Data, modeOf source: String? = nil) throws {
        let temp = path + ".tmp-\(getpid())"
        var st = stat()
        let mode: mode_t = stat(source ?? path, &st) == 0 ? st.st_mode & 0o7777 : 0o640
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = fchmod(fd, mode) // whatever the umask
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        let synced = written && fsync(fd) == 0
        close(fd)
        guard synced else {
            unlink(temp)
            throw POSIXError(.EIO)
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
    }
}
