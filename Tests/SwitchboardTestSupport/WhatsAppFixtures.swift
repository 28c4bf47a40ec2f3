import Foundation

/// What a fixture message carries: one case per WhatsApp inbound type, plus an
/// `unsupported` message with its errors and a type from the future.
public enum FixtureContent: Sendable, Equatable {
    case text(String)
    case image(mediaID: String = "1375245879353", caption: String? = nil)
    case audio(mediaID: String = "1375245879354", voice: Bool = true)
    case video(mediaID: String = "1375245879355", caption: String? = nil)
    case document(mediaID: String = "1375245879356", filename: String = "invoice.pdf", caption: String? = nil)
    case sticker(mediaID: String = "1375245879357", animated: Bool = false)
    case location(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil)
    /// One shared contact card with a name and a phone number.
    case contacts(name: String, phone: String)
    case buttonReply(id: String, title: String)
    case listReply(id: String, title: String, description: String? = nil)
    /// A quick-reply button of a template message.
    case templateButton(payload: String, text: String)
    /// `emoji: ""` is an un-react.
    case reaction(messageID: String, emoji: String)
    /// `type: unsupported` with error 131051.
    case unsupported
    /// A type this version does not know, with an object of the same name.
    case unknown(type: String)
}

/// An inbound message to put in a fixture webhook.
public struct FixtureMessage: Sendable, Equatable {
    public var id: String
    /// Digits; "" for a username user (then set `fromUserID`).
    public var from: String
    public var fromUserID: String?
    public var name: String?
    public var timestamp: Int
    public var content: FixtureContent
    /// Reply to this wamid.
    public var replyTo: String?
    public var forwarded: Bool

    public init(id: String = WhatsAppFixtures.newMessageID(), from: String = "5511987654321", fromUserID: String? = nil,
                name: String? = "Ana Souza", timestamp: Int = 1_760_659_225, content: FixtureContent,
                replyTo: String? = nil, forwarded: Bool = false) {
        self.id = id
        self.from = from
        self.fromUserID = fromUserID
        self.name = name
        self.timestamp = timestamp
        self.content = content
        self.replyTo = replyTo
        self.forwarded = forwarded
    }
}

/// A status receipt to put in a fixture webhook.
public struct FixtureStatus: Sendable, Equatable {
    public var messageID: String
    /// `sent`, `delivered`, `read`, `played`, `failed`, or anything else.
    public var status: String
    public var recipient: String
    public var timestamp: Int
    /// For `failed`: (code, title, details).
    public var errorCode: Int?
    public var errorTitle: String?
    public var errorDetails: String?

    public init(messageID: String, status: String, recipient: String = "5511987654321", timestamp: Int = 1_760_659_240,
                errorCode: Int? = nil, errorTitle: String? = nil, errorDetails: String? = nil) {
        self.messageID = messageID
        self.status = status
        self.recipient = recipient
        self.timestamp = timestamp
        self.errorCode = errorCode
        self.errorTitle = errorTitle
        self.errorDetails = errorDetails
    }

    /// A `failed` receipt for 131047 (more than 24 h since the customer wrote).
    public static func reengagementFailure(messageID: String, recipient: String = "5511987654321") -> FixtureStatus {
        FixtureStatus(messageID: messageID, status: "failed", recipient: recipient, errorCode: 131047,
                      errorTitle: "Re-engagement message",
                      errorDetails: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
    }
}

/// Builds WhatsApp Cloud API webhook bodies exactly as Meta sends them (escaped
/// unicode, key order of the documentation) and signs them.
///
///     let hook = WhatsAppFixtures.signedInbound([FixtureMessage(content: .text("Olá"))], appSecret: secret)
///     POST hook.body with header X-Hub-Signature-256: hook.signature
public enum WhatsAppFixtures {
    public static let phoneNumberID = "106540352242922"
    public static let displayPhoneNumber = "15550783881"
    public static let businessAccountID = "102290129340398"

    /// A fresh `wamid.` id.
    public static func newMessageID() -> String {
        let raw = Array(UUID().uuidString.utf8) + Array("FIXTURE".utf8)
        return "wamid." + Data(raw).base64EncodedString()
    }

    // MARK: - Whole bodies

    /// One entry, one change, carrying `messages` (and their senders in `contacts`).
    public static func inboundBody(_ messages: [FixtureMessage], phoneNumberID: String = phoneNumberID) -> [UInt8] {
        envelope([change(phoneNumberID: phoneNumberID, messages: messages)]).bytes()
    }

    /// One entry, one change, carrying `statuses`.
    public static func statusBody(_ statuses: [FixtureStatus], phoneNumberID: String = phoneNumberID) -> [UInt8] {
        envelope([change(phoneNumberID: phoneNumberID, statuses: statuses)]).bytes()
    }

