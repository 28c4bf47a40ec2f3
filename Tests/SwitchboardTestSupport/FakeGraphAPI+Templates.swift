import Foundation
import Glibc
import SwitchboardCore

/// A message template the fake's business accounts hold.
public struct FakeTemplate: Sendable {
    public var name: String
    public var language: String
    /// APPROVED, PAUSED, DISABLED, REJECTED, PENDING.
    public var status: String
    public var category: String
    /// The body text with `{{1}}`-style placeholders.
    public var body: String
    /// A header text (with at most one placeholder), or nil.
    public var header: String?
    /// IMAGE, DOCUMENT, VIDEO: a media header instead of a text one.
    public var headerFormat: String?
    public var id: String

    public init(name: String, language: String = "en_US", status: String = "APPROVED", category: String = "UTILITY",
                body: String, header: String? = nil, headerFormat: String? = nil, id: String? = nil) {
        self.name = name
        self.language = language
        self.status = status
        self.category = category
        self.body = body
        self.header = header
        self.headerFormat = headerFormat
        self.id = id ?? String(abs(name.hashValue) % 1_000_000_000_000)
    }

    var placeholders: (header: Int, body: Int) {
        (header.map(MessageTemplate.placeholderCount) ?? 0, MessageTemplate.placeholderCount(body))
    }

    var json: [String: Any] {
        var components: [[String: Any]] = []
        if let headerFormat {
            components.append(["type": "HEADER", "format": headerFormat])
        } else if let header {
            components.append(["type": "HEADER", "format": "TEXT", "text": header])
        }
        components.append(["type": "BODY", "text": body])
        components.append(["type": "FOOTER", "text": "Reply STOP to opt out"])
        return ["name": name, "language": language, "status": status, "category": category, "id": id,
                "components": components, "parameter_format": "POSITIONAL"]
    }
}

/// A file uploaded to the fake's media endpoint.
public struct FakeUpload: Sendable {
    public var id: String
    public var phoneNumberID: String
    public var mimeType: String
    public var filename: String
    public var bytes: [UInt8]
    /// The `type` form field (Meta requires it to be the MIME type).
    public var typeField: String
}

extension FakeGraphAPI {
    /// The business account `waba` lists these templates (replacing what it had).
    public func setTemplates(_ templates: [FakeTemplate], waba: String) {
        state.withLock { $0.templates[waba] = templates }
    }

    /// Template lists are answered in pages of `size` (to test paging).
    public func setTemplatePageSize(_ size: Int) {
        state.withLock { $0.templatePageSize = max(1, size) }
    }

    /// Files uploaded so far, in no particular order.
    public var uploads: [FakeUpload] { state.withLock { Array($0.uploads.values) } }

