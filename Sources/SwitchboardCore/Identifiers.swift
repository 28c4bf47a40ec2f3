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