    public static func signedInbound(_ messages: [FixtureMessage], phoneNumberID: String = phoneNumberID,
                                     appSecret: String) -> SignedWebhook {
        SignedWebhook(body: inboundBody(messages, phoneNumberID: phoneNumberID), appSecret: appSecret)
    }

    public static func signedStatus(_ statuses: [FixtureStatus], phoneNumberID: String = phoneNumberID,
                                    appSecret: String) -> SignedWebhook {
        SignedWebhook(body: statusBody(statuses, phoneNumberID: phoneNumberID), appSecret: appSecret)
    }

    // MARK: - Building blocks

    /// The top-level object with one entry holding `changes`. For several entries, build
    /// `.obj(["object": ..., "entry": .array([...])])` from `entry(_:)`.
    public static func envelope(_ changes: [FixtureJSON], entries extra: [FixtureJSON] = []) -> FixtureJSON {
        .obj(["object": "whatsapp_business_account", "entry": .array([entry(changes)] + extra)])
    }

    public static func entry(_ changes: [FixtureJSON], businessAccountID: String = businessAccountID) -> FixtureJSON {
        .obj(["id": .string(businessAccountID), "changes": .array(changes)])
    }

    /// A `field: messages` change for one number.
    public static func change(phoneNumberID: String = phoneNumberID, messages: [FixtureMessage] = [],
                              statuses: [FixtureStatus] = []) -> FixtureJSON {
        var value: [FixtureJSON.Member] = [
            .init("messaging_product", "whatsapp"),
            .init("metadata", .obj(["display_phone_number": .string(displayPhoneNumber),
                                    "phone_number_id": .string(phoneNumberID)])),
        ]
        if !messages.isEmpty {
            var seen = Set<String>()
            var contacts: [FixtureJSON] = []
            for m in messages where seen.insert(m.from + "|" + (m.fromUserID ?? "")).inserted {
                var c: [FixtureJSON.Member] = []
                if let name = m.name { c.append(.init("profile", .obj(["name": .string(name)]))) }
                c.append(.init("wa_id", .string(m.from)))
                if let uid = m.fromUserID { c.append(.init("user_id", .string(uid))) }
                contacts.append(.object(c))
            }
            value.append(.init("contacts", .array(contacts)))
            value.append(.init("messages", .array(messages.map(message))))
        }
        if !statuses.isEmpty {
            value.append(.init("statuses", .array(statuses.map(status))))
        }
        return .obj(["field": "messages", "value": .object(value)])
    }

    /// A change of another field (ignored by a messages receiver).
    public static func otherFieldChange(_ field: String = "account_update") -> FixtureJSON {
        .obj(["field": .string(field),
              "value": .obj(["phone_number": "15550783881", "event": "VERIFIED_ACCOUNT"])])
    }

