import Foundation
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

extension Host {
    /// Wires media kept on arrival onto the media download pool, and returns the services
    /// of templates (a sync at start) and media retention.
    static func agentTools(_ config: LoadedConfig, store: any Store, logger: Logger, pipeline: Pipeline,
                           downloads: MediaDownloads) -> [any Service] {
        let arrivals = MediaArrivals(store: store, media: pipeline.mediaStore, fetcher: pipeline.media, downloads: downloads,
                                     maxBytes: config.host.media.storeMaxBytes, logger: logger)
        if config.host.media.keepInbound {
            pipeline.arrivals.set { jobs in
                arrivals.arrived(jobs.compactMap { job in job.stored.map { (job.workspaceID, $0.message) } })
            }
        }
        let retention = Dictionary(config.workspaces.compactMap { w in w.mediaRetentionDays.map { (w.id, $0) } },
                                   uniquingKeysWith: { a, _ in a })
        return [BackgroundTask(name: "template-sync") { _ in pipeline.templates.syncAll() },
                BackgroundTask(name: "media-retention", every: .seconds(3600)) { now in
                    MediaRetention(store: store, media: pipeline.mediaStore, days: retention, logger: logger).run(now: now)
                }]
    }
}