    /// Template lists, template sends (checked like Meta checks them), media uploads and
    /// media sends. Nil: not one of these, or a send that passed and is answered as any.
    static func templatesAndMedia(_ s: inout State, parts: [String], method: String, after: String?, body: [UInt8],
                                  send: JSONValue?) -> Answer? {
        if method == "GET", parts.count == 2, parts[1] == "message_templates" {
            guard let list = s.templates[parts[0]] else {
                return graphError(400, code: 100, message: "Unsupported get request",
                                  details: "Object with ID '\(parts[0])' does not exist, cannot be loaded due to missing permissions, or does not support this operation")
            }
            let start = after.flatMap(Int.init) ?? 0
            let end = min(list.count, start + s.templatePageSize)
            var page: [String: Any] = ["data": list[min(start, list.count)..<end].map(\.json)]
            var paging: [String: Any] = ["cursors": ["before": String(start), "after": String(end)]]
            if end < list.count { paging["next"] = "https://graph.facebook.com/v21.0/\(parts[0])/message_templates?after=\(end)" }
            page["paging"] = paging
            return Answer(status: 200, body: json(page))
        }
        if method == "POST", parts.count == 2, parts[1] == "media" {
            guard let upload = parseMultipart(body) else {
                return graphError(400, code: 100, message: "Invalid parameter", details: "file is required (multipart/form-data)")
            }
            guard upload.fields["messaging_product"] == "whatsapp" else {
                return graphError(400, code: 100, message: "Invalid parameter", details: "messaging_product must be whatsapp")
            }
            guard let type = upload.fields["type"], type == upload.mimeType else {
                return graphError(400, code: 131053, message: "Media upload error",
                                  details: "type must be the file's MIME type")
            }
            s.counter += 1
            let id = String(900_000_000_000 + s.counter)
            s.uploads[id] = FakeUpload(id: id, phoneNumberID: parts[0], mimeType: upload.mimeType, filename: upload.filename,
                                       bytes: upload.bytes, typeField: type)
            s.media[id] = (upload.bytes, upload.mimeType, nil)
            return Answer(status: 200, body: json(["id": id]))
        }
        guard let send, let type = send["type"]?.string else { return nil }
        if type == "template" {
            guard let t = send["template"], let name = t["name"]?.string, let language = t["language"]?["code"]?.string else {
                return graphError(400, code: 131008, message: "Required parameter is missing", details: "template.name and template.language.code are required")
            }
            let all = s.templates.values.flatMap { $0 }
            guard let template = all.first(where: { $0.name == name && $0.language == language }) else {
                return graphError(404, code: 132001, message: "Template name does not exist in the translation",
                                  details: "template name (\(name)) does not exist in \(language)")
            }
            switch template.status {
            case "PAUSED":
                return graphError(400, code: 132015, message: "Template is paused", details: "Template is paused due to low quality")
            case "DISABLED":
                return graphError(400, code: 132016, message: "Template is disabled", details: "Template has been disabled")
            case "APPROVED":
                break
            default:
                return graphError(404, code: 132001, message: "Template name does not exist in the translation",
                                  details: "template \(name) is \(template.status)")
            }
            var counts = (header: 0, body: 0)
            var headerMedia: JSONValue?
            for c in t["components"]?.array ?? [] {
                var params = c["parameters"]?.array ?? []
                // A media header's parameter (image, video or document, by id or link), as
                // Meta checks it: the template's format, one source, an id it gave.
                if c["type"]?.string == "header", let media = params.first(where: { ["image", "video", "document"].contains($0["type"]?.string ?? "") }) {
                    guard let format = template.headerFormat?.lowercased() else {
                        return graphError(400, code: 132012, message: "Parameter format does not match format in the created template",
                                          details: "header: the template has no media header")
                    }
                    let kind = media["type"]?.string ?? ""
                    guard kind == format else {
                        return graphError(400, code: 132012, message: "Parameter format does not match format in the created template",
                                          details: "header: Format mismatch, expected \(format.uppercased()), received \(kind.uppercased())")
                    }
                    let object = media[kind]
                    let id = object?["id"]?.string, link = object?["link"]?.string
                    guard (id == nil) != (link == nil) else {
                        return graphError(400, code: 131008, message: "Required parameter is missing",
                                          details: "header: \(kind) needs exactly one of id or link")
                    }
                    if let id, s.uploads[id] == nil, s.media[id] == nil {
                        return graphError(400, code: 131053, message: "Media upload error", details: "media id \(id) is not known")
                    }
                    if let link, !link.hasPrefix("https://") {
                        return graphError(400, code: 131053, message: "Media upload error", details: "the media link must be https")
                    }
                    headerMedia = media
                    params.removeAll { ["image", "video", "document"].contains($0["type"]?.string ?? "") }
                }
                for p in params where p["type"]?.string == "text" {
                    let text = p["text"]?.string ?? ""
                    if text.isEmpty || text.contains("\n") || text.contains("\t") || text.contains("     ") {
                        return graphError(400, code: 132012, message: "Parameter format does not match format in the created template",
                                          details: "a text parameter is empty or has a newline, a tab or more than 4 spaces")
                    }
                }
                switch c["type"]?.string {
                case "header": counts.header += params.count
                case "body": counts.body += params.count
                default: break
                }
            }
            if template.headerFormat != nil, headerMedia == nil {
                return graphError(400, code: 132012, message: "Parameter format does not match format in the created template",
                                  details: "header: Format mismatch, expected \(template.headerFormat ?? ""), received UNKNOWN")
            }
            if counts != template.placeholders {
                return graphError(400, code: 132000, message: "Number of parameters does not match the expected number of params",
                                  details: "body: number of localizable_params (\(counts.body)) does not match the expected number of params (\(template.placeholders.body))")
            }
            return nil
        }
        if type == "image" || type == "document" || type == "audio" || type == "video" {
            guard let id = send[type]?["id"]?.string ?? send[type]?["link"]?.string else {
                return graphError(400, code: 131008, message: "Required parameter is missing", details: "\(type).id is required")
            }
            if send[type]?["id"] != nil, s.uploads[id] == nil, s.media[id] == nil {
                return graphError(400, code: 131053, message: "Media upload error", details: "media id \(id) is not known")
            }
            return nil
        }
        return nil
    }

    /// The parts of a `multipart/form-data` body (the boundary is its first line).
    static func parseMultipart(_ body: [UInt8]) -> (fields: [String: String], mimeType: String, filename: String, bytes: [UInt8])? {
        guard let firstEnd = find(Array("\r\n".utf8), in: body, from: 0) else { return nil }
        let delimiter = Array("\r\n".utf8) + Array(body[0..<firstEnd])
        var fields: [String: String] = [:]
        var file: (String, String, [UInt8])?
        var cursor = firstEnd + 2
        while cursor < body.count {
            guard let headEnd = find(Array("\r\n\r\n".utf8), in: body, from: cursor) else { break }
            let head = String(decoding: body[cursor..<headEnd], as: UTF8.self)
            guard let partEnd = find(delimiter, in: body, from: headEnd + 4) else { break }
            let content = Array(body[(headEnd + 4)..<partEnd])
            let name = value(of: "name", in: head)
            if let filename = value(of: "filename", in: head) {
                let type = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }?
                    .dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) ?? "application/octet-stream"
                file = (type, filename, content)
            } else if let name {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
            cursor = partEnd + delimiter.count
            if body.count >= cursor + 2, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            cursor += 2
        }
        guard let file else { return nil }
        return (fields, file.0, file.1, file.2)
    }

    private static func value(of key: String, in head: String) -> String? {
        guard let r = head.range(of: " \(key)=\"") else { return nil }
        let rest = head[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from <= hay.count else { return nil }
        // The first byte found with memchr (fast), then the rest compared.
        return hay.withUnsafeBufferPointer { h -> Int? in
            guard let base = h.baseAddress, needle.count <= h.count else { return nil }
            let first = Int32(needle[0])
            var i = from
            let last = h.count - needle.count
            while i <= last {
                guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
                let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                if memcmp(base + at, needle, needle.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }
}
