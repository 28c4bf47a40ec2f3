import Foundation
import SwitchboardCore

/// One provider call the drainer asks a transport to make, decoded from an outbox entry.
public enum OutboundRequest: Sendable, Equatable {
    /// A text, with up to three reply buttons (WhatsApp: an interactive button message;
    /// Telegram: an inline keyboard).
    case text(to: ContactAddress, text: String, buttons: [String])
    /// Mark the customer's message `providerMessageID` as read.
    case markRead(to: ContactAddress, providerMessageID: String)
    /// A file from the media store (an agent's attachment): WhatsApp Cloud API uploads it
    /// and sends it by id; WhatsApp Web posts it to the gateway's `sendMedia`; Telegram
    /// uploads it with `sendPhoto`/`sendDocument`/`sendAudio`/`sendVideo`.
    case media(to: ContactAddress, media: OutboundFile)

    public var recipient: ContactAddress {
        switch self {
        case .text(let to, _, _), .markRead(let to, _), .media(let to, _): to
        }
    }
}

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
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw SendFailure(kind: .permanent, title: "the attachment's file is no longer in the media store (\(sha256))")
        }
        guard size <= maxBytes else {
            throw SendFailure(kind: .permanent, code: "413",
                              title: "the \(kind) is \(size) bytes; \(channel) takes \(mimeType) up to \(maxBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SendFailure(kind: .permanent, title: "the attachment's file is no longer in the media store (\(sha256))")
        }
        return [UInt8](data)
    }
}

/// What the provider answered to an accepted call.
public struct SendReceipt: Sendable, Equatable {
    /// The provider's id of the message sent (delivery statuses refer to it); nil for
    /// calls that send nothing (`markRead`).
    public var providerMessageID: String?
    public init(providerMessageID: String?) { self.providerMessageID = providerMessageID }
}

/// A provider call that failed, classified for the drainer (`SendFailureKind`: retry,
/// rate limited, pair rate limited, re-engagement, auth, permanent).
public struct SendFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: SendFailureKind
    /// The provider's code (Graph error code, HTTP status), as text, when it gave one.
    public var code: String?
    /// A short title, recorded on a failed message.
    public var title: String
    /// What the provider said it needs before the next try (`Retry-After`,
    /// Telegram's `retry_after`).
    public var retryAfter: Duration?
    /// The least delay before the next try: `retryAfter`, or the transport's own floor
    /// for its kind of throttling.
    public var retryFloor: Duration?
    /// The whole story, for logs and the journal.
    public var description: String

    public init(kind: SendFailureKind, code: String? = nil, title: String, retryAfter: Duration? = nil,
                retryFloor: Duration? = nil, description: String? = nil) {
        self.kind = kind
        self.code = code
        self.title = title
        self.retryAfter = retryAfter
        self.retryFloor = retryFloor ?? retryAfter
        self.description = description ?? title
    }

    public var isRetryable: Bool { kind.isRetryable }
}
