import Foundation
import SwitchboardCore

/// Evolution API v2 webhooks (wire-formats.md 3.4-3.6): verify the bearer secret, then
/// parse the envelope and its event. No I/O.
///
/// Evolution signs nothing; the channel's `webhook_secret` is set in the instance's
/// webhook `headers` as `Authorization: Bearer <secret>` when the host configures it,
/// and every POST must carry it.
public enum EvolutionWebhook {
    /// Checks the secret, then parses. A wrong or missing secret is `.unauthorized` and
    /// the body is not read.
    public static func verifyAndParse(body: [UInt8], authorization: String?, secret: BearerSecret,
                                      channel: ChannelID) throws(EvolutionWebhookError) -> EvolutionWebhookEvent {
        guard secret.matches(authorizationHeader: authorization) else {
            throw EvolutionWebhookError(.unauthorized, authorization == nil ? "no Authorization header" : "wrong bearer secret")
        }
        return try parse(body: body, channel: channel)
    }

    public static func parse(body: [UInt8], channel: ChannelID) throws(EvolutionWebhookError) -> EvolutionWebhookEvent {
        let root: JSONValue
        do { root = try JSONReader.read(body) } catch {
            throw EvolutionWebhookError(.malformed, "body is not JSON: \(error)")
        }
        guard root.isObject else { throw EvolutionWebhookError(.malformed, "body is not a JSON object") }
        guard let rawEvent = root["event"]?.string, !rawEvent.isEmpty else {
            throw EvolutionWebhookError(.malformed, "event is missing")
        }
        // The payload says `messages.upsert`; the config name `MESSAGES_UPSERT` is accepted too.
        let event = rawEvent.lowercased().replacingOccurrences(of: "_", with: ".")
        let instance = root["instance"]?.string ?? ""
        guard let data = root["data"] else { throw EvolutionWebhookError(.malformed, "data is missing") }
        var p = Parser(body: body, channel: channel)
        let kind: EvolutionWebhookEvent.Kind
        switch event {
        case "messages.upsert":
            var out: [WhatsAppWebMessage] = []
            for (i, item) in try items(data, "data").enumerated() {
                if let m = try p.message(item, path: data.array == nil ? "data" : "data[\(i)]") { out.append(m) }
            }
            kind = .messages(out)
        case "messages.update":
            var out: [DeliveryReceipt] = []
            for (i, item) in try items(data, "data").enumerated() {
                if let r = try p.receipt(item, path: data.array == nil ? "data" : "data[\(i)]") { out.append(r) }
            }
            kind = .receipts(out)
        case "connection.update":
            guard data.isObject, let state = data["state"]?.string else {
                throw EvolutionWebhookError(.malformed, "data.state is missing")
            }
            guard let c = GatewayConnection(state: state, reason: data["statusReason"]?.int) else {
                throw EvolutionWebhookError(.malformed, "data.state '\(state)' is not open, connecting, close or refused")
            }
            kind = .connection(c, ownJID: data["wuid"]?.string)
        case "qrcode.updated":
            guard data.isObject else { throw EvolutionWebhookError(.malformed, "data is not an object") }
            if let qr = data["qrcode"], qr.isObject {
                kind = .qrCode(PairingCode(code: qr["code"]?.string, pairingCode: qr["pairingCode"]?.string,
                                           imageDataURL: qr["base64"]?.string))
            } else if data["statusCode"] != nil || data["message"] != nil {
                // "QR code limit reached, please login again"
                kind = .connection(.refused, ownJID: nil)
            } else {
                throw EvolutionWebhookError(.malformed, "data.qrcode is missing")
            }
        default:
            kind = .ignored(event)
        }
        return EvolutionWebhookEvent(instance: instance, event: event, kind: kind, warnings: p.warnings)
    }

    static func items(_ data: JSONValue, _ path: String) throws(EvolutionWebhookError) -> [JSONValue] {
        if let list = data.array { return list }
        guard data.isObject else { throw EvolutionWebhookError(.malformed, "\(path) is not an object") }
        return [data]
    }

