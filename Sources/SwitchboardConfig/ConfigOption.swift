/// One key of a config section: its name, type, default and the sentence that documents
/// it. The tables in `ConfigSchema` are the only place keys are declared: the parser, the
/// validation and the documentation all read them, so a key cannot be parsed but
/// undocumented (Redis's `standardConfig` table does the same).
public struct ConfigOption: Sendable {
    public let key: String
    public let type: ConfigValueType
    public let defaultValue: ConfigDefault
    public let doc: String

    public init(_ key: String, _ type: ConfigValueType, _ defaultValue: ConfigDefault, _ doc: String) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
    }

    public var isRequired: Bool {
        if case .required = defaultValue { return true }
        return false
    }
}

/// What happens when a key is left out.
public enum ConfigDefault: Sendable {
    /// The key must be given; leaving it out is an error at the enclosing mapping.
    case required
    /// The key may be left out; the text says what that means ("stderr").
    case optional(String)
    /// The key defaults to this YAML text, parsed and checked like a value from a file.
    case value(String)
}

/// The type of a key's value: how it is parsed, checked and documented.
public indirect enum ConfigValueType: Sendable {
    /// Any non-empty scalar.
    case text
    /// A lower-case id: letters, digits, `-` and `_` (the rules of `WorkspaceID`).
    case identifier
    case integer(ClosedRange<Int>)
    /// A number strictly greater than the bound.
    case number(greaterThan: Double)
    case boolean
    case choice([String])
    /// `host:port`: IPv4, IPv6 in brackets, or `localhost`.
    case listenAddress
    /// `host:port` as `listenAddress`, or `off`.
    case listenAddressOrOff
    /// Decimal digits only, kept as text (a WhatsApp phone number id).
    case digits
    /// An `http://` or `https://` URL.
    case httpURL
    /// A `postgres://` or `postgresql://` connection URL.
    case postgresURL
    /// An ISO 3166 alpha-2 region that phone numbers support.
    case region
    /// An IANA time zone (`Africa/Lagos`).
    case timeZone
    /// A list of scalars.
    case textList
    /// A list of IP addresses and CIDR blocks (`IPAddressRange`).
    case addressRanges
    /// A nested mapping.
    case section(ConfigSection)
    /// A list of mappings.
    case sectionList(ConfigSection)
    /// Any YAML, handed on as JSON (plugin config).
    case anyYAML

    /// The type as the documentation shows it.
    public var documentation: String {
        switch self {
        case .text: "text"
        case .identifier: "id (a-z, 0-9, -, _)"
        case .integer(let r): "integer \(r.lowerBound)..\(r.upperBound)"
        case .number(let bound): "number > \(bound.formatted)"
        case .boolean: "true | false"
        case .choice(let names): names.joined(separator: " | ")
        case .listenAddress: "host:port"
        case .listenAddressOrOff: "host:port | off"
        case .digits: "digits (quote them)"
        case .httpURL: "URL"
        case .postgresURL: "postgres:// URL"
        case .region: "region (ISO 3166 alpha-2)"
        case .timeZone: "IANA time zone"
        case .textList: "list of text"
        case .addressRanges: "list of IP addresses or CIDR blocks"
        case .section: "mapping"
        case .sectionList: "list of mappings"
        case .anyYAML: "any YAML (passed as JSON)"
        }
    }
}

/// A mapping of known keys: the host config's `server`, a channel, a workspace file.
public struct ConfigSection: Sendable {
    /// How keys are named in messages and documentation: `server`, `channels[]`. Empty
    /// for the top level of a file.
    public let path: String
    public let doc: String
    public let options: [ConfigOption]

    public init(path: String, doc: String, options: [ConfigOption]) {
        self.path = path
        self.doc = doc
        self.options = options
    }

    public func option(_ key: String) -> ConfigOption? {
        options.first { $0.key == key }
    }

    /// `server.listen`, `channels[].id`, or just `id` at the top level.
    func qualified(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}

extension Double {
    var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
