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
/// - Files: `getFile` answers the `File` (`file_id`, `file_unique_id`, `file_size`,
///   `file_path`) of a file added with `addFile`, 400 "Bad Request: wrong file
///   identifier/HTTP URL specified" for an unknown id, 400 "Bad Request: file is too big"
///   above the bots' 20 MB; `GET /file/bot<token>/<file_path>` serves its bytes (404
///   otherwise). `sendPhoto`/`sendDocument`/`sendAudio`/`sendVideo` take a
///   `multipart/form-data` upload (`chat_id`, `caption`, the file part), answer the sent
///   `Message` with the file's object, 413 "Request Entity Too Large" above
///   `maxUploadBytes` (50 MB; photos 10 MB), 400 "Bad Request: IMAGE_PROCESS_FAILED" for a
///   photo that is not a JPEG or PNG; `uploads` records them (`failNext` applies too).
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
        /// 413 `Request Entity Too Large` (an upload over the Bot API's limit).
        case entityTooLarge
        /// 400 `Bad Request: wrong file identifier/HTTP URL specified`.
        case wrongFileIdentifier
    }

    /// One file upload (`sendPhoto`, `sendDocument`, `sendAudio`, `sendVideo`), as received.
    public struct Upload: Sendable {
        public var method: String
        public var chatID: Int64
        public var caption: String?
        /// The file part's form field (`photo`, `document`, ...), file name and type.
        public var field: String
        public var filename: String?
        public var contentType: String?
        public var bytes: [UInt8]
        public var answeredStatus: Int
        public var time: ContinuousClock.Instant
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
        var uploads: [Upload] = []
        var files: [String: (path: String, bytes: [UInt8])] = [:]
        var maxUploadBytes = 50 << 20
        var failures: [Failure] = []
        var updates: [(id: Int64, json: String)] = []
        var webhook: (url: String, secret: String)?
        var pollTicket = 0
        var pollOffsets: [Int64?] = []
        /// Every getUpdates, with the token it carried and what it answered (update ids).
        var polls: [(token: String, offset: Int64?, answered: [Int64], status: Int)] = []
        /// When each getUpdates let in began and was answered, and its status.
        var pollSpans: [PollSpan] = []
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

    /// A file customers sent: `getFile` names it by `fileID`, the file endpoint serves
    /// `bytes` at `path` (e.g. `photos/file_7.jpg`).
    public func addFile(id fileID: String, path: String, bytes: [UInt8]) {
        state.withLock { $0.files[fileID] = (path, bytes) }
    }

    /// Uploads larger than this answer 413 (photos: at most 10 MB whatever this says).
    public func setMaxUploadBytes(_ n: Int) { state.withLock { $0.maxUploadBytes = n } }

    /// An `Update` with a private message carrying a file: `content` is the message's
    /// file field (`photo`, `document`, `voice`, ...) and its value.
    public static func fileUpdate(id: Int64, chatID: Int64, field: String, value: Any, caption: String? = nil,
                                  messageID: Int64 = 3, firstName: String = "Ana") -> String {
        var message: [String: Any] = [
            "message_id": messageID,
            "from": ["id": chatID, "is_bot": false, "first_name": firstName, "language_code": "en"] as [String: Any],
            "chat": ["id": chatID, "type": "private", "first_name": firstName] as [String: Any],
            "date": Int(Date().timeIntervalSince1970), field: value,
        ]
        if let caption { message["caption"] = caption }
        return json(["update_id": id, "message": message])
    }

    /// A `photo` field: the sizes Telegram sends, smallest first, the largest with `fileID`.
    public static func photoSizes(fileID: String, size: Int) -> [[String: Any]] {
        [["file_id": fileID + "-s", "file_unique_id": "AQADs", "width": 90, "height": 67, "file_size": 1200],
         ["file_id": fileID, "file_unique_id": "AQADx", "width": 1280, "height": 960, "file_size": size]]
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
    public var uploads: [Upload] { state.withLock { $0.uploads } }
    public var acceptedUploads: [Upload] { uploads.filter { $0.answeredStatus == 200 } }
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

    /// One getUpdates let in (not refused for a webhook or a token): when it arrived, when
    /// it was answered, and with which status (409: a later getUpdates ended it).
    public struct PollSpan: Sendable {
        public var start: ContinuousClock.Instant
        public var end: ContinuousClock.Instant
        public var status: Int
    }
    /// Every getUpdates let in, in the order they were answered.
    public var pollSpans: [PollSpan] { state.withLock { $0.pollSpans } }

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
        /// A file download's bytes (served as application/octet-stream instead of `body`).
        var raw: [UInt8]? = nil
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
        case .entityTooLarge: error(413, "Request Entity Too Large")
        case .wrongFileIdentifier: error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        }
    }

    func handle(connection: OpaquePointer?, url: String, body: [UInt8]) -> MHD_Result {
        let contentType = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Type").map { String(cString: $0) }
        let answer: Answer
        if url.hasPrefix("/file/") {
            answer = file(url: url)
        } else if let contentType, contentType.lowercased().hasPrefix("multipart/form-data") {
            answer = multipart(url: url, contentType: contentType, body: body)
        } else {
            answer = route(url: url, body: String(decoding: body, as: UTF8.self))
        }
        if let raw = answer.raw {
            let count = raw.count
            var bytes = raw.isEmpty ? [0] : raw
            let response = bytes.withUnsafeMutableBytes { MHD_create_response_from_buffer(count, $0.baseAddress, .RESPMEM_MUST_COPY) }
            _ = MHD_add_response_header(response, "Content-Type", "application/octet-stream")
            let r = MHD_queue_response(connection, UInt32(answer.status), response)
            MHD_destroy_response(response)
            return r
        }
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
        case "getFile":
            return record(getFile(params))
        case "sendPhoto", "sendDocument", "sendAudio", "sendVideo":
            // Only a multipart upload carries a file here (a file_id or URL would be JSON).
            return record(Self.error(400, "Bad Request: there is no \(method.dropFirst(4).lowercased()) in the request"))
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

    private func getFile(_ p: [String: Any]) -> Answer {
        let id = p["file_id"] as? String ?? ""
        return state.withLock { s -> Answer in
            guard let f = s.files[id] else {
                return Self.error(400, "Bad Request: wrong file identifier/HTTP URL specified")
            }
            guard f.bytes.count <= 20 << 20 else { return Self.error(400, "Bad Request: file is too big") }
            return Self.ok(["file_id": id, "file_unique_id": "AQAD\(abs(id.hashValue) % 100000)", "file_size": f.bytes.count,
                            "file_path": f.path] as [String: Any])
        }
    }

    /// `GET /file/bot<token>/<file_path>`.
    private func file(url: String) -> Answer {
        let parts = url.dropFirst().split(separator: "/", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[1] == "bot" + token else { return Self.error(404, "Not Found") }
        let path = parts[2].removingPercentEncoding ?? parts[2]
        let found = state.withLock { s in s.files.values.first { $0.path == path }?.bytes }
        let answer = found.map { Answer(status: 200, body: "", raw: $0) } ?? Self.error(404, "Not Found")
        state.withLock { $0.calls.append(Call(method: "file", body: path, time: .now, answeredStatus: answer.status)) }
        return answer
    }

    /// `sendPhoto`, `sendDocument`, `sendAudio`, `sendVideo` as a multipart upload.
    private func multipart(url: String, contentType: String, body: [UInt8]) -> Answer {
        let parts = url.split(separator: "/").map(String.init)
        guard parts.count == 2, parts[0].hasPrefix("bot") else { return Self.error(404, "Not Found") }
        let method = parts[1]
        func record(_ a: Answer, _ upload: Upload?) -> Answer {
            state.withLock {
                $0.calls.append(Call(method: method, body: "(multipart, \(body.count) bytes)", time: .now, answeredStatus: a.status))
                if var upload {
                    upload.answeredStatus = a.status
                    $0.uploads.append(upload)
                }
            }
            return a
        }
        guard String(parts[0].dropFirst(3)) == token else { return record(Self.error(401, "Unauthorized"), nil) }
        let fields: [String: String] = ["sendPhoto": "photo", "sendDocument": "document", "sendAudio": "audio", "sendVideo": "video"]
        guard let field = fields[method] else { return record(Self.error(404, "Not Found: method not found"), nil) }
        guard let boundary = Multipart.boundary(contentType), let form = Multipart.parse(body, boundary: boundary) else {
            return record(Self.error(400, "Bad Request: can't parse multipart/form-data"), nil)
        }
        let chat = form.first { $0.name == "chat_id" }.flatMap { Int64(String(decoding: $0.body, as: UTF8.self)) } ?? 0
        let caption = form.first { $0.name == "caption" }.map { String(decoding: $0.body, as: UTF8.self) }
        let filePart = form.first { $0.name == field }
        var upload = Upload(method: method, chatID: chat, caption: caption, field: field, filename: filePart?.filename,
                            contentType: filePart?.contentType, bytes: filePart?.body ?? [], answeredStatus: 0, time: .now)
        let answer = state.withLock { s -> Answer in
            if !s.failures.isEmpty { return Self.answer(s.failures.removeFirst()) }
            let limit = field == "photo" ? min(s.maxUploadBytes, 10 << 20) : s.maxUploadBytes
            if body.count > limit { return Self.error(413, "Request Entity Too Large") }
            guard chat != 0 else { return Self.error(400, "Bad Request: chat not found") }
            guard let filePart, !filePart.body.isEmpty else { return Self.error(400, "Bad Request: there is no \(field) in the request") }
            if field == "photo", !(filePart.body.starts(with: [0xFF, 0xD8, 0xFF]) || filePart.body.starts(with: [0x89, 0x50, 0x4E, 0x47])) {
                return Self.error(400, "Bad Request: IMAGE_PROCESS_FAILED")
            }
            let id = (s.messageIDs[chat] ?? 100) + 1
            s.messageIDs[chat] = id
            var file: Any = ["file_id": "BQACAgIAAx\(id)", "file_unique_id": "AgAD\(id)", "file_size": filePart.body.count,
                             "file_name": filePart.filename ?? "", "mime_type": filePart.contentType ?? ""] as [String: Any]
            if field == "photo" {
                file = [["file_id": "AgACAgIAAx\(id)", "file_unique_id": "AQAD\(id)", "width": 800, "height": 600,
                         "file_size": filePart.body.count] as [String: Any]]
            }
            var message: [String: Any] = ["message_id": id, "date": Int(Date().timeIntervalSince1970), field: file,
                                          "from": ["id": botID, "is_bot": true, "first_name": "FakeBot"] as [String: Any],
                                          "chat": ["id": chat, "type": "private"] as [String: Any]]
            if let caption { message["caption"] = caption }
            return Self.ok(message)
        }
        upload.time = .now
        return record(answer, upload)
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
        let started = ContinuousClock.now
        let deadline = started + .seconds(timeout)
        while true {
            let (found, superseded) = state.withLock { s in (Array(s.updates.prefix(limit)), s.pollTicket != ticket) }
            if superseded {
                state.withLock {
                    $0.polls.append((token, offset, [], 409))
                    $0.pollSpans.append(PollSpan(start: started, end: .now, status: 409))
                }
                return Self.error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            }
            if !found.isEmpty || ContinuousClock.now >= deadline || stopping.load(ordering: .relaxed) {
                state.withLock {
                    $0.polls.append((token, offset, found.map(\.id), 200))
                    $0.pollSpans.append(PollSpan(start: started, end: .now, status: 200))
                }
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
