import Foundation
import Glibc
import SwitchboardAuth
import SwitchboardChannels
import SwitchboardCore

extension MediaStore {
    /// Receives a download straight into the media store (`GraphMediaSink`): bytes go to
    /// a temporary file in the workspace's folder as they arrive and are hashed on the
    /// way, so a 100 MB document never sits in memory. `finish` flushes the file and
    /// renames it to its SHA-256 name (or drops it when that file already exists);
    /// `discard` removes it after a failed download.
    final class Writer: GraphMediaSink {
        let store: MediaStore
        let workspace: WorkspaceID
        private(set) var mimeType: String?
        private(set) var size = 0
        private var fd: Int32 = -1
        private var temporary: String?
        private let hasher = SHA256Hasher()
        private(set) var failure: String?

        init(store: MediaStore, workspace: WorkspaceID) {
            self.store = store
            self.workspace = workspace
        }

        func begin(mimeType: String?, contentLength: Int?) -> Bool {
            self.mimeType = mimeType
            let folder = "\(store.root)/\(workspace.rawValue)"
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                failure = "cannot create the media folder \(folder): \(error.localizedDescription)"
                return false
            }
            let path = "\(folder)/.download.\(UInt64.random(in: 0...UInt64.max)).tmp"
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
            guard fd >= 0 else {
                failure = "cannot write \(path): \(String(cString: strerror(errno)))"
                return false
            }
            temporary = path
            return true
        }

        func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard fd >= 0, let base = bytes.baseAddress else { return bytes.isEmpty }
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, base + offset, bytes.count - offset)
                if n <= 0 {
                    failure = "cannot write the media file: \(String(cString: strerror(errno)))"
                    return false
                }
                offset += n
            }
            hasher.update(bytes)
            size += bytes.count
            return true
        }

        /// The stored file's hash and whether this download created it.
        func finish() throws(Failure) -> (sha256: String, created: Bool) {
            guard fd >= 0, let temporary else { throw Failure(description: failure ?? "the download never started") }
            let synced = fsync(fd) == 0
            close(fd)
            fd = -1
            let hash = hasher.finishHex()
            let target = try store.path(workspace: workspace, sha256: hash)
            if FileManager.default.fileExists(atPath: target) {
                unlink(temporary)
                return (hash, false)
            }
            let folder = (target as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard synced, rename(temporary, target) == 0 else {
                let why = String(cString: strerror(errno))
                unlink(temporary)
                throw Failure(description: "cannot store the media file \(target): \(why)")
            }
            return (hash, true)
        }

        func discard() {
            if fd >= 0 { close(fd); fd = -1 }
            if let temporary { unlink(temporary) }
        }
    }
}
