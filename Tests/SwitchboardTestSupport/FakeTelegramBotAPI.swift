import CMicroHTTPD
import Foundation
import Glibc
import Synchronization

/// A fake Telegram Bot API on 127.0.0.1 speaking its wire format (`/bot<token>/<method>`,
/// JSON bodies, the `{"ok","result"}` / `{"ok":false,"error_code","description",
/// "parameters"}` envelope). On libmicrohttpd, one thread per connection, so a long poll
/// holds only its own connection.
///
/// - A wrong token gets 401 `Unauthorized`; `revokeToken` replaces the bot's token (as
///   @BotFather's /revoke does: the old one is refused from then on).
/// - `sendMessage` answers the sent `Message` (ids count up per chat); scripted failures
///   answer instead (`failNext`): 429 with `retry_after`, 5xx, 403 blocked, 400 migrate.
/// - `getUpdates` returns the queued updates from `offset` (an offset confirms, and
///   forgets, every update before it), holding the request up to `timeout` seconds while
///   there is none; 409 while a webhook is set. A new getUpdates ends the one in flight
///   with 409 "terminated by other getUpdates request", as Telegram does.
/// - `setWebhook`, `deleteWebhook`, `getMe`, `getWebhookInfo`.
/// - Records every call; `sends` are the sendMessage calls, in arrival order.
public final class FakeTelegramBotAPI: @unchecked Sendable {
    public enum Failure: Sendable, Equatable {
        /// 429 `Too Many Requests: retry after N`, `parameters.retry_after = N`.
        case tooManyRequests(retryAfter: Int)
        /// 500 Internal Server Error.
        case serverError
        /// 403 `Forbidden: bot was blocked by the user`.
        case blocked
        /// 400 `group chat was upgraded to a supergroup chat`, `migrate_to_chat_id`.
        case migrated(to: Int64)
        /// 401 `Unauthorized` (a revoked token).
        case unauthorized
    }

    public struct Call: Sendable {
        public var method: String
        public var body: String
        public var time: ContinuousClock.Instant
        public var answeredStatus: Int
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// One `sendMessage`, as the bot sent it.
    public struct Send: Sendable {
        public var chatID: Int64
        public var text: String
        /// The inline keyboard's buttons (`reply_markup.inline_keyboard`), row by row: (text, callback_data).
        public var buttons: [[(text: String, data: String)]]
        public var time: ContinuousClock.Instant
        public var answeredStatus: Int
    }

    struct State {
        var calls: [Call] = []
        var sends: [Send] = []
        var failures: [Failure] = []
        var updates: [(id: Int64, json: String)] = []
        var webhook: (url: String, secret: String)?
        var pollTicket = 0
        var pollOffsets: [Int64?] = []
        /// Every getUpdates, with the token it carried and what it answered (update ids).
        var polls: [(token: String, offset: Int64?, answered: [Int64], status: Int)] = []
        var token: String
        var messageIDs: [Int64: Int64] = [:]
    }

    /// The bot's token now (`revokeToken` replaces it).
    public var token: String { state.withLock { $0.token } }
    public let botID: Int64
    let state: Mutex<State>
    private let stopping = Atomic<Bool>(false)
    private let daemonLock = NSLock()
    private var daemon: OpaquePointer?
    public private(set) var port: UInt16 = 0

    public init(token: String = "7000000001:AAFakeTelegramBotTokenForTests_123") throws {
        self.state = Mutex(State(token: token))
        self.botID = Int64(token.prefix { $0 != ":" }) ?? 0
        try start()
    }

    deinit { stop() }

    /// What goes in a channel's `api_url`.
    public var apiURL: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        daemonLock.lock()
        defer { daemonLock.unlock() }
        if let d = daemon { MHD_stop_daemon(d) }
        daemon = nil
    }

