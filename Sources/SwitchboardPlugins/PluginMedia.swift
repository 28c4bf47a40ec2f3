import CSwitchboardPlugin
import Synchronization

/// The media of an inbound message (image, audio, video, document, sticker), as the host
/// downloaded it for a plugin (`host->media`).
public struct PluginMedia: Sendable, Equatable {
    /// As the provider reported it ("image/jpeg"); "application/octet-stream" when it
    /// gave none.
    public var mimeType: String
    public var bytes: [UInt8]

    public init(mimeType: String, bytes: [UInt8]) {
        self.mimeType = mimeType
        self.bytes = bytes
    }

    /// The most bytes a plugin is given (`SB_MAX_MEDIA_BYTES`, 16 MiB).
    public static let maxBytes = Int(SB_MAX_MEDIA_BYTES)
}

/// Why the media of a message could not be given to a plugin: retryable (a timeout, a
/// provider's 5xx, rate limited, a damaged download) or not (expired, refused, too big).
public struct PluginMediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var retryable: Bool
    public var message: String

    public init(retryable: Bool, message: String) {
        self.retryable = retryable
        self.message = message
    }

    public var description: String { message }
}

/// Downloads the media of one message, refusing more than `maxBytes`. The host builds one
/// per message that has media (it keeps the network code; this module has none).
/// Throws `PluginMediaError`; any other error counts as permanent.
public typealias PluginMediaSource = @Sendable (_ maxBytes: Int) throws -> PluginMedia

/// The media of one prepared message, shared by every call of its chain run: the first
/// successful download is kept and served to later calls; a failure is not kept, so a
/// later call tries again. The lock is held while downloading, so a second caller waits
/// for the first download instead of starting another.
final class MessageMedia: Sendable {
    private let source: PluginMediaSource
    private let kept = Mutex<PluginMedia?>(nil)

    init(_ source: @escaping PluginMediaSource) {
        self.source = source
    }

    func get() throws(PluginMediaError) -> PluginMedia {
        try kept.withLock { (kept: inout PluginMedia?) throws(PluginMediaError) -> PluginMedia in
            if let kept { return kept }
            let media: PluginMedia
            do {
                media = try source(PluginMedia.maxBytes)
            } catch let e as PluginMediaError {
                throw e
            } catch {
                throw PluginMediaError(retryable: false, message: "\(error)")
            }
            guard media.bytes.count <= PluginMedia.maxBytes else {
                throw PluginMediaError(retryable: false, message: "the media is \(media.bytes.count) bytes, more than the \(PluginMedia.maxBytes) a plugin may receive")
            }
            kept = media
            return media
        }
    }
}
