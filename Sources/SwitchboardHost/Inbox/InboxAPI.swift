import Foundation
import Synchronization
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
    /// What wakes the event streams besides their poll (set by the host; `JournalWakeups`).
    var journalWakeups: JournalWakeups?
    /// The event streams open now (for a gauge, and for tests that a stream stops).
    let openEventStreams = OpenStreams()
    /// What each route needs (shared with the routes other parts add, e.g. `AdminAPI`).
    let catalog: APIRouteCatalog
    /// OpenAPI documents of routes added beside these (`AdminAPI.openAPI`), merged into
    /// the served document.
    var openAPIFragments: [String] = [AdminOpenAPI.document]
    /// Message templates and attachments (set by the host; nil: the routes answer 404).
    var templates: AgentTemplates?
    var attachments: AgentAttachments?
    /// What a contact's erasure looks at beyond the workspace's rows (its channels' held
    /// messages, its plugins' state), from the running config.
    var erasureScope: @Sendable (WorkspaceID) -> DataCare.ErasureScope = { _ in DataCare.ErasureScope() }
    /// The body limit of the upload routes (`media.max_upload_bytes`); the rest of the API
    /// keeps the server's `server.max_body_bytes`.
    var maxUploadBytes = 100 << 20
    /// The channels serving a workspace, with their live state (`GET /channels`).
    let channels: @Sendable (WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)]
    /// The QR code a WhatsApp Web channel waits to have scanned, if any.
    let pairing: @Sendable (ChannelID) -> PairingCode?

    init(store: any Store, replies: AgentReplies, logger: Logger, media: MediaDownloads? = nil,
         channels: @escaping @Sendable (WorkspaceID) -> [(id: ChannelID, type: String, status: ChannelStatus)] = { _ in [] },
         pairing: @escaping @Sendable (ChannelID) -> PairingCode? = { _ in nil },
         clock: @escaping @Sendable () -> Date = { Date() },
         eventPollInterval: Duration = .milliseconds(250), heartbeatInterval: Duration = .seconds(15),
         catalog: APIRouteCatalog = APIRouteCatalog()) {
        self.catalog = catalog
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
        let catalog = self.catalog
        let fragments = self.openAPIFragments
        let document = Mutex<String?>(nil)
        router.get(p + "/openapi.json") { _ in
            // Built once, on the first request: every route has been declared by then.
            .json(document.withLock { d in
                if d == nil { d = catalog.document(base: InboxOpenAPI.document, fragments: fragments) }
                return d!
            })
        }

        /// Each route says the least role that may call it (`APIRouteCatalog`).
        func route(_ method: String, _ path: String, _ minimum: AuthContext.Role,
                   _ body: @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) {
            catalog.add(&router, method, path, minimum, authenticate: authenticate) { request, context in
                handle(request, context, body)
            }
        }

        /// An upload route: files up to `media.max_upload_bytes`, the caller checked on the
        /// headers before the file is read.
        let uploadLimit = RouteBodyLimit(bytes: maxUploadBytes, message: Self.uploadTooLarge(maxUploadBytes))
        func upload(_ method: String, _ path: String, _ minimum: AuthContext.Role,
                    _ body: @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) {
            catalog.add(&router, method, path, minimum, uploadLimit: uploadLimit, authenticate: authenticate) { request, context in
                handle(request, context, body)
            }
        }

        // Conversations: every role.
        route("GET", "/conversations", .agent, listConversations)
        route("GET", "/conversations/{id}", .agent, conversationDetail)
        route("POST", "/conversations/{id}/reply", .agent, reply)
        route("POST", "/conversations/{id}/notes", .agent, note)
        route("POST", "/conversations/{id}/assign", .agent, assign)
        route("POST", "/conversations/{id}/resolve", .agent) { try transition($0, $1, .resolve, action: "resolve") }
        route("POST", "/conversations/{id}/reopen", .agent) { try transition($0, $1, .agentReopen, action: "reopen") }
        route("POST", "/conversations/{id}/handback", .agent) { try transition($0, $1, .handBack, action: "hand back") }
        route("GET", "/contacts", .agent, listContacts)
        route("GET", "/search", .agent, search)
        route("GET", "/messages/{id}/media", .agent, downloadMedia)
        route("GET", "/events", .agent, events)
        // The channels serving the workspace and their state (the banner): every role; the
        // QR code of a WhatsApp Web number waiting to be paired only to owners and admins.
        route("GET", "/channels", .agent, listChannels)
        // Templates (after the 24-hour window) and attachments; syncing is the managers'.
        route("GET", "/conversations/{id}/templates", .agent, listTemplates)
        route("POST", "/conversations/{id}/templates/sync", .admin, syncTemplates)
        upload("POST", "/conversations/{id}/template", .agent, sendTemplate)
        upload("POST", "/conversations/{id}/attachments", .agent, attach)
        // Data care (a customer's export and erasure): the owner's.
        route("GET", "/contacts/{id}/export", .owner, exportContact)
        route("POST", "/contacts/{id}/erase", .owner, eraseContact)
        // The inbox's tools: canned replies, labels, contact panel, take over, reports.
        addToolRoutes(route)
    }

    /// The 413 of an upload over `media.max_upload_bytes` (the server sends it before
    /// reading the file; the inbox shows it).
    static func uploadTooLarge(_ limit: Int) -> String {
        "the file is larger than \(OutboundMediaTypes.megabytes(limit)) (\(limit) bytes), the most this host takes in one upload (media.max_upload_bytes)"
    }

    /// Runs a handler and turns what it throws into the documented answers: refusals as
    /// they are, `notFound` 404, `invalidTransition` 409, anything else 500 (logged with
    /// the details, which are not sent to the client).
    func handle(
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

    /// The conversation with its unread count and labels, as the API shows it.
    func present(_ conversation: Conversation, in ws: any WorkspaceStore) throws -> InboxJSON.Conversation {
        let unread = try ws.messages.unreadCounts([conversation.id])[conversation.id] ?? 0
        let labels = try ws.labels.labels(of: [conversation.id])[conversation.id] ?? []
        return InboxJSON.Conversation(conversation, unread: unread, labels: labels)
    }
}
