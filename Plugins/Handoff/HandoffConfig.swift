import Foundation
import SwitchboardPluginKit

/// The handoff plugin's config, from the workspace's YAML:
///
///     - name: handoff
///       config:
///         phrases: [...]            # replaces the built-in multilingual list
///         keywords: [complaint]     # more triggers, journalled as "keyword: complaint"
///         after_unanswered: 3       # hand off on the 3rd message in a row nobody answered (0: never)
///         hours: mon-fri 09:00-17:00, sat 10:00-14:00
///         timezone: Africa/Lagos    # default: the workspace's
///         message: "Connecting you with our team. An agent will reply shortly."
///         message_closed: "Our team is away. An agent will reply at {next_open}."
struct HandoffConfig {
    var phrases: [String] = HandoffPhrases.defaults
    var keywords: [String] = []
    var afterUnanswered = 3
    var hours: BusinessHours?
    var message = "Thanks for your patience. An agent will reply shortly."
    var messageClosed = "Thanks for your patience. Our team is away right now; an agent will reply at {next_open}."

    static let keys: Set<String> = ["phrases", "keywords", "after_unanswered", "hours", "timezone", "message", "message_closed"]

    init(_ config: PluginConfig, workspaceTimeZone: String) throws {
        try config.rejectUnknownKeys(Self.keys)
        let o = try config.object()
        func strings(_ key: String) throws -> [String]? {
            guard let v = o[key] else { return nil }
            if let s = v as? String { return [s] }
            guard let a = v as? [Any], let s = a as? [String] else {
                throw PluginError.invalid("config: \(key) must be a list of strings")
            }
            return s
        }
        func string(_ key: String) throws -> String? {
            guard let v = o[key] else { return nil }
            guard let s = v as? String, !s.isEmpty else { throw PluginError.invalid("config: \(key) must be a non-empty string") }
            return s
        }
        if let p = try strings("phrases") { phrases = p }
        if let k = try strings("keywords") { keywords = k }
        if let v = o["after_unanswered"] {
            guard let n = v as? Int, n >= 0 else {
                throw PluginError.invalid("config: after_unanswered must be a whole number, 0 or more")
            }
            afterUnanswered = n
        }
        if let m = try string("message") { message = m }
        if let m = try string("message_closed") { messageClosed = m }
        let tzName = try string("timezone") ?? (workspaceTimeZone.isEmpty ? "UTC" : workspaceTimeZone)
        guard let tz = TimeZone(identifier: tzName) else {
            throw PluginError.invalid("config: timezone \"\(tzName)\" is not an IANA timezone (like Africa/Lagos)")
        }
        if let h = o["hours"] {
            do {
                if let s = h as? String {
                    hours = try BusinessHours(parsing: s, timeZone: tz)
                } else if let a = h as? [String] {
                    hours = try BusinessHours(clauses: a, timeZone: tz)
                } else {
                    throw PluginError.invalid("config: hours must be a string like \"mon-fri 09:00-17:00\" or a list of them")
                }
            } catch let e as BusinessHours.ParseError {
                throw PluginError.invalid("config: \(e.description)")
            }
        }
    }
}
