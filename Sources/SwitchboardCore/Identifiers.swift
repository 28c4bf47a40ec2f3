/// Identifiers of the domain. Each is a distinct type so that a workspace id can never be
/// passed where a conversation id is expected.

/// A workspace: one business, isolated from every other in every table, query and log line.
public struct WorkspaceID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Workspace ids appear in URLs, file names and log lines: lower-case letters, digits,
    /// `-` and `_`, starting with a letter or digit, at most 64 characters.
    public static func isValid(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 64 else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95 }
        return ok(first) && first != 45 && first != 95 && s.utf8.allSatisfy(ok)
    }
}

/// A channel: one connection to a messaging provider (a WhatsApp number, a web chat).
public struct ChannelID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// Ids the host generates for its own rows: a prefix, then 26 characters of a
/// time-ordered ULID (48-bit milliseconds, 80 random bits, Crockford base 32), so that
/// ids sort by creation time and are unique across processes sharing a database.
public enum IDGenerator {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func ulid(milliseconds: UInt64, random: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 26)
        var t = milliseconds
        for i in stride(from: 9, through: 0, by: -1) { bytes[i] = alphabet[Int(t & 31)]; t >>= 5 }
        // 80 random bits from two draws (each draw of the system generator is a syscall).
        var r = random.next()
        for i in 10..<22 { bytes[i] = alphabet[Int(r & 31)]; r >>= 5 }
        r = random.next()
        for i in 22..<26 { bytes[i] = alphabet[Int(r & 31)]; r >>= 5 }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func make(_ prefix: String, milliseconds: UInt64) -> String {
        var rng = SystemRandomNumberGenerator()
        return make(prefix, milliseconds: milliseconds, random: &rng)
    }

    public static func make(_ prefix: String, milliseconds: UInt64, random: inout some RandomNumberGenerator) -> String {
        prefix + "_" + ulid(milliseconds: milliseconds, random: &random)
    }
}

/// A contact of a workspace: one customer, keyed by E.164 number on phone channels.
public struct ContactID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A conversation: (workspace, channel, contact).
public struct ConversationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A message the host stored (inbound or outbound). Not the provider's id (`wamid...`),
/// which is kept beside it as `providerMessageID`.
public struct MessageID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
