import Foundation
import SwitchboardCore
import SwitchboardStore

/// The objects of the inbox's tools on the wire (docs/inbox-api.md): as elsewhere,
/// snake_case keys, RFC 3339 UTC times, and every key present (null when empty).
extension InboxJSON {
    static func user(_ u: UserRecord) -> AnyJSON {
        .object(["id": .string(u.id), "email": .string(u.email), "role": .string(u.role.rawValue)])
    }

    static func cannedReply(_ r: CannedReply) -> AnyJSON {
        .object(["id": .string(r.id), "shortcut": .string(r.shortcut), "text": .string(r.text),
                 "created_at": .string(RFC3339.string(r.createdAt)), "updated_at": .string(RFC3339.string(r.updatedAt))])
    }

    static func label(_ l: LabelRecord) -> AnyJSON {
        .object(["id": .string(l.id), "name": .string(l.name), "color": l.color.map(AnyJSON.string) ?? .null])
    }

    static func profile(_ p: ContactProfile) -> AnyJSON {
        .object(["contact_id": .string(p.contactID.rawValue), "name": p.name.map(AnyJSON.string) ?? .null,
                 "attributes": .object(p.attributes.mapValues(AnyJSON.string)),
                 "updated_at": p.updatedAt.map { .string(RFC3339.string($0)) } ?? .null])
    }

    static func contactNote(_ n: ContactNote) -> AnyJSON {
        .object(["id": .string(n.id), "contact_id": .string(n.contactID.rawValue), "author": .string(n.author),
                 "text": .string(n.text), "created_at": .string(RFC3339.string(n.createdAt))])
    }

    static func deleted(_ id: String) -> AnyJSON {
        .object(["id": .string(id), "deleted": .bool(true)])
    }

    static func reportRow(_ r: DailyReport.Row) -> AnyJSON {
        func number(_ d: Double?) -> AnyJSON { d.map { .number(($0 * 1000).rounded() / 1000) } ?? .null }
        return .object([
            "date": .string(r.date),
            "conversations_started": .integer(Int64(r.conversationsStarted)),
            "messages_in": .integer(Int64(r.messagesIn)),
            "messages_out": .integer(Int64(r.messagesOut)),
            "bot_only": .integer(Int64(r.botOnly)),
            "bot_only_share": number(r.botOnlyShare),
            "handoffs": .integer(Int64(r.handoffs)),
            "first_replies": .integer(Int64(r.firstReplyWaits.count)),
            "first_reply_median_seconds": number(r.firstReplyMedian),
            "first_reply_p90_seconds": number(r.firstReplyP90),
        ])
    }
}