    struct Parser {
        let body: [UInt8]
        let channel: ChannelID
        var warnings: [String] = []

        init(body: [UInt8], channel: ChannelID) {
            self.body = body
            self.channel = channel
        }

        func raw(_ value: JSONValue) -> String {
            switch value {
            case .object(_, let range), .array(_, let range): String(decoding: body[range], as: UTF8.self)
            case .string(let s): JSONText.quoted(s)
            case .number(let literal): literal
            case .bool(let b): b ? "true" : "false"
            case .null: "null"
            }
        }

        /// One `messages.upsert` item; nil for a chat that is not one person's.
        mutating func message(_ d: JSONValue, path: String) throws(EvolutionWebhookError) -> WhatsAppWebMessage? {
            guard d.isObject else { throw EvolutionWebhookError(.malformed, "\(path) is not an object") }
            guard let key = d["key"], key.isObject else { throw EvolutionWebhookError(.malformed, "\(path).key is missing") }
            guard let id = key["id"]?.string, !id.isEmpty else { throw EvolutionWebhookError(.malformed, "\(path).key.id is missing") }
            guard let remote = key["remoteJid"]?.string, !remote.isEmpty else {
                throw EvolutionWebhookError(.malformed, "\(path).key.remoteJid is missing")
            }
            guard let jid = WhatsAppJID(remote), jid.isPerson else {
                warnings.append("message \(id) in chat \(remote) skipped: not a one-to-one chat")
                return nil
            }
            let fromMe = key["fromMe"]?.bool ?? false
            // The number and the LID, from whichever fields this gateway version fills.
            var phone: String?
            var lid: String?
            func note(_ text: String?) {
                guard let text, let j = WhatsAppJID(text) else { return }
                switch j.server {
                case .phone: if phone == nil { phone = j.user }
                case .lid: if lid == nil { lid = j.user }
                default: break
                }
            }
            note(remote)
            note(key["remoteJidAlt"]?.string)
            note(key["senderPn"]?.string)
            note(key["senderLid"]?.string)
            note(d["senderPn"]?.string)

            let timestamp: Date
            if let n = d["messageTimestamp"]?.double ?? d["messageTimestamp"]?.string.flatMap(Double.init) {
                timestamp = Date(timeIntervalSince1970: n)
            } else {
                warnings.append("message \(id) has no messageTimestamp; the time received is used")
                timestamp = Date()
            }
            let content = d["message"] ?? .null
            let messageType = d["messageType"]?.string ?? "conversation"
            var m = InboundMessage(
                channel: channel, providerMessageID: id, from: phone ?? "",
                fromUserID: lid.map { "\($0)@lid" },
                profileName: fromMe ? nil : d["pushName"]?.string.flatMap { $0.isEmpty ? nil : $0 },
                timestamp: timestamp, kind: .unsupported, providerType: messageType, rawJSON: raw(d))
            var contextInfo = d["contextInfo"]
            if let text = content["conversation"]?.string {
                m.kind = .text
                m.text = text
                m.providerType = "conversation"
            } else if let ext = content["extendedTextMessage"], ext.isObject {
                m.kind = .text
                m.text = ext["text"]?.string ?? ""
                m.providerType = "extendedTextMessage"
                if contextInfo == nil || contextInfo?.isObject != true { contextInfo = ext["contextInfo"] }
            } else if let (field, media) = Self.mediaField(content) {
                m.providerType = field
                m.kind = switch field {
                case "imageMessage": .image
                case "videoMessage": .video
                case "audioMessage": .audio
                case "stickerMessage": .sticker
                default: .document
                }
                let caption = media["caption"]?.string.flatMap { $0.isEmpty ? nil : $0 }
                m.media = InboundMedia(id: id, mimeType: media["mimetype"]?.string, caption: caption,
                                       filename: media["fileName"]?.string, voice: media["ptt"]?.bool ?? false,
                                       animated: media["isAnimated"]?.bool ?? false)
                m.text = caption
                if contextInfo == nil || contextInfo?.isObject != true { contextInfo = media["contextInfo"] }
            } else if let loc = content["locationMessage"], loc.isObject,
                      let lat = loc["degreesLatitude"]?.double, let lon = loc["degreesLongitude"]?.double {
                m.kind = .location
                m.providerType = "locationMessage"
                m.location = InboundLocation(latitude: lat, longitude: lon, name: loc["name"]?.string, address: loc["address"]?.string)
            } else if let r = content["reactionMessage"], r.isObject, let target = r["key"]?["id"]?.string {
                m.kind = .reaction
                m.providerType = "reactionMessage"
                let emoji = r["text"]?.string ?? ""
                m.reaction = Reaction(targetMessageID: target, emoji: emoji)
                m.text = emoji.isEmpty ? nil : emoji
            } else if content["contactMessage"] != nil || content["contactsArrayMessage"] != nil {
                m.kind = .contacts
                m.providerType = content["contactMessage"] != nil ? "contactMessage" : "contactsArrayMessage"
                m.contactsJSON = raw(content)
            } else {
                warnings.append("message \(id) of type \(messageType) kept as unsupported")
            }
            if let ctx = contextInfo, ctx.isObject {
                let replied = ctx["stanzaId"]?.string.flatMap { $0.isEmpty ? nil : $0 }
                let forwarded = ctx["isForwarded"]?.bool ?? false
                if replied != nil || forwarded {
                    m.context = MessageContext(repliedToMessageID: replied, repliedToFrom: ctx["participant"]?.string,
                                               forwarded: forwarded, frequentlyForwarded: (ctx["forwardingScore"]?.int ?? 0) >= 5)
                }
            }
            let identities = ContactIdentities(e164: phone.map { "+\($0)" }, whatsAppLID: lid)
            return WhatsAppWebMessage(message: m, fromMe: fromMe, identities: identities)
        }

