import Foundation

/// An approved WhatsApp message template of a channel's business account (WABA), as the
/// Graph API lists it (`GET /{waba_id}/message_templates`): the only kind of message
/// WhatsApp lets a business send once the customer's 24-hour window has closed.
///
/// Only what a send needs is kept: name, language, status, category, and per component
/// the number of `{{n}}` placeholders the text has (a header may also take one image,
/// video or document, which this host does not send: such templates are listed but
/// refused for sending, with the reason). Pure: the check of an agent's parameters
/// against the template (`check`) happens before anything is stored or sent, so a
/// template with a missing parameter never reaches the Graph API (where it would fail
/// with 132000).
public struct MessageTemplate: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case approved = "APPROVED", pending = "PENDING", rejected = "REJECTED", paused = "PAUSED"
        case disabled = "DISABLED", inAppeal = "IN_APPEAL", pendingDeletion = "PENDING_DELETION"
        case deleted = "DELETED", archived = "ARCHIVED", limitExceeded = "LIMIT_EXCEEDED", unknown = "UNKNOWN"

        public init(provider: String) {
            self = Status(rawValue: provider.uppercased()) ?? .unknown
        }
    }

    public var channelID: ChannelID
    public var name: String
    /// `en_US`, `es`: must match exactly when sending.
    public var language: String
    public var status: Status
    /// MARKETING, UTILITY, AUTHENTICATION.
    public var category: String
    /// The provider's template id (digits), when given.
    public var providerID: String?
    /// The body text with its `{{1}}` placeholders, shown to agents.
    public var bodyText: String
    /// Placeholders in the header text (0 or 1) and in the body.
    public var headerParameters: Int
    public var bodyParameters: Int
    /// A header of another format than text (IMAGE, VIDEO, DOCUMENT, LOCATION), or nil.
    public var mediaHeader: String?
    /// The whole template as the provider listed it (JSON), for display.
    public var componentsJSON: String

    public init(channelID: ChannelID, name: String, language: String, status: Status, category: String,
                providerID: String? = nil, bodyText: String = "", headerParameters: Int = 0, bodyParameters: Int = 0,
                mediaHeader: String? = nil, componentsJSON: String = "[]") {
        self.channelID = channelID
        self.name = name
        self.language = language
        self.status = status
        self.category = category
        self.providerID = providerID
        self.bodyText = bodyText
        self.headerParameters = headerParameters
        self.bodyParameters = bodyParameters
        self.mediaHeader = mediaHeader
        self.componentsJSON = componentsJSON
    }

    /// Parameters an agent gives for one send: header and body texts, in order.
    public struct Parameters: Sendable, Equatable {
        public var header: [String]
        public var body: [String]
        public init(header: [String] = [], body: [String] = []) {
            self.header = header
            self.body = body
        }
    }

    /// Why a send of this template with these parameters is refused before any provider
    /// call; nil when it may go. WhatsApp's rules: the template is approved, the count of
    /// parameters matches each component's placeholders (132000 otherwise), a parameter is
    /// not empty and has no newline, tab or more than four spaces in a row (132012), and a
    /// body parameter is at most 1024 characters (132005 covers the whole text).
    public func refusal(_ p: Parameters) -> String? {
        guard status == .approved else {
            return "template \(name) (\(language)) is \(status.rawValue.lowercased()), not approved: WhatsApp sends only approved templates"
        }
        if let mediaHeader {
            return "template \(name) (\(language)) has a \(mediaHeader.lowercased()) header, which this host cannot send yet"
        }
        if p.header.count != headerParameters {
            return "template \(name) (\(language)) takes \(headerParameters) header parameter\(headerParameters == 1 ? "" : "s"), got \(p.header.count)"
        }
        if p.body.count != bodyParameters {
            return "template \(name) (\(language)) takes \(bodyParameters) body parameter\(bodyParameters == 1 ? "" : "s") ({{1}} to {{\(bodyParameters)}}), got \(p.body.count)"
        }
        for (i, value) in (p.header.map { ("header", $0) } + p.body.map { ("body", $0) }).enumerated() {
            let (part, text) = value
            let n = part == "header" ? i + 1 : i - p.header.count + 1
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                return "\(part) parameter {{\(n)}} is empty"
            }
            if text.contains("\n") || text.contains("\t") || text.contains("     ") {
                return "\(part) parameter {{\(n)}} has a newline, a tab or more than four spaces in a row, which WhatsApp refuses in a parameter"
            }
            if text.count > Self.maxParameterCharacters {
                return "\(part) parameter {{\(n)}} has \(text.count) characters, more than the \(Self.maxParameterCharacters) allowed"
            }
        }
        return nil
    }

    public static let maxParameterCharacters = 1024

    /// The text the customer sees: the body with `{{n}}` replaced by the parameters (kept
    /// as the message's text, so the inbox and search show it).
    public func rendered(_ p: Parameters) -> String {
        var text = bodyText
        for (i, value) in p.body.enumerated().reversed() {
            text = text.replacingOccurrences(of: "{{\(i + 1)}}", with: value)
        }
        return text.isEmpty ? "[template \(name)]" : text
    }

    /// The distinct `{{n}}` placeholders of a component text (`Hi {{1}}, order {{2}}` → 2).
    public static func placeholderCount(_ text: String) -> Int {
        var found = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            let inner = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            // Positional ({{1}}) or named ({{first_name}}): each distinct one counts once.
            if !inner.isEmpty, inner.allSatisfy({ $0.isLetter || $0 == "_" || $0.isNumber }) { found.insert(inner) }
            rest = after[close.upperBound...]
        }
        return found.count
    }
}
