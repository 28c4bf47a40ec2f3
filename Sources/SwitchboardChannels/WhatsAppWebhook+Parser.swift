import Foundation
import SwitchboardCore

extension WhatsAppWebhook {
    /// Accumulates one POST's changes into batches per number.
    struct Parser {
        /// The body as received: raw JSON kept for a message, a status or an unknown
        /// number is its exact slice of these bytes, never written again.
        let body: [UInt8]
        let receivedAt: Date
        var payload = WhatsAppWebhookPayload()
        private var batchIndex: [String: Int] = [:]
        private var unknownIndex: [String: Int] = [:]
        private var unknown: [(number: String, messageIDs: [String], statuses: Int, values: [String])] = []

        init(body: [UInt8], receivedAt: Date) {
            self.body = body
            self.receivedAt = receivedAt
        }

        /// The JSON text of `value` as it was in the body (an object or an array); a
        /// scalar, which has no slice of its own, written compactly.
        func raw(_ value: JSONValue) -> String {
            switch value {
            case .object(_, let range), .array(_, let range):
                return String(decoding: body[range], as: UTF8.self)
            case .string(let s): return JSONText.quoted(s)
            case .number(let literal): return literal
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            }
        }

        mutating func change(_ value: JSONValue, waba: String?, path: BodyPath,
                             channelFor: (String) -> ChannelID?) throws(WhatsAppWebhookError) {
            guard let metadata = value["metadata"], metadata.isObject,
                  let number = metadata["phone_number_id"]?.stringOrNumber, !number.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).metadata.phone_number_id is missing")
            }
            let channel = channelFor(number)
            // Display names by wa_id and by BSUID, to join onto messages.
            var names: [String: String] = [:]
            var namesByUserID: [String: String] = [:]
            for contact in value["contacts"]?.array ?? [] {
                guard let name = contact["profile"]?["name"]?.string else { continue }
                if let wa = contact["wa_id"]?.stringOrNumber, !wa.isEmpty { names[wa] = name }
                if let uid = contact["user_id"]?.string, !uid.isEmpty { namesByUserID[uid] = name }
            }

