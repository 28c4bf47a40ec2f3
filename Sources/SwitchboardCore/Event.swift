import Foundation

/// One entry of the journal. `id` is global and increasing: it orders events across all
/// workspaces and is the cursor of `switchboard events --follow`.
public struct Event: Sendable, Codable, Equatable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID?
    public var messageID: MessageID?
    public var channelID: ChannelID?
    public var kind: EventKind
    /// A JSON object with the step's details (`{}` when there are none).
    public var detailJSON: String
    public var createdAt: Date

    public init(
        id: Int64, workspaceID: WorkspaceID, conversationID: ConversationID?, messageID: MessageID?,
        channelID: ChannelID?, kind: EventKind, detailJSON: String, createdAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.conversationID = conversationID
        self.messageID = messageID
        self.channelID = channelID
        self.kind = kind
        self.detailJSON = detailJSON
        self.createdAt = createdAt
    }

    /// The details as string pairs, when `detailJSON` is a flat object of strings
    /// (as written by `EventDetail.json(_:)`); nil otherwise.
    public var detail: [String: String]? {
        guard let data = detailJSON.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode([String: String].self, from: data)
    }
}

/// Encoding of flat event details, with sorted keys so that the same details always give
/// the same text.
public enum EventDetail {
    public static func json(_ fields: [String: String]) -> String {
        var out = "{"
        for (i, key) in fields.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            JSONText.appendQuoted(key, to: &out)
            out += ":"
            JSONText.appendQuoted(fields[key]!, to: &out)
        }
        return out + "}"
    }
}
