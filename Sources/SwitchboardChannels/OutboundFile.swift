import Foundation

/// A file to send, as the outbox entry names it: the file stays in the media store until
/// the send (read by the transport at call time, so a retry reads it again).
public struct OutboundFile: Sendable, Equatable {
    /// `image`, `document`, `audio` or `video`.
    public var kind: String
    public var mimeType: String
    /// The file in the media store.
    public var path: String
    /// Its SHA-256 (hex), for error messages.
    public var sha256: String
    public var filename: String?
    public var caption: String?

    public init(kind: String, mimeType: String, path: String, sha256: String, filename: String? = nil, caption: String? = nil) {
        self.kind = kind
        self.mimeType = mimeType
        self.path = path
        self.sha256 = sha256
        self.filename = filename
        self.caption = caption
    }

    /// The file's bytes, refusing more than `maxBytes`. A file no longer in the store is a
    /// permanent failure (a retry would not bring it back); one over the limit as well.
    public func read(maxBytes: Int, channel: String) throws(SendFailure) -> [UInt8] {
        try check(maxBytes: maxBytes, channel: channel)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SendFailure(kind: .permanent, title: "the attachment's file is no longer in the media store (\(sha256))")
        }
        return [UInt8](data)
    }

    /// Checks what `read` checks without reading the file, for a sender that streams it
    /// from the media store (the Cloud API's upload).
    public func check(maxBytes: Int, channel: String) throws(SendFailure) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw SendFailure(kind: .permanent, title: "the attachment's file is no longer in the media store (\(sha256))")
        }
        guard size <= maxBytes else {
            throw SendFailure(kind: .permanent, code: "413",
                              title: "the \(kind) is \(size) bytes; \(channel) takes \(mimeType) up to \(maxBytes) bytes")
        }
    }
}
