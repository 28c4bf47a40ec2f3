import Foundation
import SwitchboardCore
import SwitchboardStore

/// The opaque `cursor` / `next_cursor` strings of paged listings: a `ListCursor`
/// (milliseconds and id of the last row of the page) as unpadded base64url of
/// `v1:<milliseconds>:<id>`. Clients pass it back unchanged; anything else answers 400.
enum PageCursor {
    static func encode(_ cursor: ListCursor) -> String {
        let ms = Int64((cursor.at.timeIntervalSince1970 * 1000).rounded(.down))
        return base64url("v1:\(ms):\(cursor.id)")
    }

    static func base64url(_ plain: String) -> String {
        Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> String? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !b64.contains("=") else { return nil }
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard let data = Data(base64Encoded: b64) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func decode(_ text: String) -> ListCursor? {
        guard let plain = unbase64url(text) else { return nil }
        let parts = plain.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let ms = Int64(parts[1]), !parts[2].isEmpty else { return nil }
        return ListCursor(at: Date(timeIntervalSince1970: Double(ms) / 1000), id: String(parts[2]))
    }
}

/// The `cursor` / `next_cursor` of a conversation's detail, read backwards: the oldest
/// message and the oldest event of the page before (exclusive), each absent once its list
/// has nothing older. Unpadded base64url of `d1:<event id or 0>:<message id or empty>`.
struct DetailCursor: Equatable {
    var beforeMessage: MessageID?
    var beforeEvent: Int64?

    var messagesDone: Bool { beforeMessage == nil }
    var eventsDone: Bool { beforeEvent == nil }

    init(beforeMessage: MessageID?, beforeEvent: Int64?) {
        self.beforeMessage = beforeMessage
        self.beforeEvent = beforeEvent
    }

    var encoded: String {
        PageCursor.base64url("d1:\(beforeEvent ?? 0):\(beforeMessage?.rawValue ?? "")")
    }

    init?(_ text: String) {
        guard let plain = PageCursor.unbase64url(text) else { return nil }
        let parts = plain.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "d1", let event = Int64(parts[1]), event >= 0 else { return nil }
        beforeEvent = event == 0 ? nil : event
        beforeMessage = parts[2].isEmpty ? nil : MessageID(String(parts[2]))
        if beforeEvent == nil && beforeMessage == nil { return nil }
    }
}
