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
