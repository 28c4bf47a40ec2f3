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
