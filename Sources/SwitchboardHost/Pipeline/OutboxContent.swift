import Foundation
import SwitchboardChannels
import SwitchboardCore

/// Outbox entries that are not plain text: an approved template, or an attachment from
/// the media store. Queued like any reply (same outbox, retries, rate limits, journal);
/// a template is a Graph API call of a Cloud API channel, an attachment goes to the
/// channel's transport as `OutboundRequest.media` (each channel sends files its own way).
///
///     {"template":{"body":["Ana"],"header":[],"language":"en_US","name":"order_ready"}}
///     {"template":{"body":["Ana"],"header":[],"header_media":{"filename":"menu.pdf","kind":"document",
///                  "mime_type":"application/pdf","path":"/data/media/bakery/ab/ab12...","sha256":"ab12...","size":1234},
///                  "language":"en_US","name":"menu"}}
///     {"template":{...,"header_media":{"kind":"image","link":"https://example.com/cake.jpg"},...}}
///     {"media":{"caption":"...","filename":"price-list.pdf","kind":"document",
///               "mime_type":"application/pdf","path":"/data/media/bakery/ab/ab12...","sha256":"ab12..."}}
///
/// An attachment is uploaded to the Graph API's media endpoint at send time (the id
/// Meta answers is valid 30 days, so it is not worth keeping across retries) and sent by
/// id. The file's path is in the entry, so the sender needs nothing else to send it. A
/// template's media header given as a file is uploaded the same way at send time (its
/// `headerFile`), and the template names the id.
enum OutboxContent: Equatable {
    case template(name: String, language: String, parameters: MessageTemplate.Parameters, headerFile: HeaderFile? = nil)
    case media(Media)

    /// Where the file of a template's media header is (`parameters.headerMedia` has its
    /// type and size).
    struct HeaderFile: Equatable {
        var sha256: String
        var path: String
    }

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
        case .template(let name, let language, let p, let file):
            var members = [("body", list(p.body)), ("header", list(p.header))]
            if let m = p.headerMedia {
                var media: [(String, String)] = []
                if let f = m.filename { media.append(("filename", JSONText.quoted(f))) }
                media.append(("kind", JSONText.quoted(m.kind)))
                switch m.source {
                case .link(let url): media.append(("link", JSONText.quoted(url)))
                case .id(let id): media.append(("media_id", JSONText.quoted(id)))
                case .file(let mimeType, let size):
                    media.append(("mime_type", JSONText.quoted(mimeType)))
                    if let file { media.append(("path", JSONText.quoted(file.path))) }
                    if let file { media.append(("sha256", JSONText.quoted(file.sha256))) }
                    media.append(("size", String(size)))
                }
                members.append(("header_media", object(media)))
            }
            members += [("language", JSONText.quoted(language)), ("name", JSONText.quoted(name))]
            return object([("template", object(members))])
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
            var parameters = MessageTemplate.Parameters(header: strings(t["header"]), body: strings(t["body"]))
            var file: HeaderFile?
            if let m = t["header_media"] {
                // A header the entry names but cannot say how to send: unreadable (nil).
                guard let kind = m["kind"]?.string else { return nil }
                let source: MessageTemplate.HeaderMedia.Source
                if let url = m["link"]?.string {
                    source = .link(url)
                } else if let id = m["media_id"]?.string {
                    source = .id(id)
                } else if let mime = m["mime_type"]?.string, let path = m["path"]?.string, let sha = m["sha256"]?.string,
                          let size = m["size"]?.int {
                    source = .file(mimeType: mime, size: size)
                    file = HeaderFile(sha256: sha, path: path)
                } else {
                    return nil
                }
                parameters.headerMedia = .init(kind: kind, source: source, filename: m["filename"]?.string)
            }
            return .template(name: name, language: language, parameters: parameters, headerFile: file)
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

    /// Sends a template (a Graph API call, on a sender lane of a Cloud API channel). A
    /// media header given as a file is uploaded first, streamed from the media store (the
    /// id is valid 30 days, so each attempt uploads), and the template names the id. A
    /// missing file is a permanent failure: retrying would not bring it back.
    func sendTemplate(to recipient: WhatsAppRecipient, via client: GraphAPIClient) throws(GraphError) -> GraphSendReceipt {
        guard case .template(let name, let language, var parameters, let file) = self else {
            throw GraphError(kind: .permanent, title: "not a template")
        }
        if let file, let media = parameters.headerMedia, case .file(let mimeType, _) = media.source {
            guard FileManager.default.isReadableFile(atPath: file.path) else {
                throw GraphError(kind: .permanent, title: "the template's header file is no longer in the media store (\(file.sha256))")
            }
            let id = try client.uploadMedia(fileAt: file.path, mimeType: mimeType,
                                            filename: media.filename ?? "header\(AgentAttachments.extensionFor(mimeType))")
            parameters.headerMedia?.source = .id(id)
        }
        return try client.sendTemplate(to: recipient, name: name, language: language, parameters: parameters)
    }
}
