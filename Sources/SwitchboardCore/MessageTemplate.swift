import Foundation

/// An approved WhatsApp message template of a channel's business account (WABA), as the
/// Graph API lists it (`GET /{waba_id}/message_templates`): the only kind of message
/// WhatsApp lets a business send once the customer's 24-hour window has closed.
///
/// Only what a send needs is kept: name, language, status, category, and per component
/// the number of `{{n}}` placeholders the text has, and a header's media format (an
/// image, video or document header takes one file per send: uploaded by the agent, or an
/// https link; a location header is listed but refused for sending, with the reason). Pure: the check of an agent's parameters
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

    /// Parameters an agent gives for one send: header and body texts, in order, and the
    /// file of a media header.
    public struct Parameters: Sendable, Equatable {
        public var header: [String]
        public var body: [String]
        public var headerMedia: HeaderMedia?
        public init(header: [String] = [], body: [String] = [], headerMedia: HeaderMedia? = nil) {
            self.header = header
            self.body = body
            self.headerMedia = headerMedia
        }
    }

    /// The image, video or document of a media header, for one send: a file the agent
    /// gave (checked by type and size here, uploaded by the sender, then named by its
    /// media id), or an https link the provider fetches.
    public struct HeaderMedia: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            /// A file in the media store, not uploaded yet.
            case file(mimeType: String, size: Int)
            /// An https URL WhatsApp downloads itself.
            case link(String)
            /// A media id the Graph API answered for an upload.
            case id(String)
        }
        /// `image`, `video` or `document`: the template's header format, lower case.
        public var kind: String
        public var source: Source
        /// A document's file name, shown to the customer.
        public var filename: String?

        public init(kind: String, source: Source, filename: String? = nil) {
            self.kind = kind
            self.source = source
            self.filename = filename
        }
    }

    /// The media header kinds this host sends.
    public static let mediaHeaderKinds: Set<String> = ["image", "video", "document"]

    /// What a media header takes, for the agent: `a JPEG or PNG image up to 5 MB`.
    public static func mediaHeaderHint(_ kind: String) -> String {
        let types = OutboundMediaTypes.types(of: kind)
        let largest = types.values.max() ?? 0
        let names: String = switch kind {
        case "image": "a JPEG or PNG image"
        case "video": "an MP4 or 3GPP video"
        default: "a PDF, text or Office document"
        }
        return "\(names) up to \(OutboundMediaTypes.megabytes(largest)), or its https link"
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
        if let why = mediaRefusal(p.headerMedia) { return why }
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
    /// WhatsApp takes media links up to this length.
    public static let maxLinkCharacters = 2048

    /// Why the header media does not fit the template's header (missing, not wanted, the
    /// wrong kind, a type or size WhatsApp refuses, a link that is not https); nil if it fits.
    func mediaRefusal(_ media: HeaderMedia?) -> String? {
        let label = "template \(name) (\(language))"
        guard let format = mediaHeader?.lowercased() else {
            return media == nil ? nil : "\(label) has no image, video or document header: send it without header media"
        }
        guard Self.mediaHeaderKinds.contains(format) else {
            return "\(label) has a \(format) header, which this host cannot send"
        }
        guard let media else {
            return "\(label) has \(format == "image" ? "an" : "a") \(format) header: give \(Self.mediaHeaderHint(format))"
        }
        guard media.kind == format else {
            return "\(label) has \(format == "image" ? "an" : "a") \(format) header, not \(media.kind == "image" ? "an" : "a") \(media.kind)"
        }
        switch media.source {
        case .file(let mimeType, let size):
            let types = OutboundMediaTypes.types(of: format)
            guard let max = types[mimeType] else {
                return "\(label) has \(format == "image" ? "an" : "a") \(format) header: WhatsApp does not take '\(mimeType.isEmpty ? "(no type)" : mimeType)' there; give one of: \(types.keys.sorted().joined(separator: ", "))"
            }
            if size <= 0 { return "the header \(format) is empty" }
            if size > max {
                return "the header \(format) is \(size) bytes; WhatsApp takes \(mimeType) up to \(max) bytes (\(OutboundMediaTypes.megabytes(max)))"
            }
        case .link(let url):
            let lower = url.lowercased()
            guard lower.hasPrefix("https://"), url.count > 8, url.count <= Self.maxLinkCharacters,
                  !url.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }) else {
                return "the header \(format) link must be an https:// URL without spaces, at most \(Self.maxLinkCharacters) characters"
            }
        case .id(let id):
            if id.isEmpty { return "the header \(format) has an empty media id" }
        }
        return nil
    }

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