    private func start() throws {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let flags = MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue
        let me = Unmanaged.passUnretained(self).toOpaque()
        let d = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                CMicroHTTPD_start_bound(flags, 0, fakeTelegramAccess, me, fakeTelegramCompleted, nil, sa, 256, 120, 0)
            }
        }
        guard let d else { throw FakeServerError(message: "fake Telegram Bot API could not listen on 127.0.0.1") }
        daemon = d
        port = CMicroHTTPD_bound_port(d)
    }

    // MARK: - Scripting

    /// The next `count` sendMessage calls answer `failure`.
    public func failNext(_ count: Int = 1, with failure: Failure) {
        state.withLock { $0.failures += Array(repeating: failure, count: count) }
    }

    /// @BotFather's /revoke: the bot gets `newToken` (the same bot id); the old token is
    /// refused with 401 from now on.
    public func revokeToken(newToken: String) {
        state.withLock { $0.token = newToken }
    }

    /// Queues an update for getUpdates (its `update_id` is read from the JSON).
    public func enqueue(_ updateJSON: String) {
        let id = ((try? JSONSerialization.jsonObject(with: Data(updateJSON.utf8))) as? [String: Any])?["update_id"] as? Int ?? 0
        state.withLock { $0.updates.append((Int64(id), updateJSON)) }
    }

    /// An `Update` with a private text message from `chatID` (the user is the chat).
    public static func textUpdate(id: Int64, chatID: Int64, text: String, messageID: Int64 = 1,
                                  firstName: String = "Ana", date: Int = Int(Date().timeIntervalSince1970)) -> String {
        json(["update_id": id, "message": [
            "message_id": messageID,
            "from": ["id": chatID, "is_bot": false, "first_name": firstName, "language_code": "en"] as [String: Any],
            "chat": ["id": chatID, "type": "private", "first_name": firstName] as [String: Any],
            "date": date, "text": text,
        ] as [String: Any]])
    }

    /// An `Update` with a tap on an inline button carrying `data`.
    public static func callbackUpdate(id: Int64, chatID: Int64, data: String, messageID: Int64 = 2) -> String {
        json(["update_id": id, "callback_query": [
            "id": "cbq\(id)", "chat_instance": "-1",
            "from": ["id": chatID, "is_bot": false, "first_name": "Ana"] as [String: Any],
            "message": ["message_id": messageID, "date": Int(Date().timeIntervalSince1970),
                        "chat": ["id": chatID, "type": "private"] as [String: Any], "text": "?"] as [String: Any],
            "data": data,
        ] as [String: Any]])
    }

    static func json(_ o: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }

    // MARK: - What happened

    public var calls: [Call] { state.withLock { $0.calls } }
    public var sends: [Send] { state.withLock { $0.sends } }
    public var acceptedSends: [Send] { sends.filter { $0.answeredStatus == 200 } }
    /// The webhook set with setWebhook (nil after deleteWebhook).
    public var webhook: (url: String, secret: String)? { state.withLock { $0.webhook } }
    /// The `offset` of every getUpdates that was let in, recorded as it arrived.
    public var pollOffsets: [Int64?] { state.withLock { $0.pollOffsets } }
    /// Every getUpdates answered: the token it carried, its offset, the update ids it
    /// returned and its status.
    public var polls: [(token: String, offset: Int64?, answered: [Int64], status: Int)] { state.withLock { $0.polls } }
    /// Updates not yet confirmed by an offset.
    public var pendingUpdates: Int { state.withLock { $0.updates.count } }

    @discardableResult
    public func wait(timeout: Duration = .seconds(10), until condition: (FakeTelegramBotAPI) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            usleep(10_000)
        }
        return condition(self)
    }

    // MARK: - Answering

    struct Answer {
        var status: Int
        var body: String
    }

    static func ok(_ result: Any) -> Answer { Answer(status: 200, body: json(["ok": true, "result": result])) }

    static func error(_ code: Int, _ description: String, parameters: [String: Any]? = nil) -> Answer {
        var o: [String: Any] = ["ok": false, "error_code": code, "description": description]
        if let parameters { o["parameters"] = parameters }
        return Answer(status: code, body: json(o))
    }

    static func answer(_ f: Failure) -> Answer {
        switch f {
        case .tooManyRequests(let s): error(429, "Too Many Requests: retry after \(s)", parameters: ["retry_after": s])
        case .serverError: error(500, "Internal Server Error")
        case .blocked: error(403, "Forbidden: bot was blocked by the user")
        case .migrated(let to): error(400, "Bad Request: group chat was upgraded to a supergroup chat", parameters: ["migrate_to_chat_id": to])
        case .unauthorized: error(401, "Unauthorized")
        }
    }

    func handle(connection: OpaquePointer?, url: String, body: [UInt8]) -> MHD_Result {
        let text = String(decoding: body, as: UTF8.self)
        let answer = route(url: url, body: text)
        var bytes = Array(answer.body.utf8)
        let count = bytes.count
        if bytes.isEmpty { bytes = [0] }
        let response = bytes.withUnsafeMutableBytes { MHD_create_response_from_buffer(count, $0.baseAddress, .RESPMEM_MUST_COPY) }
        _ = MHD_add_response_header(response, "Content-Type", "application/json")
        let r = MHD_queue_response(connection, UInt32(answer.status), response)
        MHD_destroy_response(response)
        return r
    }

    func route(url: String, body: String) -> Answer {
        let parts = url.split(separator: "/").map(String.init)
        let params = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:]
        guard parts.count == 2, parts[0].hasPrefix("bot") else { return Self.error(404, "Not Found") }
        let method = parts[1]
        func record(_ a: Answer) -> Answer {
            state.withLock { $0.calls.append(Call(method: method, body: body, time: .now, answeredStatus: a.status)) }
            return a
        }
        let given = String(parts[0].dropFirst(3))
        guard given == token else {
            if method == "getUpdates" {
                state.withLock { $0.polls.append((given, nil, [], 401)) }
            }
            return record(Self.error(401, "Unauthorized"))
        }
        switch method {
        case "getMe":
            return record(Self.ok(["id": botID, "is_bot": true, "first_name": "FakeBot", "username": "fake_bot"] as [String: Any]))
        case "setWebhook":
            let url = params["url"] as? String ?? ""
            state.withLock { $0.webhook = url.isEmpty ? nil : (url, params["secret_token"] as? String ?? "") }
            return record(Self.ok(true))
        case "deleteWebhook":
            state.withLock { $0.webhook = nil }
            return record(Self.ok(true))
        case "getWebhookInfo":
            let w = webhook
            return record(Self.ok(["url": w?.url ?? "", "has_custom_certificate": false,
                                   "pending_update_count": pendingUpdates] as [String: Any]))
        case "sendMessage":
            return record(sendMessage(params))
        case "getUpdates":
            return record(getUpdates(params, token: given))
        default:
            return record(Self.error(404, "Not Found: method not found"))
        }
    }

    private func sendMessage(_ p: [String: Any]) -> Answer {
        let chat = (p["chat_id"] as? NSNumber)?.int64Value ?? 0
        let text = p["text"] as? String ?? ""
        let rows = ((p["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]]) ?? []
        let buttons = rows.map { $0.map { (text: $0["text"] as? String ?? "", data: $0["callback_data"] as? String ?? "") } }
        return state.withLock { s -> Answer in
            var answer: Answer
            if !s.failures.isEmpty {
                answer = Self.answer(s.failures.removeFirst())
            } else if chat == 0 || text.isEmpty {
                answer = Self.error(400, text.isEmpty ? "Bad Request: message text is empty" : "Bad Request: chat not found")
            } else {
                let id = (s.messageIDs[chat] ?? 100) + 1
                s.messageIDs[chat] = id
                answer = Self.ok(["message_id": id, "date": Int(Date().timeIntervalSince1970), "text": text,
                                  "from": ["id": botID, "is_bot": true, "first_name": "FakeBot"] as [String: Any],
                                  "chat": ["id": chat, "type": "private"] as [String: Any]] as [String: Any])
            }
            s.sends.append(Send(chatID: chat, text: text, buttons: buttons, time: .now, answeredStatus: answer.status))
            return answer
        }
    }

    private func getUpdates(_ p: [String: Any], token: String) -> Answer {
        let offset = (p["offset"] as? NSNumber)?.int64Value
        let timeout = min(60, (p["timeout"] as? NSNumber)?.intValue ?? 0)
        let limit = max(1, min(100, (p["limit"] as? NSNumber)?.intValue ?? 100))
        let ticket: Int? = state.withLock { s in
            if s.webhook != nil {
                s.polls.append((token, offset, [], 409))
                return nil
            }
            s.pollTicket += 1
            s.pollOffsets.append(offset)
            if let offset { s.updates.removeAll { $0.id < offset } }
            return s.pollTicket
        }
        guard let ticket else {
            return Self.error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            let (found, superseded) = state.withLock { s in (Array(s.updates.prefix(limit)), s.pollTicket != ticket) }
            if superseded {
                state.withLock { $0.polls.append((token, offset, [], 409)) }
                return Self.error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            }
            if !found.isEmpty || ContinuousClock.now >= deadline || stopping.load(ordering: .relaxed) {
                state.withLock { $0.polls.append((token, offset, found.map(\.id), 200)) }
                return Answer(status: 200, body: "{\"ok\":true,\"result\":[" + found.map(\.json).joined(separator: ",") + "]}")
            }
            usleep(5_000)
        }
    }
}

let fakeTelegramAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, reqCls in
    guard let cls, let reqCls, let uploadSize else { return MHD_Result.NO }
    guard let boxPointer = reqCls.pointee else {
        reqCls.pointee = Unmanaged.passRetained(FakeRequestBox()).toOpaque()
        return MHD_Result.YES
    }
    let box = Unmanaged<FakeRequestBox>.fromOpaque(boxPointer).takeUnretainedValue()
    if uploadSize.pointee > 0 {
        if let upload { box.body.append(contentsOf: UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee)) }
        uploadSize.pointee = 0
        return MHD_Result.YES
    }
    let server = Unmanaged<FakeTelegramBotAPI>.fromOpaque(cls).takeUnretainedValue()
    return server.handle(connection: connection, url: url.map { String(cString: $0) } ?? "/", body: box.body)
}

let fakeTelegramCompleted: MHD_RequestCompletedCallback = { _, _, reqCls, _ in
    guard let reqCls, let p = reqCls.pointee else { return }
    Unmanaged<FakeRequestBox>.fromOpaque(p).release()
    reqCls.pointee = nil
}
