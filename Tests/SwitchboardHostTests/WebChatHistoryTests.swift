import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardHost

/// A new web chat stream replays what the page shows, never the whole conversation.
@Suite struct WebChatHistoryTests {
    static func message(_ i: Int, text: String = "hello") -> Message {
        Message(id: MessageID("msg_\(i)"), workspaceID: WorkspaceID("demo"), conversationID: ConversationID("cv_1"),
                channelID: ChannelID("web-demo"), direction: .inbound, kind: .text, text: "\(text) \(i)",
                providerMessageID: nil, status: nil, errorCode: nil, errorTitle: nil, payloadJSON: nil,
                createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func theReplayKeepsTheNewestMessagesThatFitTheBudget() {
        let messages = (0..<50).map { Self.message($0, text: String(repeating: "x", count: 1000)) }
        let events = WebChat.history(messages, maxBytes: 10_000)
        let text = events.map { String(decoding: $0, as: UTF8.self) }
        #expect(events.reduce(0) { $0 + $1.count } <= 10_000)
        #expect(events.count >= 8 && events.count < 10)
        // The newest, oldest first, as the page expects.
        #expect(text.last?.contains("id: msg_49\n") == true)
        #expect(text.first?.contains("id: msg_\(50 - events.count)\n") == true)
        #expect(text.allSatisfy { $0.hasPrefix("event: message\nid: msg_") && $0.hasSuffix("\n\n") })
    }

    @Test func theReplayIsCappedAtWhatThePageKeeps() {
        #expect(WebChat.historyLimit == 200)
        let page = try? String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../web/chat/chat.js"), encoding: .utf8)
        #expect(page?.contains("const HISTORY_LIMIT = \(WebChat.historyLimit);") == true)
    }
}