        static let mediaFields = ["imageMessage", "videoMessage", "audioMessage", "documentMessage",
                                  "stickerMessage", "documentWithCaptionMessage", "ptvMessage"]

        static func mediaField(_ content: JSONValue) -> (String, JSONValue)? {
            for f in mediaFields {
                guard let v = content[f], v.isObject else { continue }
                if f == "documentWithCaptionMessage", let inner = v["message"]?["documentMessage"], inner.isObject {
                    return ("documentMessage", inner)
                }
                return (f == "ptvMessage" ? "videoMessage" : f, v)
            }
            return nil
        }

        /// One `messages.update` item: a receipt of a message we sent; nil otherwise.
        mutating func receipt(_ d: JSONValue, path: String) throws(EvolutionWebhookError) -> DeliveryReceipt? {
            guard d.isObject else { throw EvolutionWebhookError(.malformed, "\(path) is not an object") }
            guard let id = d["keyId"]?.string ?? d["key"]?["id"]?.string, !id.isEmpty else {
                throw EvolutionWebhookError(.malformed, "\(path).keyId is missing")
            }
            guard let word = d["status"]?.string ?? d["update"]?["status"]?.string else {
                throw EvolutionWebhookError(.malformed, "\(path).status is missing")
            }
            let fromMe = d["fromMe"]?.bool ?? d["key"]?["fromMe"]?.bool ?? true
            guard fromMe else { return nil } // the customer's own message, read on our side
            let status: DeliveryStatus
            switch word {
            case "SERVER_ACK": status = .sent
            case "DELIVERY_ACK": status = .delivered
            case "READ", "PLAYED": status = .read
            case "ERROR": status = .failed
            case "PENDING", "DELETED": return nil
            default:
                warnings.append("receipt for \(id) with unknown status \(word) skipped")
                return nil
            }
            let remote = d["remoteJid"]?.string ?? d["key"]?["remoteJid"]?.string ?? ""
            return DeliveryReceipt(channel: channel, providerMessageID: id, status: status,
                                   providerStatus: word.lowercased(), timestamp: Date(),
                                   recipientID: WhatsAppJID(remote)?.user ?? remote, rawJSON: raw(d))
        }
    }
}
