// Values passed to and returned by `GraphAPIClient`.

/// Whom a WhatsApp message goes to: a phone number (digits, a leading `+` is accepted),
/// or a business-scoped user id (BSUID) for users who share no number.
public enum WhatsAppRecipient: Sendable, Equatable, CustomStringConvertible {
    case phone(String)
    case userID(String)

    public var description: String {
        switch self {
        case .phone(let p): p
        case .userID(let u): u
        }
    }
}

/// A quick-reply button under a text: at most 3 per message, titles at most 20
/// characters, ids at most 256. A text with buttons is sent as an interactive message.
public struct WhatsAppReplyButton: Sendable, Equatable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// The limits WhatsApp puts on what we send, checked before a call goes out.
public enum WhatsAppLimits {
    public static let textBody = 4096
    public static let interactiveBody = 1024
    public static let buttons = 3
    public static let buttonTitle = 20
    public static let buttonID = 256
}

/// The provider accepted a message. Accepted is not delivered: the outcome arrives
/// later as a status webhook for `providerMessageID`.
public struct GraphSendReceipt: Sendable, Equatable {
    /// The `wamid...` the status webhooks will carry.
    public var providerMessageID: String
    /// `contacts[0].wa_id`, which can differ from what we sent to (normalisation).
    public var waID: String?
    /// `messages[0].message_status` (`accepted`, `held_for_quality_assessment`, ...), when present.
    public var messageStatus: String?
}

/// What `GET /{media-id}` returns. The URL expires after about 5 minutes: fetch it
/// right before downloading, never store it.
public struct GraphMediaInfo: Sendable, Equatable {
    public var id: String
    public var url: String
    public var mimeType: String?
    public var sha256: String?
    public var fileSize: Int?
}
