import Foundation
import SwitchboardCore
import SwitchboardStore

/// The objects of the inbox API as they go on the wire (docs/inbox-api.md, "Objects"):
/// snake_case keys, RFC 3339 UTC times, and every documented key present, with `null`
/// when there is no value (a missing key and a null would mean two things to a client).
enum InboxJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{\"error\":\"response could not be encoded\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    struct Conversation: Encodable {
        var id: String
        var channel: String
        var contactID: String
        var state: String
        var assignedTo: String?
        var lastInboundAt: Date?
        var createdAt: Date
        var updatedAt: Date
        var unread: Int
        /// The conversation's labels, by name (`InboxJSON.label`).
        var labels: [AnyJSON] = []

        init(_ c: SwitchboardCore.Conversation, unread: Int, labels: [LabelRecord] = []) {
            self.labels = labels.map(InboxJSON.label)
            id = c.id.rawValue
            channel = c.channelID.rawValue
            contactID = c.contactID.rawValue
            state = c.state.rawValue
            assignedTo = c.assignedTo
            lastInboundAt = c.lastInboundAt
            createdAt = c.createdAt
            updatedAt = c.updatedAt
            self.unread = unread
        }

        enum CodingKeys: String, CodingKey {
            case id, channel, contactID = "contact_id", state, assignedTo = "assigned_to"
            case lastInboundAt = "last_inbound_at", createdAt = "created_at", updatedAt = "updated_at", unread
            case labels
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(channel, forKey: .channel)
            try c.encode(contactID, forKey: .contactID)
            try c.encode(state, forKey: .state)
            try c.encode(assignedTo, forKey: .assignedTo)
            try c.encode(lastInboundAt.map(RFC3339.string), forKey: .lastInboundAt)
            try c.encode(RFC3339.string(createdAt), forKey: .createdAt)
            try c.encode(RFC3339.string(updatedAt), forKey: .updatedAt)
            try c.encode(unread, forKey: .unread)
            try c.encode(labels, forKey: .labels)
        }
    }

    struct Contact: Encodable {
        var id: String
        var e164: String
        var profileName: String?
        /// The agents' name for the contact (`ContactProfile.name`), nil without one.
        var name: String?
        var createdAt: Date

        init(_ c: SwitchboardCore.Contact, name: String? = nil) {
            id = c.id.rawValue
            e164 = c.e164
            profileName = c.profileName
            self.name = name
            createdAt = c.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case id, e164, profileName = "profile_name", name, createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(e164, forKey: .e164)
            try c.encode(profileName, forKey: .profileName)
            try c.encode(name, forKey: .name)
            try c.encode(RFC3339.string(createdAt), forKey: .createdAt)
        }
    }

    struct Message: Encodable {
        var id: String
        var conversationID: String
        var direction: String
        var kind: String
        var text: String?
        var status: String?
        var errorCode: String?
        var errorTitle: String?
        var author: String?
        var createdAt: Date

        init(_ m: SwitchboardCore.Message) {
            id = m.id.rawValue
            conversationID = m.conversationID.rawValue
            direction = m.direction.rawValue
            kind = m.kind.rawValue
            text = m.text
            status = m.status?.rawValue
            errorCode = m.errorCode
            errorTitle = m.errorTitle
            author = Self.author(m)
            createdAt = m.createdAt
        }

        /// The agent who wrote an outbound message or note: `AgentReplies` keeps it in the
        /// payload as `{"author": ...}`. Inbound payloads are the provider's JSON and bot
        /// replies carry their buttons there, so only an outbound object with a string
        /// `author` counts.
        static func author(_ m: SwitchboardCore.Message) -> String? {
            guard m.direction == .outbound, let payload = m.payloadJSON,
                  case .object(let fields)? = try? JSONDecoder().decode(AnyJSON.self, from: Data(payload.utf8)),
                  case .string(let author)? = fields["author"]
            else { return nil }
            return author
        }

        enum CodingKeys: String, CodingKey {
            case id, conversationID = "conversation_id", direction, kind, text, status
            case errorCode = "error_code", errorTitle = "error_title", author, createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(conversationID, forKey: .conversationID)
            try c.encode(direction, forKey: .direction)
            try c.encode(kind, forKey: .kind)
            try c.encode(text, forKey: .text)
            try c.encode(status, forKey: .status)
            try c.encode(errorCode, forKey: .errorCode)
            try c.encode(errorTitle, forKey: .errorTitle)
            try c.encode(author, forKey: .author)
            try c.encode(RFC3339.string(createdAt), forKey: .createdAt)
        }
    }

    struct Event: Encodable {
        var id: Int64
        var kind: String
        var conversationID: String?
        var messageID: String?
        var channel: String?
        var detail: AnyJSON
        var createdAt: Date

        init(_ e: SwitchboardCore.Event) {
            id = e.id
            kind = e.kind.rawValue
            conversationID = e.conversationID?.rawValue
            messageID = e.messageID?.rawValue
            channel = e.channelID?.rawValue
            let parsed = try? JSONDecoder().decode(AnyJSON.self, from: Data(e.detailJSON.utf8))
            if case .object? = parsed { detail = parsed! } else { detail = .object([:]) }
            createdAt = e.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case id, kind, conversationID = "conversation_id", messageID = "message_id", channel, detail
            case createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(conversationID, forKey: .conversationID)
            try c.encode(messageID, forKey: .messageID)
            try c.encode(channel, forKey: .channel)
            try c.encode(detail, forKey: .detail)
            try c.encode(RFC3339.string(createdAt), forKey: .createdAt)
        }
    }

    /// `{"items": [...], "next_cursor": string|null}`.
    struct Page<Item: Encodable>: Encodable {
        var items: [Item]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey { case items, nextCursor = "next_cursor" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(items, forKey: .items)
            try c.encode(nextCursor, forKey: .nextCursor)
        }
    }

    /// `{"items": [...]}` (search: no further pages).
    struct Items<Item: Encodable>: Encodable {
        var items: [Item]
    }

    struct ConversationDetail: Encodable {
        var conversation: Conversation
        var contact: Contact
        var messages: [Message]
        var events: [Event]
        /// Reads the page before; null at the beginning of the conversation.
        var nextCursor: String?

        enum CodingKeys: String, CodingKey { case conversation, contact, messages, events, nextCursor = "next_cursor" }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(conversation, forKey: .conversation)
            try c.encode(contact, forKey: .contact)
            try c.encode(messages, forKey: .messages)
            try c.encode(events, forKey: .events)
            try c.encode(nextCursor, forKey: .nextCursor)
        }
    }
}
