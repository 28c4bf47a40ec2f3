// The typed payloads an `InboundMessage` can carry. Small value types that only make
// sense as parts of an inbound message, kept together.

/// A photo, voice note, video, document or sticker. The bytes stay at the provider until
/// fetched by `id` (WhatsApp keeps them 7 days).
public struct InboundMedia: Sendable, Equatable, Codable {
    /// The provider's media id.
    public var id: String
    public var mimeType: String?
    /// The provider's hash of the file, as sent.
    public var sha256: String?
    public var caption: String?
    /// Documents only: the file name the customer's phone gave it.
    public var filename: String?
    /// Audio only: true for a voice note recorded in the app, false for an audio file.
    public var voice: Bool
    /// Stickers only.
    public var animated: Bool

    public init(id: String, mimeType: String? = nil, sha256: String? = nil, caption: String? = nil,
                filename: String? = nil, voice: Bool = false, animated: Bool = false) {
        self.id = id
        self.mimeType = mimeType
        self.sha256 = sha256
        self.caption = caption
        self.filename = filename
        self.voice = voice
        self.animated = animated
    }
}

/// A shared location (a pin, or a place with a name and address).
public struct InboundLocation: Sendable, Equatable, Codable {
    public var latitude: Double
    public var longitude: Double
    public var name: String?
    public var address: String?

    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
    }
}

/// The customer chose a reply button or a list row of one of our interactive messages.
public struct InteractiveReply: Sendable, Equatable, Codable {
    public enum ReplyType: String, Sendable, Codable {
        case buttonReply = "button_reply"
        case listReply = "list_reply"
    }
    public var type: ReplyType
    /// The id we gave the button or row when sending.
    public var id: String
    public var title: String
    /// List rows only.
    public var description: String?

    public init(type: ReplyType, id: String, title: String, description: String? = nil) {
        self.type = type
        self.id = id
        self.title = title
        self.description = description
    }
}

/// The customer pressed a quick-reply button of a template message.
public struct TemplateButtonReply: Sendable, Equatable, Codable {
    public var payload: String
    public var text: String

    public init(payload: String, text: String) {
        self.payload = payload
        self.text = text
    }
}

/// A reaction to an earlier message. An empty `emoji` removes the reaction.
public struct Reaction: Sendable, Equatable, Codable {
    /// The provider id of the message reacted to.
    public var targetMessageID: String
    public var emoji: String

    public init(targetMessageID: String, emoji: String) {
        self.targetMessageID = targetMessageID
        self.emoji = emoji
    }
}

/// How a message relates to earlier ones: a reply quotes one, a forward says so.
public struct MessageContext: Sendable, Equatable, Codable {
    /// The provider id of the message this one replies to.
    public var repliedToMessageID: String?
    /// The number that sent the quoted message (WhatsApp: the business number).
    public var repliedToFrom: String?
    public var forwarded: Bool
    public var frequentlyForwarded: Bool

    public init(repliedToMessageID: String? = nil, repliedToFrom: String? = nil,
                forwarded: Bool = false, frequentlyForwarded: Bool = false) {
        self.repliedToMessageID = repliedToMessageID
        self.repliedToFrom = repliedToFrom
        self.forwarded = forwarded
        self.frequentlyForwarded = frequentlyForwarded
    }
}
