import Foundation

/// One message a customer sent, parsed from a provider's webhook into a form that does
/// not depend on the provider. Nothing is dropped: a type we do not understand arrives
/// as `kind == .unsupported` with `providerType` naming it, and `rawJSON` always holds
/// the provider's message object, so a later version can re-read what this one skipped.
///
/// `text` is the one line a responder or an agent reads first: the body of a text, the
/// caption of a photo, video or document, the title of a chosen button or list row, the
/// text of a template button, the emoji of a reaction.
public struct InboundMessage: Sendable, Equatable, Codable {
    /// The channel the message arrived on.
    public var channel: ChannelID
    /// Who sent it, as the channel addresses them (the contact's key, once a phone
    /// number is normalised). WhatsApp: `.phone` from `from` (`+` and the digits), else
    /// `.whatsAppUser` from `fromUserID`; Telegram: `.telegramChat`; web chat: `.webVisitor`.
    public var sender: ContactAddress
    /// The provider's id of the message (`wamid...`): the deduplication key.
    public var providerMessageID: String
    /// The sender's phone number as the provider gave it: digits only, no `+`. Empty for
    /// WhatsApp users who adopted a username and share no number; then `fromUserID` is set.
    public var from: String
    /// The business-scoped user id (BSUID, `from_user_id`), when the provider sent one.
    public var fromUserID: String?
    /// The sender's display name (`contacts[].profile.name`), when the provider sent one.
    public var profileName: String?
    /// When the customer sent it (the provider's clock).
    public var timestamp: Date
    /// What the message carries.
    public var kind: MessageKind
    /// The provider's own name of the type (`text`, `image`, ..., or a type this version
    /// does not know, which then has `kind == .unsupported`).
    public var providerType: String
    /// The readable text: body, caption, chosen title, template button text, or emoji.
    public var text: String?
    public var media: InboundMedia?
    public var location: InboundLocation?
    /// A reply to one of our interactive messages (a reply button or a list row).
    public var interactiveReply: InteractiveReply?
    /// A quick-reply button of a template message.
    public var button: TemplateButtonReply?
    public var reaction: Reaction?
    /// Shared contact cards: the provider's `contacts` array as JSON text, as it was in the body.
    public var contactsJSON: String?
    /// The message this one replies to, and whether it was forwarded.
    public var context: MessageContext?
    /// Errors the provider attached (for `unsupported` messages: why it could not be shown).
    public var errors: [ProviderError]
    /// The provider's message object as JSON text: its exact bytes in the webhook body
    /// (key order and `\uXXXX` escapes as the provider wrote them).
    public var rawJSON: String

    public init(
        channel: ChannelID, providerMessageID: String, from: String, fromUserID: String? = nil,
        profileName: String? = nil, timestamp: Date, kind: MessageKind, providerType: String,
        text: String? = nil, media: InboundMedia? = nil, location: InboundLocation? = nil,
        interactiveReply: InteractiveReply? = nil, button: TemplateButtonReply? = nil,
        reaction: Reaction? = nil, contactsJSON: String? = nil, context: MessageContext? = nil,
        errors: [ProviderError] = [], rawJSON: String, sender: ContactAddress? = nil
    ) {
        self.channel = channel
        self.sender = sender ?? (from.isEmpty ? .whatsAppUser(fromUserID ?? "") : .phone("+" + from))
        self.providerMessageID = providerMessageID
        self.from = from
        self.fromUserID = fromUserID
        self.profileName = profileName
        self.timestamp = timestamp
        self.kind = kind
        self.providerType = providerType
        self.text = text
        self.media = media
        self.location = location
        self.interactiveReply = interactiveReply
        self.button = button
        self.reaction = reaction
        self.contactsJSON = contactsJSON
        self.context = context
        self.errors = errors
        self.rawJSON = rawJSON
    }

    /// The sender as the provider named them: the phone number's digits when there is
    /// one, else the BSUID, else the stored key of `sender` (Telegram, web chat).
    public var senderAddress: String { from.isEmpty ? (fromUserID ?? sender.storageKey) : from }
}
