import Foundation
import SwitchboardChannels
import SwitchboardCore

/// Downloads the media of an inbound message lazily, when an agent or a plugin asks: the message
/// keeps only the provider's media id; the Graph API resolves it to a short-lived URL,
/// which is fetched at once with the channel's token (never stored), and the bytes are
/// checked against the reported SHA-256.
struct MediaFetcher: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The provider failed for now (timeout, 5xx, rate limited, damaged download).
        var retryable = false
        /// Larger than allowed (refused before any byte, or stopped).
        var tooLarge = false
    }

    /// Each channel's transport (the channel fetches its own media).
    let transports: [ChannelID: any ChannelTransport]
    /// The running host's transports, those a reload added included (asked after `transports`).
    var live: LiveTransports? = nil

    init(transports: [ChannelID: any ChannelTransport], live: LiveTransports? = nil) {
        self.transports = transports
        self.live = live
    }

    func transport(_ channel: ChannelID) -> (any ChannelTransport)? {
        transports[channel] ?? live?[channel]
    }

    /// The provider's media id of a stored message's payload (`{"type":"image",
    /// "image":{"id":...}}`), or nil.
    static func mediaID(payloadJSON: String?) -> String? {
        guard let payload = payloadJSON,
              let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else { return nil }
        // Telegram: the stored update; its file's `file_id`.
        if object["update_id"] != nil {
            guard let update = try? JSONReader.read(Array(payload.utf8)) else { return nil }
            return TelegramUpdates.file(inPayload: update)?.id
        }
        // WhatsApp Web (Evolution API): the message's own key names its media.
        if let key = object["key"] as? [String: Any], let content = object["message"] as? [String: Any] {
            let mediaFields = ["imageMessage", "videoMessage", "audioMessage", "documentMessage", "stickerMessage",
                               "documentWithCaptionMessage", "ptvMessage"]
            return mediaFields.contains { content[$0] != nil } ? key["id"] as? String : nil
        }
        guard let type = object["type"] as? String, let media = object[type] as? [String: Any] else { return nil }
        return media["id"] as? String
    }

    /// Whether `mediaID` is an id `channel`'s provider gives: digits for the Cloud API (it
    /// goes into a Graph URL path), a message key (letters and digits) for WhatsApp Web, a
    /// `file_id` (letters, digits, `-`, `_`) for Telegram.
    func isMediaID(_ mediaID: String, channel: ChannelID) -> Bool {
        if transport(channel) is TelegramTransport { return TelegramBotAPI.isFileID(mediaID) }
        if transport(channel) is EvolutionTransport {
            return !mediaID.isEmpty && mediaID.count <= 128 && mediaID.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122)
            }
        }
        return GraphAPIClient.isMediaID(mediaID)
    }

    /// Streams the media to `sink` as it arrives (the inbox's download route): the same
    /// lookup, checks and download as `fetch`, without holding the whole file.
    func stream(channel: ChannelID, mediaID: String, maxBytes: Int, to sink: some GraphMediaSink) throws(Failure) {
        guard let transport = self.transport(channel) else {
            throw Failure(description: "channel \(channel) cannot download media")
        }
        do {
            try transport.streamMedia(id: mediaID, maxBytes: maxBytes, to: sink)
        } catch {
            throw Failure(description: error.description, retryable: error.retryable, tooLarge: error.tooLarge)
        }
    }

    /// - Parameter maxBytes: refuse media larger than this (below the channel's own limit).
    func fetch(channel: ChannelID, mediaID: String, maxBytes: Int? = nil) throws -> (mimeType: String, bytes: [UInt8]) {
        guard let transport = self.transport(channel) else {
            throw Failure(description: "channel \(channel) cannot download media")
        }
        // The channel's own limit (100 MB on WhatsApp) holds below `maxBytes`.
        let sink = GraphMediaBuffer()
        let limit = min(maxBytes ?? Self.channelLimit, Self.channelLimit)
        do {
            try transport.streamMedia(id: mediaID, maxBytes: limit, to: sink)
        } catch {
            throw Failure(description: error.description, retryable: error.retryable, tooLarge: error.tooLarge)
        }
        return (sink.mimeType ?? "application/octet-stream", sink.bytes)
    }

    /// The most any channel's media may be (WhatsApp's limit).
    static let channelLimit = 100 * 1024 * 1024
}
