import Foundation

/// The JSON an outbox entry carries for its sender: what to send, not how the provider
/// wants it (the channel's client builds the provider's body at send time).
enum OutboxBody {
    struct Send: Codable, Equatable {
        var text: String
        var buttons: [String]?
    }

    struct MarkRead: Codable, Equatable {
        var providerMessageID: String
    }

    static func send(text: String, buttons: [String]) -> String {
        encode(Send(text: text, buttons: buttons.isEmpty ? nil : buttons))
    }

    static func markRead(providerMessageID: String) -> String {
        encode(MarkRead(providerMessageID: providerMessageID))
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(json.utf8))
    }
}