    /// One `messages[]` object.
    public static func message(_ m: FixtureMessage) -> FixtureJSON {
        var out: [FixtureJSON.Member] = []
        if m.replyTo != nil || m.forwarded {
            var ctx: [FixtureJSON.Member] = []
            if let r = m.replyTo {
                ctx.append(.init("from", .string(displayPhoneNumber)))
                ctx.append(.init("id", .string(r)))
            }
            if m.forwarded { ctx.append(.init("forwarded", true)) }
            out.append(.init("context", .object(ctx)))
        }
        out.append(.init("from", .string(m.from)))
        if let uid = m.fromUserID { out.append(.init("from_user_id", .string(uid))) }
        out.append(.init("id", .string(m.id)))
        out.append(.init("timestamp", .string(String(m.timestamp))))

        func media(_ id: String, _ mime: String, _ extra: [FixtureJSON.Member]) -> FixtureJSON {
            .object(extra + [.init("mime_type", .string(mime)),
                             .init("sha256", "aGVsbG8gd29ybGQgaGFzaCBmb3IgdGVzdHM="),
                             .init("id", .string(id))])
        }
        func opt(_ key: String, _ v: String?) -> [FixtureJSON.Member] { v.map { [.init(key, .string($0))] } ?? [] }

        switch m.content {
        case .text(let body):
            out += [.init("type", "text"), .init("text", .obj(["body": .string(body)]))]
        case .image(let id, let caption):
            out += [.init("type", "image"), .init("image", media(id, "image/jpeg", opt("caption", caption)))]
        case .audio(let id, let voice):
            out += [.init("type", "audio"), .init("audio", media(id, voice ? "audio/ogg; codecs=opus" : "audio/mpeg",
                                                                  [.init("voice", .bool(voice))]))]
        case .video(let id, let caption):
            out += [.init("type", "video"), .init("video", media(id, "video/mp4", opt("caption", caption)))]
        case .document(let id, let filename, let caption):
            out += [.init("type", "document"),
                    .init("document", media(id, "application/pdf", opt("caption", caption) + [.init("filename", .string(filename))]))]
        case .sticker(let id, let animated):
            out += [.init("type", "sticker"), .init("sticker", media(id, "image/webp", [.init("animated", .bool(animated))]))]
        case .location(let lat, let lon, let name, let address):
            out += [.init("type", "location"),
                    .init("location", .object([.init("latitude", .double(lat)), .init("longitude", .double(lon))]
                                              + opt("name", name) + opt("address", address)))]
        case .contacts(let name, let phone):
            out += [.init("type", "contacts"),
                    .init("contacts", .array([.obj([
                        "name": .obj(["formatted_name": .string(name), "first_name": .string(name)]),
                        "phones": .array([.obj(["phone": .string(phone), "type": "CELL"])]),
                    ])]))]
        case .buttonReply(let id, let title):
            out += [.init("type", "interactive"),
                    .init("interactive", .obj(["type": "button_reply",
                                               "button_reply": .obj(["id": .string(id), "title": .string(title)])]))]
        case .listReply(let id, let title, let description):
            out += [.init("type", "interactive"),
                    .init("interactive", .obj(["type": "list_reply",
                                               "list_reply": .object([.init("id", .string(id)), .init("title", .string(title))]
                                                                     + opt("description", description))]))]
        case .templateButton(let payload, let text):
            out += [.init("type", "button"), .init("button", .obj(["payload": .string(payload), "text": .string(text)]))]
        case .reaction(let target, let emoji):
            out += [.init("type", "reaction"), .init("reaction", .obj(["message_id": .string(target), "emoji": .string(emoji)]))]
        case .unsupported:
            out += [.init("type", "unsupported"),
                    .init("errors", .array([.obj([
                        "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                        "error_data": .obj(["details": "Message type is currently not supported."]),
                    ])]))]
        case .unknown(let type):
            out += [.init("type", .string(type)), .init(type, .obj(["future_field": "future value", "n": 42]))]
        }
        return .object(out)
    }

    /// One `statuses[]` object.
    public static func status(_ s: FixtureStatus) -> FixtureJSON {
        var out: [FixtureJSON.Member] = [
            .init("id", .string(s.messageID)),
            .init("status", .string(s.status)),
            .init("timestamp", .string(String(s.timestamp))),
            .init("recipient_id", .string(s.recipient)),
        ]
        if let code = s.errorCode {
            out.append(.init("errors", .array([.obj([
                "code": .int(code), "title": .string(s.errorTitle ?? "Error"), "message": .string(s.errorTitle ?? "Error"),
                "error_data": .obj(["details": .string(s.errorDetails ?? "")]),
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            ])])))
        } else {
            out.append(.init("pricing", .obj(["billable": false, "pricing_model": "PMP", "category": "service",
                                              "type": "free_customer_service"])))
        }
        return .object(out)
    }

    /// One fixture message of every inbound type (text with non-ASCII, every media type,
    /// location, contacts, both interactive replies, template button, reaction, a reply
    /// with context, a forward, unsupported, and an unknown future type).
    public static func everyType(from: String = "5511987654321", name: String = "Ana Souza") -> [FixtureMessage] {
        let contents: [(FixtureContent, String?, Bool)] = [
            (.text("Olá, preciso de ajuda com meu pedido 🙏 / obrigado"), nil, false),
            (.image(caption: "Foto do bolo"), nil, false),
            (.audio(voice: true), nil, false),
            (.video(caption: nil), nil, false),
            (.document(filename: "fatura.pdf", caption: "Fatura de março"), nil, false),
            (.sticker(animated: true), nil, false),
            (.location(latitude: -23.5505, longitude: -46.6333, name: "Padaria São João", address: "Rua Augusta, 1000"), nil, false),
            (.contacts(name: "João Silva", phone: "+55 11 91234-5678"), nil, false),
            (.buttonReply(id: "addr_yes", title: "Sim"), nil, false),
            (.listReply(id: "row_cake", title: "Bolo de cenoura", description: "Com cobertura"), nil, false),
            (.templateButton(payload: "TRACK_1234", text: "Rastrear pedido"), nil, false),
            (.reaction(messageID: "wamid.OUTBOUND1", emoji: "👍"), nil, false),
            (.text("Respondendo"), "wamid.ORIGINAL", false),
            (.text("Encaminhado"), nil, true),
            (.unsupported, nil, false),
            (.unknown(type: "hologram"), nil, false),
        ]
        return contents.enumerated().map { i, c in
            FixtureMessage(id: "wamid.EVERY\(i)", from: from, name: name, timestamp: 1_760_659_225 + i,
                           content: c.0, replyTo: c.1, forwarded: c.2)
        }
    }
}
