import Foundation
import SwitchboardCore

extension WhatsAppWebhook {
    /// Accumulates one POST's changes into batches per number.
    struct Parser {
        let receivedAt: Date
        var payload = WhatsAppWebhookPayload()
        private var batchIndex: [String: Int] = [:]
        private var unknownIndex: [String: Int] = [:]
        private var unknown: [(number: String, messageIDs: [String], statuses: Int, values: [Any])] = []

        init(receivedAt: Date) {
            self.receivedAt = receivedAt
        }

        mutating func change(_ value: [String: Any], waba: String?, path: String,
                             channelFor: (String) -> ChannelID?) throws(WhatsAppWebhookError) {
            guard let metadata = value["metadata"] as? [String: Any],
                  let number = JSONObject.stringOrNumber(metadata["phone_number_id"]), !number.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).metadata.phone_number_id is missing")
            }
            let channel = channelFor(number)
            // Display names by wa_id and by BSUID, to join onto messages.
            var names: [String: String] = [:]
            var namesByUserID: [String: String] = [:]
            for c in value["contacts"] as? [Any] ?? [] {
                guard let contact = c as? [String: Any],
                      let name = (contact["profile"] as? [String: Any]).flatMap({ JSONObject.string($0["name"]) }) else { continue }
                if let wa = JSONObject.stringOrNumber(contact["wa_id"]), !wa.isEmpty { names[wa] = name }
                if let uid = JSONObject.string(contact["user_id"]), !uid.isEmpty { namesByUserID[uid] = name }
            }

            var messages: [InboundMessage] = []
            if let list = value["messages"] {
                guard let list = list as? [Any] else {
                    throw WhatsAppWebhookError(.malformed, "\(path).messages is not an array")
                }
                for (k, m) in list.enumerated() {
                    guard let object = m as? [String: Any] else {
                        throw WhatsAppWebhookError(.malformed, "\(path).messages[\(k)] is not an object")
                    }
                    var msg = try message(object, channel: channel ?? ChannelID(number), path: "\(path).messages[\(k)]")
                    msg.profileName = names[msg.from] ?? msg.fromUserID.flatMap { namesByUserID[$0] }
                    messages.append(msg)
                }
            }
            var statuses: [DeliveryReceipt] = []
            if let list = value["statuses"] {
                guard let list = list as? [Any] else {
                    throw WhatsAppWebhookError(.malformed, "\(path).statuses is not an array")
                }
                for (k, s) in list.enumerated() {
                    guard let object = s as? [String: Any] else {
                        throw WhatsAppWebhookError(.malformed, "\(path).statuses[\(k)] is not an object")
                    }
                    if let st = try status(object, channel: channel ?? ChannelID(number), path: "\(path).statuses[\(k)]") {
                        statuses.append(st)
                    }
                }
            }
            let errors = WhatsAppWebhook.providerErrors(value["errors"])

