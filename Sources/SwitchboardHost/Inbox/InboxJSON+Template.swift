import Foundation
import SwitchboardCore

extension InboxJSON {
    /// A message template as the inbox shows it: enough to pick one and fill its
    /// parameters (`GET /conversations/{id}/templates`).
    struct Template: Encodable {
        var name: String
        var language: String
        var status: String
        var category: String
        var body: String
        var headerParameters: Int
        var bodyParameters: Int
        /// `image`, `video` or `document` when the header takes a file (or its link), else null.
        var headerMedia: String?
        /// The MIME types that header takes (the file picker's `accept`), with what to give.
        var headerMediaTypes: [String]
        var headerMediaHint: String?
        /// Why it cannot be sent now (not approved, a location header), or null.
        var unavailable: String?

        init(_ t: MessageTemplate) {
            name = t.name
            language = t.language
            status = t.status.rawValue
            category = t.category
            body = t.bodyText
            headerParameters = t.headerParameters
            bodyParameters = t.bodyParameters
            let kind = t.mediaHeader?.lowercased()
            let takesFile = kind.map(MessageTemplate.mediaHeaderKinds.contains) ?? false
            headerMedia = takesFile ? kind : nil
            headerMediaTypes = takesFile ? OutboundMediaTypes.types(of: kind ?? "").keys.sorted() : []
            headerMediaHint = takesFile ? MessageTemplate.mediaHeaderHint(kind ?? "") : nil
            // Sendable when approved and given what it asks for.
            let probe = MessageTemplate.Parameters(header: Array(repeating: "x", count: t.headerParameters),
                                                   body: Array(repeating: "x", count: t.bodyParameters),
                                                   headerMedia: takesFile ? .init(kind: kind ?? "", source: .id("probe")) : nil)
            unavailable = t.refusal(probe)
        }

        enum CodingKeys: String, CodingKey {
            case name, language, status, category, body, unavailable
            case headerParameters = "header_parameters", bodyParameters = "body_parameters"
            case headerMedia = "header_media", headerMediaTypes = "header_media_types", headerMediaHint = "header_media_hint"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(language, forKey: .language)
            try c.encode(status, forKey: .status)
            try c.encode(category, forKey: .category)
            try c.encode(body, forKey: .body)
            try c.encode(headerParameters, forKey: .headerParameters)
            try c.encode(bodyParameters, forKey: .bodyParameters)
            try c.encode(headerMedia, forKey: .headerMedia)
            try c.encode(headerMediaTypes, forKey: .headerMediaTypes)
            try c.encode(headerMediaHint, forKey: .headerMediaHint)
            try c.encode(unavailable, forKey: .unavailable)
        }
    }
}
