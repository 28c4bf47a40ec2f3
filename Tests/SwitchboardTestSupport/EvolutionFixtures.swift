import Foundation

/// One message as Evolution API v2 posts it in `messages.upsert` (wire-formats.md 3.5):
/// the fields a test varies, with the defaults of a plain text from a phone-number user.
public struct EvolutionFixtureMessage: Sendable {
    public var id: String
    /// The chat: `<digits>@s.whatsapp.net`, `<digits>@lid`, a group `...@g.us`, or
    /// `status@broadcast`.
    public var remoteJid: String
    public var fromMe = false
    public var pushName: String? = "Ana Souza"
    public var text: String?
    /// Older builds send `extendedTextMessage.text` instead of `conversation`.
    public var legacyExtendedText = false
    /// A media message: Baileys' field name (`imageMessage`, `audioMessage`, ...).
    public var mediaField: String?
    public var mimeType: String?
    public var caption: String?
    public var fileName: String?
    /// The id of the message this one replies to (`contextInfo.stanzaId`).
    public var quotedID: String?
    /// Baileys 7 (Evolution 2.3.6): the phone-number JID beside a `@lid` remoteJid.
    public var remoteJidAlt: String?
    /// `"lid"` or `"pn"`, with `remoteJidAlt`.
    public var addressingMode: String?
    /// Evolution 2.3.3: the phone-number JID of a `@lid` sender.
    public var senderPn: String?
    /// The author of a group message.
    public var participant: String?
    public var timestamp = 1_760_659_225

    public init(id: String, remoteJid: String, text: String? = nil) {
        self.id = id
        self.remoteJid = remoteJid
        self.text = text
    }

    /// The `data` object.
    public var data: [String: Any] {
        var key: [String: Any] = ["remoteJid": remoteJid, "fromMe": fromMe, "id": id]
        if let remoteJidAlt { key["remoteJidAlt"] = remoteJidAlt }
        if let addressingMode { key["addressingMode"] = addressingMode }
        if let senderPn { key["senderPn"] = senderPn }
        if let participant { key["participant"] = participant }
        var message: [String: Any] = [:]
        var messageType = "conversation"
        if let mediaField {
            var m: [String: Any] = ["mimetype": mimeType ?? "image/jpeg", "fileLength": "1024",
                                    "url": "https://mmg.whatsapp.net/v/t62/fake", "mediaKey": "AAAA"]
            if let caption { m["caption"] = caption }
            if let fileName { m["fileName"] = fileName }
            if mediaField == "audioMessage" { m["ptt"] = true }
            message[mediaField] = m
            messageType = mediaField
        } else if let text {
            if legacyExtendedText {
                var ext: [String: Any] = ["text": text]
                if let quotedID { ext["contextInfo"] = ["stanzaId": quotedID, "participant": remoteJid] }
                message["extendedTextMessage"] = ext
                messageType = "extendedTextMessage"
            } else {
                message["conversation"] = text
            }
        }
        var data: [String: Any] = [
            "key": key, "status": fromMe ? "SERVER_ACK" : "DELIVERY_ACK", "message": message,
            "messageType": messageType, "messageTimestamp": timestamp,
            "instanceId": "0b9c2f3e-7a41-4c52-9b8e-2d1f6a7c9e10", "source": fromMe ? "ios" : "android",
        ]
        data["pushName"] = pushName ?? NSNull()
        if let quotedID, !legacyExtendedText {
            data["contextInfo"] = ["stanzaId": quotedID, "participant": remoteJid,
                                   "quotedMessage": ["conversation": "earlier"]] as [String: Any]
        } else {
            data["contextInfo"] = NSNull()
        }
        return data
    }
}

/// Webhook bodies exactly as Evolution API v2 posts them: the envelope (`event` in
/// lower-case dotted form, `instance`, `data`, `destination`, `date_time`, `sender`,
/// `server_url`, `apikey`) around each event's `data`.
public enum EvolutionFixtures {
    public static let ownJID = "5511999990000@s.whatsapp.net"

    public static func envelope(event: String, instance: String, data: Any, destination: String = "http://127.0.0.1/evo") -> [UInt8] {
        let body: [String: Any] = [
            "event": event, "instance": instance, "data": data, "destination": destination,
            "date_time": "2025-10-16T21:00:25.512Z", "sender": ownJID,
            "server_url": "http://evolution:8080", "apikey": NSNull(),
        ]
        return Array(json(body).utf8)
    }

    public static func upsert(_ m: EvolutionFixtureMessage, instance: String) -> [UInt8] {
        envelope(event: "messages.upsert", instance: instance, data: m.data)
    }

    /// `messages.update`: a receipt for `keyID` (`SERVER_ACK`, `DELIVERY_ACK`, `READ`, `PLAYED`, `ERROR`).
    public static func update(keyID: String, remoteJid: String, status: String, fromMe: Bool = true, instance: String) -> [UInt8] {
        envelope(event: "messages.update", instance: instance, data: [
            "keyId": keyID, "remoteJid": remoteJid, "fromMe": fromMe, "status": status,
            "instanceId": "0b9c2f3e-7a41-4c52-9b8e-2d1f6a7c9e10", "messageId": "cm\(keyID.lowercased())",
        ] as [String: Any])
    }

    /// `connection.update`: `open` carries `wuid` and `profileName`.
    public static func connection(state: String, reason: Int, instance: String) -> [UInt8] {
        var data: [String: Any] = ["instance": instance, "state": state, "statusReason": reason]
        if state == "open" {
            data["wuid"] = ownJID
            data["profileName"] = "Loja Exemplo"
            data["profilePictureUrl"] = NSNull()
        }
        return envelope(event: "connection.update", instance: instance, data: data)
    }

    /// `qrcode.updated` with a new QR (and pairing code when given).
    public static func qrCode(_ code: String, pairingCode: String? = nil, instance: String) -> [UInt8] {
        envelope(event: "qrcode.updated", instance: instance, data: ["qrcode": [
            "instance": instance, "pairingCode": pairingCode ?? NSNull(), "code": code,
            "base64": "data:image/png;base64,iVBORw0KGgo=",
        ] as [String: Any]])
    }

    /// `qrcode.updated` when the gateway's QR limit was reached.
    public static func qrLimitReached(instance: String) -> [UInt8] {
        envelope(event: "qrcode.updated", instance: instance, data: [
            "message": "QR code limit reached, please login again", "statusCode": 500,
        ] as [String: Any])
    }

    static func json(_ o: Any) -> String {
        guard let d = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: d, as: UTF8.self)
    }
}
