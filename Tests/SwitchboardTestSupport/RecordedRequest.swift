import Foundation

/// One request the fake Graph API received.
public struct RecordedRequest: Sendable {
    public var time: Date
    public var method: String
    /// The path without the version prefix (`/106540352242922/messages`).
    public var path: String
    /// The version prefix (`v21.0`), empty when absent.
    public var version: String
    public var authorization: String?
    public var body: String
    /// The HTTP status answered, or 0 when the connection was closed without answering.
    public var answeredStatus: Int
}

/// One POST to `/{phone-number-id}/messages` the fake Graph API received (sends and
/// mark-as-read calls), with the id it answered when it accepted it.
public struct RecordedSend: Sendable {
    public var time: Date
    public var phoneNumberID: String
    /// The request body, exactly as sent.
    public var body: String
    public var answeredStatus: Int
    /// The `wamid.` answered on success.
    public var providerMessageID: String?

    /// The body parsed as a JSON object.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// `to` (or `recipient` for a BSUID).
    public var to: String? { (json["to"] as? String) ?? (json["recipient"] as? String) }
    public var type: String? { json["type"] as? String }
    /// `text.body`, or `interactive.body.text`.
    public var text: String? {
        let j = json
        if let t = (j["text"] as? [String: Any])?["body"] as? String { return t }
        return ((j["interactive"] as? [String: Any])?["body"] as? [String: Any])?["text"] as? String
    }
    /// `context.message_id`.
    public var replyTo: String? { (json["context"] as? [String: Any])?["message_id"] as? String }
    /// True for a mark-as-read call.
    public var isMarkRead: Bool { json["status"] as? String == "read" }
}
