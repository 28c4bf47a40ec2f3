import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore
@testable import SwitchboardHost

/// The clock of a store and of the inbox API in a test: it moves one millisecond forward
/// on every reading (rows written one after the other get distinct, ordered times) and
/// jumps when the test says so (the 24-hour window).
final class InboxTestClock: Sendable {
    private let ms = Mutex<Int64>(1_780_000_000_000)
    /// While true, readings do not step (rows get equal times: the id breaks the tie).
    let frozen = Atomic<Bool>(false)

    func next() -> Date {
        let step: Int64 = frozen.load(ordering: .relaxed) ? 0 : 1
        return Date(timeIntervalSince1970: Double(ms.withLock { $0 += step; return $0 }) / 1000)
    }

    func advance(seconds: Int64) { ms.withLock { $0 += seconds * 1000 } }
}

/// A real SQLite store in a temp dir with workspaces `a` and `b` synced, the real
/// `AgentReplies`, and the inbox API on a router. `authenticate` returns the fixed
/// `AuthContext` a test passes: the value the authentication would produce.
final class InboxFixture: @unchecked Sendable {
    let dir: String
    let clock = InboxTestClock()
    let store: SQLiteStore
    let notifications = Notifications()
    let api: InboxAPI

    init(pollInterval: Duration = .milliseconds(250), heartbeat: Duration = .seconds(15), media: MediaDownloads? = nil) throws {
        dir = NSTemporaryDirectory() + "inbox-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var options = StoreOptions()
        let clock = self.clock
        options.clock = { clock.next() }
        options.durability = .normal
        store = try SQLiteStore(path: dir + "/switchboard.db", options: options)
        _ = try store.syncWorkspaces([
            WorkspaceDefinition(id: "a", name: "Workspace A", region: "NG", timezone: "Africa/Lagos", configHash: "1"),
            WorkspaceDefinition(id: "b", name: "Workspace B", region: "NG", timezone: "Africa/Lagos", configHash: "1"),
        ])
        let logger = Logger(sink: LogSink(level: .error))
        let notifications = self.notifications
        let replies = AgentReplies(store: store, logger: logger, windowedChannels: ["wa-main"], notify: { c in notifications.record(c) })
        var api = InboxAPI(store: store, replies: replies, logger: logger, media: media, clock: { clock.next() },
                           eventPollInterval: pollInterval, heartbeatInterval: heartbeat)
        // Templates of wa-main (stored by `addTemplate`; no Graph API behind it) and attachments.
        let graph = GraphAPIClient.Configuration(graphURL: "http://127.0.0.1:9/v21.0", phoneNumberID: "1", accessToken: "x")
        api.templates = AgentTemplates(store: store, logger: logger, channels: ["wa-main": ("102290129340398", graph)],
                                       notify: { c in notifications.record(c) })
        api.attachments = AgentAttachments(store: store, media: MediaStore(root: dir + "/media"), logger: logger,
                                           whatsAppChannels: ["wa-main"], notify: { c in notifications.record(c) })
        self.api = api
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func agent(_ workspace: WorkspaceID, _ user: String = "user-1") -> AuthContext {
        AuthContext(workspace: workspace, userID: user, name: "\(user)@example.com", role: .agent, credential: .token)
    }

    /// The inbox routes with `authenticate` answering `context` for every request.
    func router(as context: AuthContext) -> HTTPRouter {
        var router = HTTPRouter()
        api.addRoutes(to: &router) { _ in .success(context) }
        return router
    }

    func ws(_ id: WorkspaceID) -> any WorkspaceStore { store.workspace(id) }

    /// Stores an approved template of wa-main (as a sync would).
    func addTemplate(_ name: String = "order_ready", body: String = "Hi {{1}}, order {{2}} is ready.",
                     status: MessageTemplate.Status = .approved) throws {
        var list = try store.templates.list(channel: "wa-main").filter { $0.name != name }
        list.append(MessageTemplate(channelID: "wa-main", name: name, language: "en_US", status: status, category: "UTILITY",
                                    bodyText: body, bodyParameters: MessageTemplate.placeholderCount(body)))
        try store.templates.replace(channel: "wa-main", with: list)
    }

    /// Waits until the store's background indexing has every message in the search
    /// index (a search only reads); false after 10 s.
    @discardableResult
    func searchIndexed() -> Bool {
        eventually(seconds: 10) { (try? store.searchIndexIsCurrent()) == true }
    }

    /// A contact of `workspace` who wrote `text` on `channel` (through the repositories,
    /// as the ingress stores it).
    @discardableResult
    func inbound(_ workspace: WorkspaceID, phone: String = "+2348031234567", name: String? = "Ada",
                 channel: ChannelID = "wa-main", text: String = "hello") throws -> Conversation {
        let ws = self.ws(workspace)
        let contact = try ws.contacts.upsert(e164: phone, rawPhone: nil, profileName: name).contact
        let c = try ws.conversations.findOrCreate(channel: channel, contact: contact.id).conversation
        _ = try ws.messages.insertInbound(NewInboundMessage(
            conversationID: c.id, providerMessageID: "wamid.\(UUID().uuidString)", kind: .text, text: text))
        return try ws.conversations.get(c.id)!
    }
}

/// The channels whose sender `AgentReplies` woke, in order.
final class Notifications: Sendable {
    private let channels = Mutex<[ChannelID]>([])
    func record(_ c: ChannelID) { channels.withLock { $0.append(c) } }
    var all: [ChannelID] { channels.withLock { $0 } }
}

/// What a test reads from a response.
struct APIResult {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    init(_ r: HTTPResponse) {
        status = r.status
        headers = r.headers
        body = r.body
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var error: String? { object["error"] as? String }
}

extension HTTPRouter {
    func get(_ target: String, headers: HTTPHeaders = [:]) -> APIResult {
        APIResult(respond(to: HTTPRequest(method: "GET", target: target, headers: headers)))
    }

    func post(_ target: String, json: String = "") -> APIResult {
        APIResult(respond(to: HTTPRequest(method: "POST", target: target, headers: ["Content-Type": "application/json"],
                                          body: Array(json.utf8))))
    }
}

/// Polls `condition` every few milliseconds until true or `seconds` pass.
func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