            guard let channel else {
                let i = unknownIndex[number] ?? unknown.count
                if i == unknown.count {
                    unknownIndex[number] = i
                    unknown.append((number, [], 0, []))
                }
                unknown[i].messageIDs += messages.map(\.providerMessageID)
                unknown[i].statuses += statuses.count
                unknown[i].values.append(value)
                return
            }
            if let i = batchIndex[number] {
                payload.batches[i].messages += messages
                payload.batches[i].statuses += statuses
                payload.batches[i].errors += errors
            } else {
                batchIndex[number] = payload.batches.count
                payload.batches.append(WhatsAppWebhookBatch(
                    channel: channel, phoneNumberID: number,
                    displayPhoneNumber: JSONObject.stringOrNumber(metadata["display_phone_number"]),
                    businessAccountID: waba, messages: messages, statuses: statuses, errors: errors))
            }
        }

        func finish() -> WhatsAppWebhookPayload {
            var p = payload
            for u in unknown {
                p.unknownNumbers.append(WhatsAppUnknownNumber(
                    phoneNumberID: u.number, messageIDs: u.messageIDs, statusCount: u.statuses,
                    rawJSON: JSONObject.text(u.values)))
            }
            return p
        }

        mutating func timestamp(_ v: Any?, path: String) -> Date {
            if let s = JSONObject.stringOrNumber(v), let seconds = Double(s) {
                return Date(timeIntervalSince1970: seconds)
            }
            payload.warnings.append("\(path).timestamp is missing or not a number; used the time of receipt")
            return receivedAt
        }

        mutating func message(_ m: [String: Any], channel: ChannelID, path: String) throws(WhatsAppWebhookError) -> InboundMessage {
            guard let id = JSONObject.string(m["id"]), !id.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).id is missing")
            }
            let from = JSONObject.stringOrNumber(m["from"]) ?? ""
            let fromUserID = JSONObject.string(m["from_user_id"]).flatMap { $0.isEmpty ? nil : $0 }
            if from.isEmpty && fromUserID == nil {
                throw WhatsAppWebhookError(.malformed, "\(path) has neither from nor from_user_id")
            }
            let type = JSONObject.string(m["type"]) ?? ""
            var msg = InboundMessage(
                channel: channel, providerMessageID: id, from: from, fromUserID: fromUserID,
                timestamp: timestamp(m["timestamp"], path: path),
                kind: .unsupported, providerType: type,
                errors: WhatsAppWebhook.providerErrors(m["errors"]),
                rawJSON: JSONObject.text(m))
            let body = m[type] as? [String: Any]

            switch type {
            case "text":
                msg.kind = .text
                msg.text = JSONObject.string(body?["body"])
            case "image", "video", "document", "audio", "sticker":
                msg.kind = MessageKind(rawValue: type) ?? .unsupported
                if let body, let mediaID = JSONObject.stringOrNumber(body["id"]) {
                    msg.media = InboundMedia(
                        id: mediaID,
                        mimeType: JSONObject.string(body["mime_type"]),
                        sha256: JSONObject.string(body["sha256"]),
                        caption: JSONObject.string(body["caption"]),
                        filename: JSONObject.string(body["filename"]),
                        voice: JSONObject.bool(body["voice"]) ?? false,
                        animated: JSONObject.bool(body["animated"]) ?? false)
                    msg.text = msg.media?.caption
                } else {
                    payload.warnings.append("\(path).\(type).id is missing; kept as \(type) without media")
                }
            case "location":
                msg.kind = .location
                if let body, let lat = JSONObject.double(body["latitude"]), let lon = JSONObject.double(body["longitude"]) {
                    msg.location = InboundLocation(latitude: lat, longitude: lon,
                                                   name: JSONObject.string(body["name"]),
                                                   address: JSONObject.string(body["address"]))
                    msg.text = msg.location?.name
                } else {
                    payload.warnings.append("\(path).location has no latitude/longitude")
                }
            case "contacts":
                msg.kind = .contacts
                if let cards = m["contacts"] { msg.contactsJSON = JSONObject.text(cards) }
            case "interactive":
                msg.kind = .interactive
                let sub = JSONObject.string(body?["type"]) ?? ""
                if let replyType = InteractiveReply.ReplyType(rawValue: sub),
                   let reply = body?[sub] as? [String: Any],
                   let replyID = JSONObject.stringOrNumber(reply["id"]) {
                    let title = JSONObject.string(reply["title"]) ?? ""
                    msg.interactiveReply = InteractiveReply(type: replyType, id: replyID, title: title,
                                                            description: JSONObject.string(reply["description"]))
                    msg.text = title
                }
            case "button":
                msg.kind = .button
                let text = JSONObject.string(body?["text"]) ?? ""
                msg.button = TemplateButtonReply(payload: JSONObject.string(body?["payload"]) ?? "", text: text)
                msg.text = text
            case "reaction":
                msg.kind = .reaction
                let emoji = JSONObject.string(body?["emoji"]) ?? ""
                msg.reaction = Reaction(targetMessageID: JSONObject.string(body?["message_id"]) ?? "", emoji: emoji)
                msg.text = emoji.isEmpty ? nil : emoji
            case "system":
                msg.kind = .system
                msg.text = JSONObject.string(body?["body"])
            case "order":
                msg.kind = .order
                msg.text = JSONObject.string(body?["text"])
            default:
                // `unsupported`, and any type this version does not know: kept, not dropped.
                msg.kind = .unsupported
            }

            if let ctx = m["context"] as? [String: Any] {
                msg.context = MessageContext(
                    repliedToMessageID: JSONObject.string(ctx["id"]),
                    repliedToFrom: JSONObject.stringOrNumber(ctx["from"]),
                    forwarded: JSONObject.bool(ctx["forwarded"]) ?? false,
                    frequentlyForwarded: JSONObject.bool(ctx["frequently_forwarded"]) ?? false)
            }
            return msg
        }

        mutating func status(_ s: [String: Any], channel: ChannelID, path: String) throws(WhatsAppWebhookError) -> DeliveryReceipt? {
            guard let id = JSONObject.string(s["id"]), !id.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).id is missing")
            }
            let word = JSONObject.string(s["status"]) ?? ""
            guard let status = DeliveryReceipt.deliveryStatus(forProviderStatus: word) else {
                payload.warnings.append("\(path): unknown status \"\(word)\" ignored")
                return nil
            }
            return DeliveryReceipt(
                channel: channel, providerMessageID: id, status: status, providerStatus: word,
                timestamp: timestamp(s["timestamp"], path: path),
                recipientID: JSONObject.stringOrNumber(s["recipient_id"]) ?? "",
                recipientUserID: JSONObject.string(s["recipient_user_id"]),
                errors: WhatsAppWebhook.providerErrors(s["errors"]),
                rawJSON: JSONObject.text(s))
        }
    }

    /// `errors[]` objects: `{ code, title, message, error_data: { details } }`.
    static func providerErrors(_ v: Any?) -> [ProviderError] {
        guard let list = v as? [Any] else { return [] }
        return list.compactMap { e in
            guard let e = e as? [String: Any] else { return nil }
            return ProviderError(
                code: JSONObject.int(e["code"]) ?? 0,
                title: JSONObject.string(e["title"]) ?? JSONObject.string(e["message"]) ?? "",
                message: JSONObject.string(e["message"]),
                details: (e["error_data"] as? [String: Any]).flatMap { JSONObject.string($0["details"]) })
        }
    }
}
