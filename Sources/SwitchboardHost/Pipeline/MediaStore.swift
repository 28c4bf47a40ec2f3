import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The media store: files under `media.dir` (by default `media/` beside the database),
/// one folder per workspace, each file named by the SHA-256 of its bytes
/// (`ROOT/WORKSPACE/ab/abcdef...`). Content-addressed, so the same picture sent twice is
/// kept once, and a file is never changed once written. Which message has which file is
/// a `StoredMedia` record in the store (`ws.media`).
///
/// A file is written to a temporary name in its folder, flushed, then renamed into place:
/// a crash leaves either no file or the whole file, never half of one. Workspaces never
/// share a folder, so retention of one cannot remove another's file.
struct MediaStore: Sendable {
    let root: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The folder for a host config: `media.dir`, or `media` beside the SQLite file.
    static func root(configured: String?, databasePath: String?) -> String {
        if let configured, !configured.isEmpty { return configured }
        let folder = databasePath.map { ($0 as NSString).deletingLastPathComponent } ?? "data"
        return ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent("media")
    }

    /// Where a workspace's file with this hash lives. Hashes are 64 hex digits (checked),
    /// workspace ids are identifiers: no path can climb out of the root.
    func path(workspace: WorkspaceID, sha256: String) throws(Failure) -> String {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw Failure(description: "'\(sha256)' is not a SHA-256 in hex")
        }
        let ws = workspace.rawValue
        guard !ws.isEmpty, !ws.contains("/"), ws != ".", ws != ".." else {
            throw Failure(description: "workspace id '\(ws)' cannot name a folder")
        }
        return "\(root)/\(ws)/\(sha256.prefix(2))/\(sha256)"
    }

    /// Writes the bytes (once: an existing file with this hash is kept) and returns their
    /// hash and whether this call created the file (so a caller whose record then fails
    /// to commit can take it back with `removeIfUnreferenced`).
    @discardableResult
    func put(_ bytes: [UInt8], workspace: WorkspaceID) throws(Failure) -> (sha256: String, created: Bool) {
        let hash = Self.sha256Hex(bytes)
        let target = try path(workspace: workspace, sha256: hash)
        let fm = FileManager.default
        if fm.fileExists(atPath: target) { return (hash, false) }
        let folder = (target as NSString).deletingLastPathComponent
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create the media folder \(folder): \(error.localizedDescription)")
        }
        let temporary = "\(folder)/.\(hash).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard fd >= 0 else { throw Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var ok = true
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; return }
                offset += n
            }
        }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot store the media file \(target): \(why)")
        }
        return (hash, true)
    }

    func read(workspace: WorkspaceID, sha256: String) throws(Failure) -> [UInt8] {
        let p = try path(workspace: workspace, sha256: sha256)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw Failure(description: "the media file \(sha256) of workspace \(workspace) is missing")
        }
        return Array(data)
    }

    func exists(workspace: WorkspaceID, sha256: String) -> Bool {
        guard let p = try? path(workspace: workspace, sha256: sha256) else { return false }
        return FileManager.default.fileExists(atPath: p)
    }

    /// Deletes the file when no live record of the workspace names it any more.
    func removeIfUnreferenced(workspace: WorkspaceID, sha256: String, media: any MediaRepository) throws {
        guard try !media.isReferenced(sha256: sha256) else { return }
        let p = try path(workspace: workspace, sha256: sha256)
        if unlink(p) != 0 && errno != ENOENT {
            throw Failure(description: "cannot delete \(p): \(String(cString: strerror(errno)))")
        }
    }

    /// Deletes each of `hashes` that no live record of the workspace names any more (after
    /// their records were marked deleted: retention, erasure); a file that cannot be
    /// deleted is logged and the others are still removed.
    func removeUnreferenced(_ hashes: [String], workspace: WorkspaceID, media: any MediaRepository, logger: Logger) {
        for hash in hashes {
            do {
                try removeIfUnreferenced(workspace: workspace, sha256: hash, media: media)
            } catch {
                logger.error("media file not deleted", [LogKey.workspace: workspace.rawValue, "sha256": hash, LogKey.error: "\(error)"])
            }
        }
    }

    /// Marks the workspace's media older than `cutoff` deleted and removes the files no
    /// live record names; returns how many files were marked.
    func expire(workspace: WorkspaceID, before cutoff: Date, store: any Store, logger: Logger) throws -> Int {
        let records = store.workspace(workspace).media
        let hashes = try records.expire(before: cutoff)
        removeUnreferenced(hashes, workspace: workspace, media: records, logger: logger)
        return hashes.count
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String { Secrets.sha256Hex(bytes) }
}
