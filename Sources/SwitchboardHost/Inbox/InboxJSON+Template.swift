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
        /// Why it cannot be sent now (not approved, a media header), or null.
        var unavailable: String?

        init(_ t: MessageTemplate) {
            name = t.name
            language = t.language
            status = t.status.rawValue
            category = t.category
            body = t.bodyText
            headerParameters = t.headerParameters
            bodyParameters = t.bodyParameters
            let probe = MessageTemplate.Parameters(header: Array(repeating: "x", count: t.headerParameters),
                                                   body: Array(repeating: "x", count: t.bodyParameters))
            unavailable = t.refusal(probe)
        }

        enum CodingKeys: String, CodingKey {
            case name, language, status, category, body, unavailable
            case headerParameters = "header_parameters", bodyParameters = "body_parameters"
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
            try c.encode(unavailable, forKey: .unavailable)
        }
    }
}
