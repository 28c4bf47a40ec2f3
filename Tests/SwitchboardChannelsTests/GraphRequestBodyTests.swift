import Foundation
import SwitchboardChannels
import Testing

/// The request bodies `GraphAPIClient` writes by hand, read back with `JSONSerialization`.
@Suite struct GraphRequestBodyTests {
    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func textWithEveryCharacterThatNeedsEscaping() throws {
        let text = "aspas \" barra \\ / nova\nlinha\r\ttab \u{1} \u{1F} del\u{7F} é 中 🙏 \u{2028}"
        let body = try GraphAPIClient.textMessageBody(to: .phone("5511987654321"), body: text, replyTo: "wamid.\"q\"",
                                                      previewURL: true)
        let json = try object(body)
        #expect(Set(json.keys) == ["context", "messaging_product", "recipient_type", "text", "to", "type"])
        #expect(json["messaging_product"] as? String == "whatsapp")
        #expect(json["recipient_type"] as? String == "individual")
        #expect(json["to"] as? String == "5511987654321")
        #expect(json["type"] as? String == "text")
        let t = try #require(json["text"] as? [String: Any])
        #expect(t["body"] as? String == text)
        #expect(t["preview_url"] as? Bool == true)
        #expect((json["context"] as? [String: Any])?["message_id"] as? String == "wamid.\"q\"")
        // Written compactly with sorted keys, as before.
        #expect(String(decoding: body, as: UTF8.self).hasPrefix(#"{"context":{"message_id":"wamid.\"q\""},"messaging_product":"#))
    }

    @Test func buttonsToAUserID() throws {
        let body = try GraphAPIClient.textMessageBody(to: .userID("US.1"), body: "Confirma?",
                                                      buttons: [.init(id: "yes", title: "Sim"), .init(id: "n\"o", title: "Não")])
        let json = try object(body)
        #expect(Set(json.keys) == ["interactive", "messaging_product", "recipient", "recipient_type", "type"])
        #expect(json["recipient"] as? String == "US.1")
        #expect(json["type"] as? String == "interactive")
        let interactive = try #require(json["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "button")
        #expect((interactive["body"] as? [String: Any])?["text"] as? String == "Confirma?")
        let buttons = try #require((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]])
        #expect(buttons.map { $0["type"] as? String } == ["reply", "reply"])
        #expect(buttons.map { ($0["reply"] as? [String: Any])?["id"] as? String } == ["yes", "n\"o"])
        #expect(buttons.map { ($0["reply"] as? [String: Any])?["title"] as? String } == ["Sim", "Não"])
    }
}