            var messages: [InboundMessage] = []
            if let list = value["messages"] {
                guard let list = list.array else {
                    throw WhatsAppWebhookError(.malformed, "\(path).messages is not an array")
                }
                for (k, object) in list.enumerated() {
                    guard object.isObject else {
                        throw WhatsAppWebhookError(.malformed, "\(path.at("messages", k)) is not an object")
                    }
                    var msg = try message(object, channel: channel ?? ChannelID(number), path: path.at("messages", k))
                    msg.profileName = names[msg.from] ?? msg.fromUserID.flatMap { namesByUserID[$0] }
                    messages.append(msg)
                }
            }
            var statuses: [DeliveryReceipt] = []
            if let list = value["statuses"] {
                guard let list = list.array else {
                    throw WhatsAppWebhookError(.malformed, "\(path).statuses is not an array")
                }
                for (k, object) in list.enumerated() {
                    guard object.isObject else {
                        throw WhatsAppWebhookError(.malformed, "\(path.at("statuses", k)) is not an object")
                    }
                    if let st = try status(object, channel: channel ?? ChannelID(number), path: path.at("statuses", k)) {
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
                unknown[i].values.append(raw(value))
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
                    displayPhoneNumber: metadata["display_phone_number"]?.stringOrNumber,
                    businessAccountID: waba, messages: messages, statuses: statuses, errors: errors))
            }
        }

        func finish() -> WhatsAppWebhookPayload {
            var p = payload
            for u in unknown {
                p.unknownNumbers.append(WhatsAppUnknownNumber(
                    phoneNumberID: u.number, messageIDs: u.messageIDs, statusCount: u.statuses,
                    rawJSON: "[" + u.values.joined(separator: ",") + "]"))
            }
            return p
        }

        /// Seconds since 1970 from 1970 to the end of year 9999: what the journal's RFC
        /// 3339 times can write. Anything else (`1e999` reads as infinity, `nan` as NaN)
        /// would make a Date that traps wherever it is turned into milliseconds.
        static let timestampRange = 0.0...253_402_300_799.0

        mutating func timestamp(_ v: JSONValue?, path: BodyPath) -> Date {
            if let s = v?.stringOrNumber, let seconds = Double(s), Parser.timestampRange.contains(seconds) {
                return Date(timeIntervalSince1970: seconds)
            }
            payload.warnings.append("\(path).timestamp is missing, not a number or out of range; used the time of receipt")
            return receivedAt
        }

        mutating func message(_ m: JSONValue, channel: ChannelID, path: BodyPath) throws(WhatsAppWebhookError) -> InboundMessage {
            guard let id = m["id"]?.string, !id.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).id is missing")
            }
            let from = m["from"]?.stringOrNumber ?? ""
            let fromUserID = m["from_user_id"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            if from.isEmpty && fromUserID == nil {
                throw WhatsAppWebhookError(.malformed, "\(path) has neither from nor from_user_id")
            }
            let type = m["type"]?.string ?? ""
            var msg = InboundMessage(
                channel: channel, providerMessageID: id, from: from, fromUserID: fromUserID,
                timestamp: timestamp(m["timestamp"], path: path),
                kind: .unsupported, providerType: type,
                errors: WhatsAppWebhook.providerErrors(m["errors"]),
                rawJSON: raw(m))
            let body = m[type].flatMap { $0.isObject ? $0 : nil }

            switch type {
            case "text":
                msg.kind = .text
                msg.text = body?["body"]?.string
            case "image", "video", "document", "audio", "sticker":
                msg.kind = MessageKind(rawValue: type) ?? .unsupported
                if let body, let mediaID = body["id"]?.stringOrNumber {
                    msg.media = InboundMedia(
                        id: mediaID,
                        mimeType: body["mime_type"]?.string,
                        sha256: body["sha256"]?.string,
                        caption: body["caption"]?.string,
                        filename: body["filename"]?.string,
                        voice: body["voice"]?.bool ?? false,
                        animated: body["animated"]?.bool ?? false)
                    msg.text = msg.media?.caption
                } else {
                    payload.warnings.append("\(path).\(type).id is missing; kept as \(type) without media")
                }
            case "location":
                msg.kind = .location
                if let body, let lat = body["latitude"]?.double, let lon = body["longitude"]?.double {
                    msg.location = InboundLocation(latitude: lat, longitude: lon,
                                                   name: body["name"]?.string,
                                                   address: body["address"]?.string)
                    msg.text = msg.location?.name
                } else {
                    payload.warnings.append("\(path).location has no latitude/longitude")
                }
            case "contacts":
                msg.kind = .contacts
                if let cards = m["contacts"] { msg.contactsJSON = raw(cards) }
            case "interactive":
                msg.kind = .interactive
                let sub = body?["type"]?.string ?? ""
                if let replyType = InteractiveReply.ReplyType(rawValue: sub),
                   let reply = body?[sub], reply.isObject,
                   let replyID = reply["id"]?.stringOrNumber {
                    let title = reply["title"]?.string ?? ""
                    msg.interactiveReply = InteractiveReply(type: replyType, id: replyID, title: title,
                                                            description: reply["description"]?.string)
                    msg.text = title
                }
            case "button":
                msg.kind = .button
                let text = body?["text"]?.string ?? ""
                msg.button = TemplateButtonReply(payload: body?["payload"]?.string ?? "", text: text)
                msg.text = text
            case "reaction":
                msg.kind = .reaction
                let emoji = body?["emoji"]?.string ?? ""
                msg.reaction = Reaction(targetMessageID: body?["message_id"]?.string ?? "", emoji: emoji)
                msg.text = emoji.isEmpty ? nil : emoji
            case "system":
                msg.kind = .system
                msg.text = body?["body"]?.string
            case "order":
                msg.kind = .order
                msg.text = body?["text"]?.string
            default:
                // `unsupported`, and any type this version does not know: kept, not dropped.
                msg.kind = .unsupported
            }

            if let ctx = m["context"], ctx.isObject {
                msg.context = MessageContext(
                    repliedToMessageID: ctx["id"]?.string,
                    repliedToFrom: ctx["from"]?.stringOrNumber,
                    forwarded: ctx["forwarded"]?.bool ?? false,
                    frequentlyForwarded: ctx["frequently_forwarded"]?.bool ?? false)
            }
            return msg
        }

        mutating func status(_ s: JSONValue, channel: ChannelID, path: BodyPath) throws(WhatsAppWebhookError) -> DeliveryReceipt? {
            guard let id = s["id"]?.string, !id.isEmpty else {
                throw WhatsAppWebhookError(.malformed, "\(path).id is missing")
            }
            let word = s["status"]?.string ?? ""
            guard let status = DeliveryReceipt.deliveryStatus(forProviderStatus: word) else {
                payload.warnings.append("\(path): unknown status \"\(word)\" ignored")
                return nil
            }
            return DeliveryReceipt(
                channel: channel, providerMessageID: id, status: status, providerStatus: word,
                timestamp: timestamp(s["timestamp"], path: path),
                recipientID: s["recipient_id"]?.stringOrNumber ?? "",
                recipientUserID: s["recipient_user_id"]?.string,
                errors: WhatsAppWebhook.providerErrors(s["errors"]),
                rawJSON: raw(s))
        }
    }

    /// Where in the body a value is (`entry[0].changes[1].value.messages[2]`), spelled
    /// out only when an error or a warning names it.
    struct BodyPath: CustomStringConvertible {
        let entry: Int
        let change: Int
        var list: StaticString?
        var index = 0

        init(entry: Int, change: Int) {
            self.entry = entry
            self.change = change
        }

        /// Item `index` of the `list` array of the change's value.
        func at(_ list: StaticString, _ index: Int) -> BodyPath {
            var p = self
            p.list = list
            p.index = index
            return p
        }

        var description: String {
            let value = "entry[\(entry)].changes[\(change)].value"
            guard let list else { return value }
            return "\(value).\(list)[\(index)]"
        }
    }

    /// `errors[]` objects: `{ code, title, message, error_data: { details } }`.
    static func providerErrors(_ v: JSONValue?) -> [ProviderError] {
        guard let list = v?.array else { return [] }
        return list.compactMap { e in
            guard e.isObject else { return nil }
            return ProviderError(
                code: e["code"]?.int ?? 0,
                title: e["title"]?.string ?? e["message"]?.string ?? "",
                message: e["message"]?.string,
                details: e["error_data"]?["details"]?.string)
        }
    }
}
