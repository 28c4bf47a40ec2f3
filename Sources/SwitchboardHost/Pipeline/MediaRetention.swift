import Foundation
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Deletes media files older than each workspace's `media_retention_days` (workspaces
/// without the key keep them for ever). The records stay, marked deleted, so the inbox
/// answers 410 for them instead of a missing file; a file is removed only when no live
/// record of that workspace names it (the same picture sent again later is kept).
struct MediaRetention: Sendable {
    let store: any Store
    let media: MediaStore
    let days: [WorkspaceID: Int]
    let logger: Logger

    func run(now: Date) {
        for (workspace, days) in days.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let ws = store.workspace(workspace)
            do {
                let hashes = try ws.media.expire(before: now.addingTimeInterval(-Double(days) * 86_400))
                for hash in hashes { try media.removeIfUnreferenced(workspace: workspace, sha256: hash, media: ws.media) }
                if !hashes.isEmpty {
                    logger.info("media deleted by retention", [LogKey.workspace: workspace.rawValue, "files": String(hashes.count),
                                                               "retention_days": String(days)])
                }
            } catch {
                logger.error("media retention failed; tried again at the next run", [
                    LogKey.workspace: workspace.rawValue, LogKey.error: "\(error)"])
            }
        }
    }
}
