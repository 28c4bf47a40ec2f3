import Foundation
import SwitchboardChannels
import SwitchboardCore

/// Outbox entries that are not plain text: an approved template, or an attachment from
/// the media store. Queued like any reply (same outbox, retries, rate limits, journal);
/// a template is a Graph API call of a Cloud API channel, an attachment goes to the
/// channel's transport as `OutboundRequest.media` (each channel sends files its own way).
///
///     {"template":{"body":["Ana"],"header":[],"language":"en_US","name":"order_ready"}}
///     {"media":{"caption":"...","filename":"price-list.pdf","kind":"document",
///               "mime_type":"application/pdf","path":"/data/media/bakery/ab/ab12...","sha256":"ab12..."}}
///
/// The file's path is in the entry, so the sender needs nothing else to send it.
enum OutboxContent: Equatable {
    case template(name: String, language: String, parameters: MessageTemplate.Parameters)
    case media(Media)

    struct Media: Equatable {
        var kind: String
        var mimeType: String
        var sha256: String
        var path: String
        var filename: String?
        var caption: String?
    }

    /// Templates are the one kind WhatsApp lets through after the 24-hour window.
    var allowedOutsideWindow: Bool {
        if case .template = self { return true }
        return false
    }

    /// Written directly (keys sorted), like `OutboxBody`: nothing here can fail.
    var json: String {
        func list(_ strings: [String]) -> String {
            "[" + strings.map(JSONText.quoted).joined(separator: ",") + "]"
        }
        func object(_ members: [(String, String)]) -> String {
            "{" + members.map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        }
        switch self {
        case .template(let name, let language, let p):
            return object([("template", object([("body", list(p.body)), ("header", list(p.header)),
                                                ("language", JSONText.quoted(language)), ("name", JSONText.quoted(name))]))])
        case .media(let m):
            var members: [(String, String)] = []
            if let c = m.caption { members.append(("caption", JSONText.quoted(c))) }
            if let f = m.filename { members.append(("filename", JSONText.quoted(f))) }
            members += [("kind", JSONText.quoted(m.kind)), ("mime_type", JSONText.quoted(m.mimeType)),
                        ("path", JSONText.quoted(m.path)), ("sha256", JSONText.quoted(m.sha256))]
            return object([("media", object(members))])
        }
    }

    /// The content of an entry's body, or nil for a text (or mark-read) entry.
    static func decode(_ json: String) -> OutboxContent? {
        // Cheap test first: a text entry never starts with these keys.
        guard json.hasPrefix("{\"template\"") || json.hasPrefix("{\"media\""),
              let value = try? JSONReader.read(Array(json.utf8)) else { return nil }
        if let t = value["template"], let name = t["name"]?.string, let language = t["language"]?.string {
            let strings: (JSONValue?) -> [String] = { ($0?.array ?? []).compactMap(\.string) }
            return .template(name: name, language: language,
                             parameters: MessageTemplate.Parameters(header: strings(t["header"]), body: strings(t["body"])))
        }
        if let m = value["media"], let kind = m["kind"]?.string, let mime = m["mime_type"]?.string,
           let sha = m["sha256"]?.string, let path = m["path"]?.string {
            return .media(Media(kind: kind, mimeType: mime, sha256: sha, path: path, filename: m["filename"]?.string,
                                caption: m["caption"]?.string))
        }
        return nil
    }

    /// The file to send, for an attachment: every transport sends it
    /// (`OutboundRequest.media`).
    var file: OutboundFile? {
        guard case .media(let m) = self else { return nil }
        return OutboundFile(kind: m.kind, mimeType: m.mimeType, path: m.path, sha256: m.sha256, filename: m.filename, caption: m.caption)
    }

    /// Sends a template (a Graph API call, on a sender lane of a Cloud API channel).
    func sendTemplate(to recipient: WhatsAppRecipient, via client: GraphAPIClient) throws(GraphError) -> GraphSendReceipt {
        guard case .template(let name, let language, let parameters) = self else {
            throw GraphError(kind: .permanent, title: "not a template")
        }
        return try client.sendTemplate(to: recipient, name: name, language: language, parameters: parameters)
    }
}
