/// A WhatsApp address as WhatsApp Web (Baileys) writes it: `user@server`, where the user
/// may carry a device (`5511987654321:12@s.whatsapp.net`).
///
/// - `s.whatsapp.net`: a phone-number user; `user` is the number's international digits.
/// - `lid`: a hidden-number identity (LID): WhatsApp addresses many users by it instead of
///   their number; the number may come beside it (`remoteJidAlt`, `senderPn`).
/// - `g.us` (groups), `broadcast` (`status@broadcast`, lists), `newsletter` (channels):
///   not one-to-one chats with a customer.
public struct WhatsAppJID: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Server: String, Sendable {
        case phone = "s.whatsapp.net"
        case lid
        case group = "g.us"
        case broadcast
        case newsletter
        case legacyPhone = "c.us"
    }

    public let user: String
    public let server: Server

    /// Reads `text`; nil when it is not `user@server` with a server listed above. The
    /// device suffix (`:12`) is dropped: it names a device, not a person.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        guard let server = Server(rawValue: String(text[text.index(after: at)...])) else { return nil }
        var user = Substring(text[..<at])
        if server == .phone || server == .lid || server == .legacyPhone, let colon = user.firstIndex(of: ":") {
            user = user[..<colon]
        }
        guard !user.isEmpty else { return nil }
        if server == .phone || server == .lid || server == .legacyPhone {
            guard user.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        }
        self.user = String(user)
        self.server = server == .legacyPhone ? .phone : server
    }

    public init(phoneDigits: String) {
        user = phoneDigits
        server = .phone
    }

    public init(lid: String) {
        user = lid
        server = .lid
    }

    /// A one-to-one chat with a person (by number or by LID).
    public var isPerson: Bool { server == .phone || server == .lid }

    public var description: String { "\(user)@\(server.rawValue)" }
}

/// The addresses one payload revealed for one person. Any two of them seen together are
/// the same person: the store maps them to one contact (and merges two contacts when a
/// later payload shows that they were one). Workspace-scoped like every contact.
public struct ContactIdentities: Sendable, Equatable, Hashable {
    /// The phone number, E.164 (`+5511987654321`).
    public var e164: String?
    /// The WhatsApp LID (the digits before `@lid`).
    public var whatsAppLID: String?
    /// The Cloud API's business-scoped user id (BSUID, `from_user_id` / `user_id`).
    public var businessUserID: String?

    public init(e164: String? = nil, whatsAppLID: String? = nil, businessUserID: String? = nil) {
        self.e164 = e164.flatMap { $0.isEmpty ? nil : $0 }
        self.whatsAppLID = whatsAppLID.flatMap { $0.isEmpty ? nil : $0 }
        self.businessUserID = businessUserID.flatMap { $0.isEmpty ? nil : $0 }
    }

    public var isEmpty: Bool { e164 == nil && whatsAppLID == nil && businessUserID == nil }

    /// The aliases besides the number, as (kind, value) pairs (`lid`, `bsuid`).
    public var aliases: [(kind: String, value: String)] {
        var out: [(String, String)] = []
        if let whatsAppLID { out.append(("lid", whatsAppLID)) }
        if let businessUserID { out.append(("bsuid", businessUserID)) }
        return out
    }

    /// The address a contact known by these addresses is kept under: the number when
    /// there is one, else the LID (`.whatsAppUser("<LID>@lid")`, what the gateway accepts
    /// as a recipient), else the BSUID.
    public var address: ContactAddress? {
        if let e164 { return .phone(e164) }
        if let whatsAppLID { return .whatsAppUser("\(whatsAppLID)@lid") }
        if let businessUserID { return .whatsAppUser(businessUserID) }
        return nil
    }

    /// What a message's sender fields reveal: its number (`from`, normalised by the
    /// caller to `e164`) and its user id (`fromUserID`: a LID when it ends in `@lid`, else
    /// the Cloud API's BSUID).
    public init(e164: String?, userID: String?) {
        if let userID, let jid = WhatsAppJID(userID), jid.server == .lid {
            self.init(e164: e164, whatsAppLID: jid.user)
        } else {
            self.init(e164: e164, businessUserID: userID)
        }
    }
}
