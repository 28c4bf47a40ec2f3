import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

extension InboxAPI {
    /// `GET /contacts?cursor=&limit=`: newest first.
    func listContacts(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let limit = try Self.limit(request)
        let cursor = try Self.cursor(request)
        var rows = try store.workspace(context.workspace).contacts.list(after: cursor, limit: limit + 1)
        var next: String?
        if rows.count > limit {
            rows.removeLast(rows.count - limit)
            next = rows.last.map { PageCursor.encode(ListCursor(at: $0.createdAt, id: $0.id.rawValue)) }
        }
        let names = try store.workspace(context.workspace).contactProfiles.names(of: rows.map(\.id))
        return Self.json(InboxJSON.Page(items: rows.map { InboxJSON.Contact($0, name: names[$0.id]) }, nextCursor: next))
    }
}

extension InboxAPI {
    /// `GET /contacts/{id}/export` (owners): everything stored about one contact, one JSON document.
    func exportContact(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let id = ContactID(request.parameter("id") ?? "")
        guard let json = try DataCare.exportJSON(store: store, workspace: context.workspace, contact: id, at: clock()) else {
            throw InboxAPIError.notFound("contact \(id) not found")
        }
        var response = HTTPResponse.json(json)
        response.headers.add("Content-Disposition", "attachment; filename=\"contact-\(id.rawValue).json\"")
        return response
    }

    /// `POST /contacts/{id}/erase` `{"confirm": true}`: erases the contact's messages,
    /// profile and journal details (see `DataCareRepository.erase`).
    func eraseContact(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard try Self.jsonObject(request)["confirm"] as? Bool == true else {
            throw InboxAPIError.badRequest("erasing cannot be undone: send {\"confirm\": true}")
        }
        let id = ContactID(request.parameter("id") ?? "")
        guard let report = try DataCare.erase(store: store, workspace: context.workspace, contact: id,
                                              by: "\(context.credential == .token ? "token" : "user"):\(context.userID)",
                                              media: attachments?.media, logger: logger,
                                              scope: erasureScope(context.workspace)) else {
            throw InboxAPIError.notFound("contact \(id) not found")
        }
        return Self.json(ErasureJSON(report))
    }

    private struct ErasureJSON: Encodable {
        let report: ErasureReport
        init(_ r: ErasureReport) { report = r }
        enum CodingKeys: String, CodingKey {
            case contactID = "contact_id", conversations, messages, events, cancelledReplies = "cancelled_replies"
            case unrouted, pluginState = "plugin_state"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(report.contact.rawValue, forKey: .contactID)
            try c.encode(report.conversations, forKey: .conversations)
            try c.encode(report.messages, forKey: .messages)
            try c.encode(report.events, forKey: .events)
            try c.encode(report.cancelledReplies, forKey: .cancelledReplies)
            try c.encode(report.unrouted, forKey: .unrouted)
            try c.encode(report.pluginState, forKey: .pluginState)
        }
    }
}
