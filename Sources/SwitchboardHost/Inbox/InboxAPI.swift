import Foundation
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The inbox API (docs/inbox-api.md) except login, logout and `/me`, which belong to the
/// authentication. Every route first calls `authenticate`; on failure its response is
/// answered as is. Otherwise the handler runs with the `AuthContext` and reaches data only
/// through `store.workspace(context.workspace)`: a record of another workspace is not
/// found there, and answers 404 like one that does not exist.
///
///     let inbox = InboxAPI(store: store, replies: pipeline.agentReplies, logger: logger)
///     inbox.addRoutes(to: &router, authenticate: authenticator.authenticate)
struct InboxAPI: Sendable {

    static let prefix = "/api/v1"

    let store: any Store
    let replies: AgentReplies
    /// Downloads inbound media for `GET /messages/{id}/media`; nil: no channel can.
    let media: MediaDownloads?
    let logger: Logger
    /// The time the 24-hour window is checked against; tests share one with the store.
    let clock: @Sendable () -> Date
    /// How often an event stream looks for new events, and after how long without one it
    /// sends a comment so that proxies and clients see the connection alive.
    let eventPollInterval: Duration
    let heartbeatInterval: Duration
    /// The event streams open now (for a gauge, and for tests that a stream stops).
    let openEventStreams = OpenStreams()
    /// The channels serving a workspace, with their live state (`GET /channels`).
    let channels: @Sendable (WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)]
    /// The QR code a WhatsApp Web channel waits to have scanned, if any.
    let pairing: @Sendable (ChannelID) -> PairingCode?

    init(store: any Store, replies: AgentReplies, logger: Logger, media: MediaDownloads? = nil,
         channels: @escaping @Sendable (WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)] = { _ in [] },
         pairing: @escaping @Sendable (ChannelID) -> PairingCode? = { _ in nil },
         clock: @escaping @Sendable () -> Date = { Date() },
         eventPollInterval: Duration = .milliseconds(250), heartbeatInterval: Duration = .seconds(15)) {
        self.store = store
        self.replies = replies
        self.media = media
        self.channels = channels
        self.pairing = pairing
        self.logger = logger
        self.clock = clock
        self.eventPollInterval = eventPollInterval
        self.heartbeatInterval = heartbeatInterval
    }

    func addRoutes(to router: inout HTTPRouter, authenticate: @escaping @Sendable (HTTPRequest) -> Result<AuthContext, HTTPResponse>) {
        let p = Self.prefix
        router.get(p + "/openapi.json") { _ in .json(InboxOpenAPI.document) }

        func route(_ method: String, _ path: String, _ body: @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) {
            router.add(method, p + path) { request in
                switch authenticate(request) {
                case .failure(let response):
                    return response
                case .success(let context):
                    return handle(request, context, body)
                }
            }
        }

        route("GET", "/conversations", listConversations)
        route("GET", "/conversations/{id}", conversationDetail)
        route("POST", "/conversations/{id}/reply", reply)
        route("POST", "/conversations/{id}/notes", note)
        route("POST", "/conversations/{id}/assign", assign)
        route("POST", "/conversations/{id}/resolve") { try transition($0, $1, .resolve, action: "resolve") }
        route("POST", "/conversations/{id}/reopen") { try transition($0, $1, .agentReopen, action: "reopen") }
        route("POST", "/conversations/{id}/handback") { try transition($0, $1, .handBack, action: "hand back") }
        route("GET", "/contacts", listContacts)
        route("GET", "/search", search)
        route("GET", "/messages/{id}/media", downloadMedia)
        route("GET", "/events", events)
        route("GET", "/channels", listChannels)
    }

    /// Runs a handler and turns what it throws into the documented answers: refusals as
    /// they are, `notFound` 404, `invalidTransition` 409, anything else 500 (logged with
    /// the details, which are not sent to the client).
    private func handle(
        _ request: HTTPRequest, _ context: AuthContext,
        _ body: (HTTPRequest, AuthContext) throws -> HTTPResponse
    ) -> HTTPResponse {
        do {
            return try body(request, context)
        } catch let error as InboxAPIError {
            return error.response
        } catch let error as StoreError where error.code == .notFound {
            return InboxAPIError.notFound(error.message).response
        } catch let error as StoreError where error.code == .invalidTransition {
            return InboxAPIError(409, error.message, code: "invalid_transition").response
        } catch {
            logger.error("inbox API request failed", [
                LogKey.workspace: context.workspace.rawValue, LogKey.route: request.route, LogKey.error: "\(error)",
            ])
            return InboxAPIError(500, "the request failed on the server; the details are in the host's log").response
        }
    }

    // ---- request parsing shared by the handlers

    static func conversationID(_ request: HTTPRequest) -> ConversationID {
        ConversationID(request.parameter("id") ?? "")
    }

    /// `limit` from the query: 1...100, `defaultValue` when absent.
    static func limit(_ request: HTTPRequest, defaultValue: Int = 50) throws(InboxAPIError) -> Int {
        guard let text = request.query["limit"] else { return defaultValue }
        guard let n = Int(text), (1...100).contains(n) else {
            throw .badRequest("limit must be a whole number from 1 to 100, got '\(text)'")
        }
        return n
    }

    static func cursor(_ request: HTTPRequest) throws(InboxAPIError) -> ListCursor? {
        guard let text = request.query["cursor"], !text.isEmpty else { return nil }
        guard let cursor = PageCursor.decode(text) else {
            throw .badRequest("cursor is not one this API returned as next_cursor")
        }
        return cursor
    }

    static func detailCursor(_ request: HTTPRequest) throws(InboxAPIError) -> DetailCursor? {
        guard let text = request.query["cursor"], !text.isEmpty else { return nil }
        guard let cursor = DetailCursor(text) else {
            throw .badRequest("cursor is not one this API returned as next_cursor")
        }
        return cursor
    }

    /// The request body as a JSON object; 400 when it is anything else.
    static func jsonObject(_ request: HTTPRequest) throws(InboxAPIError) -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed]),
              let object = parsed as? [String: Any]
        else { throw .badRequest("the body must be a JSON object") }
        return object
    }

    static func text(_ request: HTTPRequest) throws(InboxAPIError) -> String {
        guard let text = try jsonObject(request)["text"] as? String else {
            throw .badRequest("the body must be a JSON object with a string \"text\"")
        }
        return text
    }

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        .json(InboxJSON.encode(value), status: status)
    }

    /// The conversation with its unread count, as the API shows it.
    func present(_ conversation: Conversation, in ws: any WorkspaceStore) throws -> InboxJSON.Conversation {
        let unread = try ws.messages.unreadCounts([conversation.id])[conversation.id] ?? 0
        return InboxJSON.Conversation(conversation, unread: unread)
    }
}
