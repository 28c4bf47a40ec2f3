/// How a channel reaches one customer: a typed value, never a string told apart by a
/// prefix. Every channel speaks one or two of these:
///
/// | channel            | addresses                                  |
/// |--------------------|--------------------------------------------|
/// | WhatsApp Cloud API | `.phone` (E.164), `.whatsAppUser` (BSUID)  |
/// | WhatsApp Web       | `.phone`, `.whatsAppUser` (LID `...@lid`)  |
/// | Telegram           | `.telegramChat`                            |
/// | web chat           | `.webVisitor`                              |
///
/// The store keeps an address as one text column (`storageKey`, the contact's key and
/// the outbox entry's recipient); that encoding lives here and nowhere else.
public enum ContactAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A phone number in E.164 (`+` and digits).
    case phone(String)
    /// A WhatsApp user without a shared number: the Cloud API's business-scoped user id,
    /// or WhatsApp Web's LID.
    case whatsAppUser(String)
    /// A Telegram private chat (or group) id.
    case telegramChat(Int64)
    /// A visitor of a workspace's web chat (the page's random visitor id).
    case webVisitor(String)

    /// The text kept in the store: `+E164`, `user:ID`, `telegram:CHAT`, `visitor:ID`.
    public var storageKey: String {
        switch self {
        case .phone(let e164): e164
        case .whatsAppUser(let id): "user:" + id
        case .telegramChat(let id): "telegram:" + String(id)
        case .webVisitor(let id): "visitor:" + id
        }
    }

    /// Reads a stored key back. Digits without `+` are a phone number as outbox entries
    /// written before addresses were typed kept it (WhatsApp's `wa_id`); any other text
    /// without a known prefix is a WhatsApp user id (what those entries kept for a BSUID).
    public init(storageKey key: String) {
        if key.hasPrefix("+") {
            self = .phone(key)
        } else if key.hasPrefix("user:") {
            self = .whatsAppUser(String(key.dropFirst(5)))
        } else if key.hasPrefix("visitor:") {
            self = .webVisitor(String(key.dropFirst(8)))
        } else if key.hasPrefix("telegram:"), let id = Int64(key.dropFirst(9)) {
            self = .telegramChat(id)
        } else if !key.isEmpty, key.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            self = .phone("+" + key)
        } else {
            self = .whatsAppUser(key)
        }
    }

    /// The E.164 number, for phone addresses (routing on a shared channel uses it).
    public var e164: String? {
        if case .phone(let n) = self { return n }
        return nil
    }

    public var description: String { storageKey }
}
