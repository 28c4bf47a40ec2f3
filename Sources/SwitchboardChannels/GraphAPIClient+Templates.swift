import CCurl
import Foundation
import SwitchboardCore

/// Message templates on the Graph API: the business account's list
/// (`GET /{waba_id}/message_templates`, paged) and template sends
/// (`POST /{phone_number_id}/messages` with `type: template`). A template refused by the
/// provider comes back as a permanent `GraphError` with its code (132000 parameter count,
/// 132001 unknown name or language, 132005 text too long, 132007 policy, 132012
/// parameter format, 132015 paused, 132016 disabled).
extension GraphAPIClient {
    /// Every template of the business account, following the provider's pages (at most
    /// `maxPages` of 100).
    public func listTemplates(wabaID: String, channel: ChannelID, maxPages: Int = 50) throws(GraphError) -> [MessageTemplate] {
        guard !wabaID.isEmpty, wabaID.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw GraphError(kind: .permanent, title: "waba_id '\(wabaID)' is not a WhatsApp Business Account id (digits only)")
        }
        let base = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(wabaID))/message_templates"
            + "?fields=name,language,status,category,components,id&limit=100"
        var out: [MessageTemplate] = []
        var after: String?
        for _ in 0..<maxPages {
            var url = base
            if let after { url += "&after=" + GraphAPIClient.queryEscape(after) }
            let response = try perform(url: url, body: nil, headers: jsonHeaders, timeout: configuration.requestTimeout,
                                       maxBytes: 8 << 20, followRedirects: false)
            let page = try GraphAPIClient.decodeSuccess(response)
            guard let data = page["data"]?.array else {
                throw GraphError(kind: .permanent, httpStatus: response.status, title: "the template list answered without a data array")
            }
            out += data.compactMap { GraphAPIClient.template($0, channel: channel, body: response.body) }
            // A next page exists only when the provider gives a `next` link; its `after`
            // cursor is used against our own graph_url (never the link itself).
            guard page["paging"]?["next"]?.string != nil, let cursor = page["paging"]?["cursors"]?["after"]?.string,
                  !cursor.isEmpty, cursor != after else { break }
            after = cursor
        }
        return out
    }

    /// One listed template, or nil when it lacks a name or language.
    static func template(_ t: JSONValue, channel: ChannelID, body: [UInt8]) -> MessageTemplate? {
        guard let name = t["name"]?.string, !name.isEmpty, let language = t["language"]?.string, !language.isEmpty else {
            return nil
        }
        var template = MessageTemplate(channelID: channel, name: name, language: language,
                                       status: MessageTemplate.Status(provider: t["status"]?.string ?? ""),
                                       category: t["category"]?.string ?? "", providerID: t["id"]?.stringOrNumber)
        var components = "[]"
        if let list = t["components"], case .array(let items, let range) = list {
            if range.lowerBound >= 0, range.upperBound <= body.count { components = String(decoding: body[range], as: UTF8.self) }
            for c in items {
                let text = c["text"]?.string ?? ""
                switch (c["type"]?.string ?? "").uppercased() {
                case "HEADER":
                    let format = (c["format"]?.string ?? "TEXT").uppercased()
                    if format == "TEXT" { template.headerParameters = MessageTemplate.placeholderCount(text) } else { template.mediaHeader = format }
                case "BODY":
                    template.bodyText = text
                    template.bodyParameters = MessageTemplate.placeholderCount(text)
                default:
                    break
                }
            }
        }
        template.componentsJSON = components
        return template
    }

    /// Sends an approved template (wire-formats 1.8) with text parameters for its header
    /// and body. The caller checked them against the template (`MessageTemplate.refusal`).
    /// A media header goes by the id of an upload or by a link (wire-formats 1.8); a
    /// file not uploaded yet (`.file`) is refused here, before any call.
    public func sendTemplate(to recipient: WhatsAppRecipient, name: String, language: String,
                             parameters: MessageTemplate.Parameters) throws(GraphError) -> GraphSendReceipt {
        if case .file = parameters.headerMedia?.source {
            throw GraphError(kind: .permanent, title: "the template's header file was not uploaded before the send")
        }
        return try receipt(postJSON(GraphAPIClient.templateMessageBody(to: recipient, name: name, language: language,
                                                                parameters: parameters)))
    }

    public static func templateMessageBody(to recipient: WhatsAppRecipient, name: String, language: String,
                                           parameters: MessageTemplate.Parameters) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"messaging_product\":\"whatsapp\",")
        writeRecipient(recipient, &w)
        w.raw("\"type\":\"template\",\"template\":{\"name\":")
        w.string(name)
        w.raw(",\"language\":{\"code\":")
        w.string(language)
        w.raw(",\"policy\":\"deterministic\"}")
        var parts: [(StaticString, [String])] = []
        if !parameters.header.isEmpty { parts.append(("{\"type\":\"header\",\"parameters\":[", parameters.header)) }
        if !parameters.body.isEmpty { parts.append(("{\"type\":\"body\",\"parameters\":[", parameters.body)) }
        let media = parameters.headerMedia.flatMap(headerMediaParameter)
        if !parts.isEmpty || media != nil {
            w.raw(",\"components\":[")
            if let media {
                // {"type":"header","parameters":[{"type":"image","image":{"id":"..."}}]}
                w.raw("{\"type\":\"header\",\"parameters\":[{\"type\":")
                w.string(media.kind)
                w.raw(",")
                w.string(media.kind)
                w.raw(":{")
                w.string(media.key)
                w.raw(":")
                w.string(media.value)
                if let filename = media.filename {
                    w.raw(",\"filename\":")
                    w.string(filename)
                }
                w.raw("}}]}")
                if !parts.isEmpty { w.raw(",") }
            }
            for (i, part) in parts.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw(part.0)
                for (j, text) in part.1.enumerated() {
                    w.raw(j == 0 ? "{\"type\":\"text\",\"text\":" : ",{\"type\":\"text\",\"text\":")
                    w.string(text)
                    w.raw("}")
                }
                w.raw("]}")
            }
            w.raw("]")
        }
        w.raw("}}")
        return w.bytes
    }

    /// The header parameter of a media header: `image`/`video`/`document` with `id` or
    /// `link` (and a document's `filename`); nil for a file not uploaded yet.
    static func headerMediaParameter(_ m: MessageTemplate.HeaderMedia)
        -> (kind: String, key: String, value: String, filename: String?)? {
        let filename = m.kind == "document" ? m.filename.flatMap { $0.isEmpty ? nil : $0 } : nil
        switch m.source {
        case .id(let id): return (m.kind, "id", id, filename)
        case .link(let url): return (m.kind, "link", url, filename)
        case .file: return nil
        }
    }

    /// `"to":"..."` for a phone, `"recipient":"..."` for a BSUID, with `recipient_type`.
    static func writeRecipient(_ recipient: WhatsAppRecipient, _ w: inout JSONWriter) {
        switch recipient {
        case .phone(let number):
            w.raw("\"to\":")
            w.string(number)
        case .userID(let id):
            w.raw("\"recipient\":")
            w.string(id)
        }
        w.raw(",\"recipient_type\":\"individual\",")
    }

    /// The receipt of a send's 200 answer.
    func receipt(_ answer: JSONValue) throws(GraphError) -> GraphSendReceipt {
        guard let first = answer["messages"]?.array?.first, let id = first["id"]?.string, !id.isEmpty else {
            throw GraphError(kind: .permanent, httpStatus: 200,
                             title: "the provider answered 200 without messages[0].id", ambiguous: true)
        }
        return GraphSendReceipt(providerMessageID: id, waID: answer["contacts"]?.array?.first?["wa_id"]?.stringOrNumber,
                                messageStatus: first["message_status"]?.string)
    }

    static func queryEscape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
