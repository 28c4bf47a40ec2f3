import Foundation
import SwitchboardCore

/// The JSON an outbox entry carries for its sender: what to send, not how the provider
/// wants it (the channel's client builds the provider's body at send time).
///
/// Written and read on every message, so by hand (`JSONText`, `JSONReader`)
/// rather than with Foundation's Codable coders, which cost tens of microseconds each
/// on Linux. The text is what `JSONEncoder` wrote with sorted keys (`{"buttons":[...],
/// "text":"..."}`, `{"providerMessageID":"..."}`), so entries queued by earlier
/// versions read the same.
enum OutboxBody {
    struct Send: Equatable {
        var text: String
        var buttons: [String]?
    }

    struct MarkRead: Equatable {
        var providerMessageID: String
    }

    static func send(text: String, buttons: [String]) -> String {
        var out = "{"
        if !buttons.isEmpty {
            out += "\"buttons\":"
            appendArray(buttons, to: &out)
            out += ","
        }
        out += "\"text\":"
        JSONText.appendQuoted(text, to: &out)
        return out + "}"
    }

    static func markRead(providerMessageID: String) -> String {
        var out = "{\"providerMessageID\":"
        JSONText.appendQuoted(providerMessageID, to: &out)
        return out + "}"
    }

    /// A JSON array of strings (a reply's buttons, kept on the message).
    static func encode(_ strings: [String]) -> String {
        var out = ""
        appendArray(strings, to: &out)
        return out
    }

    /// A JSON object of strings with sorted keys (`{"author":"agent:..."}`).
    static func encode(_ object: [String: String]) -> String { EventDetail.json(object) }

    static func decodeSend(_ json: String) -> Send? {
        guard let object = parse(json), let text = object["text"]?.string else { return nil }
        guard let list = object["buttons"] else { return Send(text: text, buttons: nil) }
        guard let items = list.array else { return nil }
        let buttons = items.compactMap(\.string)
        guard buttons.count == items.count else { return nil }
        return Send(text: text, buttons: buttons)
    }

    static func decodeMarkRead(_ json: String) -> MarkRead? {
        guard let id = parse(json)?["providerMessageID"]?.string else { return nil }
        return MarkRead(providerMessageID: id)
    }

    private static func parse(_ json: String) -> JSONValue? {
        guard let value = try? JSONReader.read(Array(json.utf8)), value.isObject else { return nil }
        return value
    }

    private static func appendArray(_ strings: [String], to out: inout String) {
        out += "["
        for (i, s) in strings.enumerated() {
            if i > 0 { out += "," }
            JSONText.appendQuoted(s, to: &out)
        }
        out += "]"
    }
}
