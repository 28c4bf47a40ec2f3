import Foundation
import SwitchboardCore

/// Meta's webhook POSTs for WhatsApp: signature check, then parsing into
/// channel-neutral `InboundMessage`s and `DeliveryReceipt`s, grouped by business number.
///
///     let payload = try WhatsAppWebhook.verifyAndParse(
///         body: rawBody, signatureHeader: request.header("X-Hub-Signature-256"),
///         appSecret: app.secret, channelFor: { phoneNumberID in channels[phoneNumberID] })
///
/// Pure apart from the HMAC: no I/O, no clock unless a timestamp is missing.
public enum WhatsAppWebhook {
    /// Verifies the signature over the raw bytes first, then parses.
    public static func verifyAndParse(
        body: Data, signatureHeader: String?, appSecret: String,
        channelFor: (_ phoneNumberID: String) -> ChannelID?, receivedAt: Date = Date()
    ) throws(WhatsAppWebhookError) -> WhatsAppWebhookPayload {
        try WhatsAppSignature.verify(body: body, header: signatureHeader, appSecret: appSecret)
        return try parse(body: body, channelFor: channelFor, receivedAt: receivedAt)
    }

    /// Parses a body whose signature was already checked. `channelFor` maps a
    /// `phone_number_id` to the channel configured for it; `receivedAt` stands in for a
    /// missing or unreadable timestamp (with a warning).
    public static func parse(
        body: Data, channelFor: (_ phoneNumberID: String) -> ChannelID?, receivedAt: Date = Date()
    ) throws(WhatsAppWebhookError) -> WhatsAppWebhookPayload {
        // One copy of the body, so the parser can slice each message's raw JSON out of it.
        let bytes = [UInt8](body)
        let root: JSONValue
        do {
            root = try JSONReader.read(bytes)
        } catch {
            throw WhatsAppWebhookError(.malformed, "body is not JSON (\(error))")
        }
        guard root.isObject else {
            throw WhatsAppWebhookError(.malformed, "body is not a JSON object")
        }
        if let object = root["object"]?.string, object != "whatsapp_business_account" {
            throw WhatsAppWebhookError(.malformed, "object is \"\(object)\", expected \"whatsapp_business_account\"")
        }
        guard let entries = root["entry"]?.array else {
            throw WhatsAppWebhookError(.malformed, "no entry array")
        }

        var parser = Parser(body: bytes, receivedAt: receivedAt)
        for (i, entry) in entries.enumerated() {
            guard entry.isObject else {
                throw WhatsAppWebhookError(.malformed, "entry[\(i)] is not an object")
            }
            guard let changes = entry["changes"]?.array else {
                throw WhatsAppWebhookError(.malformed, "entry[\(i)] has no changes array")
            }
            let waba = entry["id"]?.stringOrNumber
            for (j, change) in changes.enumerated() {
                guard change.isObject else {
                    throw WhatsAppWebhookError(.malformed, "entry[\(i)].changes[\(j)] is not an object")
                }
                let field = change["field"]?.string ?? ""
                guard field == "messages" else {
                    parser.payload.ignoredFields.append(field)
                    continue
                }
                guard let value = change["value"], value.isObject else {
                    throw WhatsAppWebhookError(.malformed, "entry[\(i)].changes[\(j)].value is not an object")
                }
                try parser.change(value, waba: waba, path: BodyPath(entry: i, change: j), channelFor: channelFor)
            }
        }
        return parser.finish()
    }
}
