import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

extension InboxAPI {
    /// `GET /conversations?state=&assigned=me|none&channel=&label=&cursor=&limit=`.
    func listConversations(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        var filter = ConversationFilter()
        if let state = request.query["state"] {
            guard let s = ConversationState(rawValue: state) else {
                throw InboxAPIError.badRequest("state must be bot, human or resolved, got '\(state)'")
            }
            filter.state = s
        }
        switch request.query["assigned"] {
        case nil: break
        case "me": filter.assignment = .to(context.userID)
        case "none": filter.assignment = .nobody
        case let other?: throw InboxAPIError.badRequest("assigned must be me or none, got '\(other)'")
        }
        if let channel = request.query["channel"], !channel.isEmpty { filter.channel = ChannelID(channel) }
        if let label = request.query["label"], !label.isEmpty { filter.label = label }
        let limit = try Self.limit(request)
        let cursor = try Self.cursor(request)

        let ws = store.workspace(context.workspace)
        var rows = try ws.conversations.list(filter, after: cursor, limit: limit + 1)
        var next: String?
        if rows.count > limit {
            rows.removeLast(rows.count - limit)
            next = rows.last.map { PageCursor.encode(ListCursor(at: $0.updatedAt, id: $0.id.rawValue)) }
        }
        let unread = try ws.messages.unreadCounts(rows.map(\.id))
        let labels = try ws.labels.labels(of: rows.map(\.id))
        let items = rows.map { InboxJSON.Conversation($0, unread: unread[$0.id] ?? 0, labels: labels[$0.id] ?? []) }
        return Self.json(InboxJSON.Page(items: items, nextCursor: next))
    }

    /// `GET /conversations/{id}?cursor=&limit=`: the conversation, its contact, and one
    /// page of its history read backwards: the newest `limit` messages and the newest
    /// `limit` journal events (each oldest first within the page). `next_cursor` reads
    /// the page before (older messages and older events, each list from where its own
    /// page ended; a list with nothing older comes back empty); null at the beginning.
    func conversationDetail(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = Self.conversationID(request)
        let limit = try Self.limit(request)
        let cursor = try Self.detailCursor(request)
        let ws = store.workspace(context.workspace)
        guard let conversation = try ws.conversations.get(id), let contact = try ws.contacts.get(conversation.contactID) else {
            throw InboxAPIError.notFound("conversation \(id) not found")
        }
        var messages: [Message] = []
        if cursor?.messagesDone != true {
            do {
                messages = try ws.messages.tail(conversation: id, before: cursor?.beforeMessage, limit: limit + 1)
            } catch let error as StoreError where error.code == .notFound {
                throw InboxAPIError.badRequest("cursor is not one this API returned as next_cursor")
            }
        }
        var events: [Event] = []
        if cursor?.eventsDone != true {
            events = try ws.events.tail(conversation: id, before: cursor?.beforeEvent, limit: limit + 1)
        }
        let olderMessages = messages.count > limit, olderEvents = events.count > limit
        if olderMessages { messages.removeFirst(messages.count - limit) }
        if olderEvents { events.removeFirst(events.count - limit) }
        var next: String?
        if olderMessages || olderEvents {
            next = DetailCursor(beforeMessage: olderMessages ? messages.first?.id : nil,
                                beforeEvent: olderEvents ? events.first?.id : nil).encoded
        }
        return Self.json(InboxJSON.ConversationDetail(
            conversation: try present(conversation, in: ws),
            contact: InboxJSON.Contact(contact, name: try ws.contactProfiles.names(of: [contact.id])[contact.id]),
            messages: messages.map(InboxJSON.Message.init), events: events.map(InboxJSON.Event.init),
            nextCursor: next))
    }

    /// `POST /conversations/{id}/assign` `{"user_id": string|null}`.
    ///
    /// Any non-empty string is accepted as a user id for now: checking it against the
    /// workspace's users comes with the authentication, which owns the users.
    func assign(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try Self.jsonObject(request)
        guard let value = body["user_id"] else {
            throw InboxAPIError.badRequest("the body must have \"user_id\": a user id, or null to unassign")
        }
        let agent: String?
        if value is NSNull {
            agent = nil
        } else if let s = value as? String, !s.trimmingCharacters(in: .whitespaces).isEmpty {
            agent = s
        } else {
            throw InboxAPIError.badRequest("user_id must be a non-empty string, or null to unassign")
        }
        let id = Self.conversationID(request)
        let ws = store.workspace(context.workspace)
        let conversation = try ws.conversations.assign(id, to: agent)
        logger.info("conversation assigned", [
            LogKey.workspace: context.workspace.rawValue, LogKey.conversation: id.rawValue,
            "agent": agent ?? "", "author": context.userID,
        ])
        return Self.json(try present(conversation, in: ws))
    }

    /// `resolve`, `reopen` (resolved → human) and `handback` (→ bot) through the state
    /// machine; a trigger it refuses answers 409 `invalid_transition` and changes nothing.
    func transition(_ request: HTTPRequest, _ context: AuthContext, _ trigger: ConversationTrigger,
                    action: String) throws -> HTTPResponse {
        let id = Self.conversationID(request)
        let ws = store.workspace(context.workspace)
        let result: ConversationTransition
        do {
            result = try ws.conversations.transition(id, trigger, extraDetail: ["author": context.userID])
        } catch let error as StoreError where error.code == .invalidTransition {
            let state = (try? ws.conversations.get(id))?.map { $0.state.rawValue } ?? "unknown"
            throw InboxAPIError(409, "cannot \(action) conversation \(id): it is \(state), and \(action) "
                                    + "is only possible from \(Self.allowedStates(trigger))", code: "invalid_transition")
        }
        if result.changed {
            logger.info("conversation state changed", [
                LogKey.workspace: context.workspace.rawValue, LogKey.conversation: id.rawValue,
                "from": result.previous.rawValue, "to": result.conversation.state.rawValue,
                "trigger": trigger.rawValue, "author": context.userID,
            ])
        }
        return Self.json(try present(result.conversation, in: ws))
    }

    /// The states `trigger` can be applied in, from the state machine's own table.
    static func allowedStates(_ trigger: ConversationTrigger) -> String {
        let states = ConversationState.allCases.filter { (try? $0.applying(trigger)) != nil }.map(\.rawValue)
        return states.isEmpty ? "no state" : states.joined(separator: " or ")
    }
}
