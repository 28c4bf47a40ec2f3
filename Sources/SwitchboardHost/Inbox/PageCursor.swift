import Foundation
import SwitchboardStore

/// The opaque `cursor` / `next_cursor` strings of paged listings: a `ListCursor`
/// (milliseconds and id of the last row of the page) as unpadded base64url of
/// `v1:<milliseconds>:<id>`. Clients pass it back unchanged; anything else answers 400.
enum PageCursor {
    static func encode(_ cursor: ListCursor) -> String {
        let ms = Int64((cursor.at.timeIntervalSince1970 * 1000).rounded(.down))
        return Data("v1:\(ms):\(cursor.id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> ListCursor? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !b64.contains("=") else { return nil }
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard let data = Data(base64Encoded: b64), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let ms = Int64(parts[1]), !parts[2].isEmpty else { return nil }
        return ListCursor(at: Date(timeIntervalSince1970: Double(ms) / 1000), id: String(parts[2]))
    }
}
