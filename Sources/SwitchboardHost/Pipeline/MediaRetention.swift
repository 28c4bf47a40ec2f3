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
            do {
                let files = try media.expire(workspace: workspace, before: now.addingTimeInterval(-Double(days) * 86_400),
                                             store: store, logger: logger)
                if files > 0 {
                    logger.info("media deleted by retention", [LogKey.workspace: workspace.rawValue, "files": String(files),
                                                               "retention_days": String(days)])
                }
            } catch {
                logger.error("media retention failed; tried again at the next run", [
                    LogKey.workspace: workspace.rawValue, LogKey.error: "\(error)"])
            }
        }
    }
}
