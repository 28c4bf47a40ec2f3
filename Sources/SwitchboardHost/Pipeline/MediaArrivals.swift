import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Keeps inbound media when it arrives, not when an agent asks: the provider's media ids
/// expire after 7 days, so a picture or a voice note is downloaded as soon as its message
/// is committed, on the media download pool (`MediaDownloads`: its threads, the same
/// lookup, size cap, SHA-256 check and token rule as agents' downloads), into the media
/// store (`MediaStore`), and recorded (`ws.media`). The inbox then serves the file from
/// the store, for as long as the workspace's retention keeps it.
///
/// A download that fails is logged and tried again up to `attempts` times with a growing
/// delay; until it succeeds the inbox still fetches from the provider on demand (within
/// the 7 days), so nothing is lost meanwhile.
struct MediaArrivals: Sendable {
    let store: any Store
    let media: MediaStore
    let fetcher: MediaFetcher
    let downloads: MediaDownloads
    let maxBytes: Int
    let logger: Logger
    var attempts = 4

    /// For each newly stored inbound message with media (called after the commit).
    func arrived(_ messages: [(WorkspaceID, Message)]) {
        for (workspace, message) in messages where message.direction == .inbound && message.kind.hasMedia {
            guard let mediaID = MediaFetcher.mediaID(payloadJSON: message.payloadJSON),
                  fetcher.isMediaID(mediaID, channel: message.channelID) else {
                continue
            }
            submit(workspace, message, mediaID, attempt: 1)
        }
    }

    private func submit(_ workspace: WorkspaceID, _ message: Message, _ mediaID: String, attempt: Int) {
        downloads.submitArrival(workspace: workspace, message: message.id) { [self] in
            keep(workspace, message, mediaID, attempt: attempt)
        }
    }

    /// On a download thread.
    func keep(_ workspace: WorkspaceID, _ message: Message, _ mediaID: String, attempt: Int) {
        let fields = [LogKey.workspace: workspace.rawValue, "message_id": message.id.rawValue, "attempt": String(attempt)]
        do {
            let ws = store.workspace(workspace)
            if try ws.media.get(message.id) != nil { return }
            // Streamed to a file of the store (hashed on the way), never held in memory.
            let writer = MediaStore.Writer(store: media, workspace: workspace)
            do {
                try fetcher.stream(channel: message.channelID, mediaID: mediaID, maxBytes: maxBytes, to: writer)
            } catch {
                writer.discard()
                throw error
            }
            let (sha256, created) = try writer.finish()
            let size = writer.size
            do {
                try ws.media.insert(StoredMedia(messageID: message.id, sha256: sha256, mimeType: MediaDownloads.contentType(writer.mimeType),
                                                size: size, filename: Self.filename(message.payloadJSON), origin: .inbound))
            } catch {
                if created {
                    do { try media.removeIfUnreferenced(workspace: workspace, sha256: sha256, media: ws.media) } catch {
                        logger.warn("a kept file was left in the media store after its record was not stored",
                                    fields.merging(["sha256": sha256, LogKey.error: "\(error)"]) { a, _ in a })
                    }
                }
                throw error
            }
            logger.info("inbound media kept", fields.merging(["size": String(size), "sha256": sha256]) { a, _ in a })
        } catch let failure as MediaFetcher.Failure where failure.tooLarge {
            logger.warn("inbound media not kept: larger than media.store_max_bytes; it stays with the provider for 7 days",
                        fields.merging([LogKey.error: failure.description]) { a, _ in a })
        } catch {
            guard attempt < attempts else {
                logger.error("inbound media not kept after \(attempts) attempts; agents can still fetch it from the provider within 7 days",
                             fields.merging([LogKey.error: "\(error)"]) { a, _ in a })
                return
            }
            logger.warn("inbound media not kept yet; trying again", fields.merging([LogKey.error: "\(error)"]) { a, _ in a })
            let delay = Double(1 << (attempt * 2)) // 4 s, 16 s, 64 s
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
                submit(workspace, message, mediaID, attempt: attempt + 1)
            }
        }
    }

    /// A document's file name from the provider's payload (Cloud API `document.filename`,
    /// Telegram `document.file_name`).
    static func filename(_ payload: String?) -> String? {
        guard let payload, let value = try? JSONReader.read(Array(payload.utf8)) else { return nil }
        if let file = TelegramUpdates.file(inPayload: value) { return AgentAttachments.cleanFilename(file.filename) }
        guard let type = value["type"]?.string else { return nil }
        return AgentAttachments.cleanFilename(value[type]?["filename"]?.string)
    }
}
