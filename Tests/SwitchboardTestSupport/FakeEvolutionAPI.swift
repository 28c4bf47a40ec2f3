import CMicroHTTPD
import Foundation
import Glibc
import Synchronization

/// A fake Evolution API v2 gateway (WhatsApp Web over Baileys) on 127.0.0.1 with one
/// instance, speaking the real wire format (wire-formats.md section 3, checked against
/// Evolution 2.3.6): the REST calls a connector makes, and the webhooks the gateway posts.
///
/// REST (every call needs `apikey: <apiKey>`, else 401 with Evolution's error envelope;
/// another instance name gets 404 "The "x" instance does not exist"):
/// - `POST /message/sendText/{instance}` and `POST /message/sendMedia/{instance}`: 201 with
///   the stored message record; 400 with `exists: false` for a number not on WhatsApp;
///   400 "Connection Closed" while the session is not open. sendMedia is checked as
///   Evolution 2.3.6 checks it: `mediatype` one of image/document/video/audio (else 400
///   with the schema's nested message), `media` a URL or base64 (else 400 "Owned media
///   must be a url or base64"), a base64 document needs `fileName` (400 "For base64 the
///   file name must be informed."); a body over `maxBodyBytes` (136 MB) is refused by the
///   body parser with 413 `request entity too large`. `Send.mediaBytes` is the decoded file.
/// - `POST /chat/getBase64FromMediaMessage/{instance}`: 201 with the media as base64.
/// - `POST /webhook/set/{instance}`: 201; later webhooks go to that URL with its headers.
/// - `GET /instance/connectionState/{instance}`: `{instance: {instanceName, state}}`.
/// - `GET /instance/connect/{instance}`: what `connectBehaviour` says (reconnect, or a QR).
///
/// Failures: `failNextSends` (429, 5xx, connection reset), `setDown` (the gateway gone:
/// connections refused), `logOut` (401), `replace` (440), `drop` (428 then Evolution's own
/// reconnect), `goZombie` (the socket dies without a webhook), `refreshQR`, `qrLimit`.
public final class FakeEvolutionAPI: @unchecked Sendable {
    public let apiKey: String
    public let instance: String

    public enum ConnectBehaviour: Sendable, Equatable {
        /// A closed session reconnects: `connecting` then `open`, each posted as a webhook.
        case reconnects
        /// The session needs a new pairing: a QR code is answered and posted.
        case showsQR
        /// Nothing changes (a gateway that cannot reconnect).
        case staysClosed
    }

    public enum Failure: Sendable, Equatable {
        /// 429 Too Many Requests (a proxy or the gateway's own throttle), with Retry-After.
        case tooManyRequests(retryAfter: Int?)
        /// 500 with Evolution's error envelope.
        case serverError
        /// 502 with an HTML body (a proxy in front of a gateway that is restarting).
        case badGateway
        /// The connection is closed without an answer.
        case reset
        /// 400 with Evolution's error envelope and this message (e.g. a media upload
        /// WhatsApp refused).
        case badRequest(String)
    }

    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var apikey: String?
        public var body: String
        public var answeredStatus: Int
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// One send call (text or media), in arrival order, with what was answered.
    public struct Send: Sendable {
        public var time: Date
        public var endpoint: String
        public var number: String
        public var text: String?
        public var quotedID: String?
        public var mediaType: String?
        /// sendMedia: `mimetype`, `fileName`, and `media` decoded (base64), or the URL.
        public var mimeType: String?
        public var fileName: String?
        public var mediaBytes: [UInt8]?
        public var mediaURL: String?
        public var answeredStatus: Int
        /// The `key.id` answered on success.
        public var keyID: String?
    }

    public struct Webhook: Sendable, Equatable {
        public var url: String
        public var headers: [String: String]
        public var events: [String]
        public var enabled: Bool
    }

    struct State {
        var state = "open"
        var reason = 200
        var connectBehaviour = ConnectBehaviour.reconnects
        var webhook: Webhook?
        var requests: [Request] = []
        var sends: [Send] = []
        var failures: [Failure] = []
        var notOnWhatsApp: Set<String> = []
        var media: [String: (bytes: [UInt8], mime: String, fileName: String?)] = [:]
        var receipts: [String] = []
        var posts: [(event: String, answer: WebhookPoster.Answer)] = []
        var pendingPosts = 0
        var counter = 0
        var held = false
        var maxBodyBytes = 136_000_000
    }

    let state = Mutex(State())
    private let daemonLock = NSLock()
    private var daemon: OpaquePointer?
    public private(set) var port: UInt16 = 0

    public init(apiKey: String = "evo-api-key", instance: String = "demo") throws {
        self.apiKey = apiKey
        self.instance = instance
        try start(port: 0)
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`: a channel's `base_url`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        if let d = daemon { MHD_stop_daemon(d) }
        daemon = nil
    }

    private func start(port wanted: UInt16) throws {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        guard daemon == nil else { return }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = wanted.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let flags = MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue
        let me = Unmanaged.passUnretained(self).toOpaque()
        let d = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                CMicroHTTPD_start_bound(flags, wanted, fakeEvolutionAccess, me, fakeEvolutionCompleted, nil, sa, 256, 30, 0)
            }
        }
        guard let d else { throw FakeServerError(message: "fake Evolution API could not listen on 127.0.0.1:\(wanted)") }
        daemon = d
        port = CMicroHTTPD_bound_port(d)
    }

    // MARK: - Scripting the gateway

    /// The gateway goes away (connections refused on its port) or comes back on the same
    /// port. Coming back, it reloads the instance and reconnects it, as Evolution does after
    /// a restart: `connecting` then `open` are posted (when `announce`).
    public func setDown(_ down: Bool, announce: Bool = true) throws {
        if down {
            stop()
            return
        }
        try start(port: port)
        if announce {
            let open = state.withLock { s -> Bool in
                guard s.state == "open" || s.state == "connecting" else { return false }
                s.state = "open"; s.reason = 200
                return true
            }
            if open {
                emit("connection.update", EvolutionFixtures.connection(state: "connecting", reason: 200, instance: instance))
                emit("connection.update", EvolutionFixtures.connection(state: "open", reason: 200, instance: instance))
            }
        }
    }

    public var isDown: Bool {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        return daemon == nil
    }

    /// The phone unlinked the session: `close` with 401, posted. A later connect answers
    /// a QR code (a new pairing), never reconnects by itself.
    @discardableResult
    public func logOut() -> WebhookPoster.Answer? {
        state.withLock { $0.state = "close"; $0.reason = 401; $0.connectBehaviour = .showsQR }
        return post("connection.update", EvolutionFixtures.connection(state: "close", reason: 401, instance: instance))
    }

    /// Another session took the number over: `close` with 440, posted.
    @discardableResult
    public func replace() -> WebhookPoster.Answer? {
        state.withLock { $0.state = "close"; $0.reason = 440; $0.connectBehaviour = .staysClosed }
        return post("connection.update", EvolutionFixtures.connection(state: "close", reason: 440, instance: instance))
    }

    /// The connection drops with a transient code (428 by default), posted; with
    /// `recover`, Evolution's own reconnect follows: `connecting`, then `open`.
    public func drop(reason: Int = 428, recover: Bool = true) {
        state.withLock { $0.state = "close"; $0.reason = reason }
        post("connection.update", EvolutionFixtures.connection(state: "close", reason: reason, instance: instance))
        guard recover else { return }
        state.withLock { $0.state = "connecting" }
        post("connection.update", EvolutionFixtures.connection(state: "connecting", reason: 200, instance: instance))
        state.withLock { $0.state = "open"; $0.reason = 200 }
        post("connection.update", EvolutionFixtures.connection(state: "open", reason: 200, instance: instance))
    }

    /// The socket dies and no webhook says so: connectionState answers `close` from now
    /// on, and a connect reconnects (`reconnects`).
    public func goZombie() {
        state.withLock { $0.state = "close"; $0.reason = 408; $0.connectBehaviour = .reconnects }
    }

    /// Sets the session state without posting anything.
    public func setConnectionState(_ s: String, reason: Int = 200) {
        state.withLock { $0.state = s; $0.reason = reason }
    }

    /// Posts `connection.update` with this state and reason, and sets it.
    @discardableResult
    public func announceConnection(_ s: String, reason: Int = 200) -> WebhookPoster.Answer? {
        setConnectionState(s, reason: reason)
        return post("connection.update", EvolutionFixtures.connection(state: s, reason: reason, instance: instance))
    }

    /// A new QR code is shown (the old one expired): `qrcode.updated`, posted.
    @discardableResult
    public func refreshQR(_ code: String, pairingCode: String? = nil) -> WebhookPoster.Answer? {
        state.withLock { $0.state = "connecting" }
        return post("qrcode.updated", EvolutionFixtures.qrCode(code, pairingCode: pairingCode, instance: instance))
    }

    /// The QR limit was reached: `qrcode.updated` with the limit message, then
    /// `connection.update` `refused`.
    public func qrLimit() {
        state.withLock { $0.state = "close" }
        post("qrcode.updated", EvolutionFixtures.qrLimitReached(instance: instance))
        post("connection.update", EvolutionFixtures.connection(state: "refused", reason: 500, instance: instance))
    }

    public func setConnectBehaviour(_ b: ConnectBehaviour) { state.withLock { $0.connectBehaviour = b } }

    /// The next `count` send calls answer `failure`.
    public func failNextSends(_ count: Int = 1, with failure: Failure) {
        state.withLock { $0.failures += Array(repeating: failure, count: count) }
    }

    /// Sends to these numbers (digits) answer 400 `exists: false`.
    public func setNotOnWhatsApp(_ numbers: Set<String>) { state.withLock { $0.notOnWhatsApp = numbers } }

    /// Media served by getBase64FromMediaMessage for a message key id.
    public func addMedia(keyID: String, bytes: [UInt8], mimeType: String, fileName: String? = nil) {
        state.withLock { $0.media[keyID] = (bytes, mimeType, fileName) }
    }

    /// After each accepted send, post `messages.update` with these statuses, in order.
    public func setReceipts(_ statuses: [String]) { state.withLock { $0.receipts = statuses } }

    /// Request bodies larger than this are refused with 413 (Evolution's JSON limit is 136 MB).
    public func setMaxBodyBytes(_ n: Int) { state.withLock { $0.maxBodyBytes = n } }

    /// While held, send calls (recorded on arrival) wait before answering (at most 30 s).
    public func setHeld(_ held: Bool) { state.withLock { $0.held = held } }

    // MARK: - Posting webhooks

    /// Posts a `messages.upsert` for `message` to the configured webhook; nil if none is set.
    @discardableResult
    public func postMessage(_ message: EvolutionFixtureMessage) -> WebhookPoster.Answer? {
        post("messages.upsert", EvolutionFixtures.upsert(message, instance: instance))
    }

    /// Posts `body` to the configured webhook with its headers, now. Nil when no webhook is
    /// set (or it is disabled, or the event is not subscribed).
    @discardableResult
    public func post(_ event: String, _ body: [UInt8]) -> WebhookPoster.Answer? {
        guard let hook = state.withLock({ $0.webhook }), hook.enabled else { return nil }
        let configName = event.uppercased().replacingOccurrences(of: ".", with: "_")
        guard hook.events.isEmpty || hook.events.contains(configName) else { return nil }
        let answer = WebhookPoster.post(url: hook.url, body: body, headers: hook.headers)
        state.withLock { $0.posts.append((event, answer)) }
        return answer
    }

    /// Posts on another thread (what the gateway does after answering a call).
    func emit(_ event: String, _ body: [UInt8]) {
        state.withLock { $0.pendingPosts += 1 }
        // Weak: see FakeGraphAPI's status posts (a fake being released stays released).
        Thread.detachNewThread { [weak self] in
            guard let self else { return }
            post(event, body)
            state.withLock { $0.pendingPosts -= 1 }
        }
    }

    // MARK: - What happened

    public var requests: [Request] { state.withLock { $0.requests } }
    public var sends: [Send] { state.withLock { $0.sends } }
    public var acceptedSends: [Send] { sends.filter { $0.answeredStatus == 201 } }
    public var webhook: Webhook? { state.withLock { $0.webhook } }
    public var connectionState: String { state.withLock { $0.state } }
    /// Calls to `/instance/connect` (reconnect attempts).
    public var connectCalls: Int { requests.filter { $0.path.hasPrefix("/instance/connect/") }.count }
    /// Calls to `/instance/connectionState` (probes).
    public var stateCalls: Int { requests.filter { $0.path.hasPrefix("/instance/connectionState/") }.count }
    /// Webhooks posted, with the receiver's answers.
    public var posts: [(event: String, answer: WebhookPoster.Answer)] { state.withLock { $0.posts } }
    public var pendingPosts: Int { state.withLock { $0.pendingPosts } }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(10), until condition: (FakeEvolutionAPI) -> Bool) -> Bool {
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
        var contentType = "application/json"
        var headers: [(String, String)] = []
    }

    static func json(_ o: Any) -> String { EvolutionFixtures.json(o) }

    /// Evolution's thrown-error envelope.
    static func error(_ status: Int, _ error: String, _ message: Any) -> Answer {
        Answer(status: status, body: json(["status": status, "error": error, "response": ["message": message]]))
    }

    func handle(connection: OpaquePointer?, url: String, method: String, body: [UInt8]) -> MHD_Result {
        let key = MHD_lookup_connection_value(connection, .HEADER_KIND, "apikey").map { String(cString: $0) }
        let number = MHD_lookup_connection_value(connection, .GET_ARGUMENT_KIND, "number").map { String(cString: $0) }
        let (answer, isSend, after) = route(url: url, method: method, body: method == "GET" ? Array((number ?? "").utf8) : body, apikey: key)
        if isSend {
            var waited = 0
            while waited < 30_000 && state.withLock({ $0.held }) { usleep(1_000); waited += 1 }
        }
        defer { after?() }
        guard let answer else { return MHD_Result.NO }
        var bytes = Array(answer.body.utf8)
        let count = bytes.count
        if bytes.isEmpty { bytes = [0] }
        let response = bytes.withUnsafeMutableBytes { MHD_create_response_from_buffer(count, $0.baseAddress, .RESPMEM_MUST_COPY) }
        _ = MHD_add_response_header(response, "Content-Type", answer.contentType)
        for (k, v) in answer.headers { _ = MHD_add_response_header(response, k, v) }
        let r = MHD_queue_response(connection, UInt32(answer.status), response)
        MHD_destroy_response(response)
        return r
    }

    /// Decides the answer (nil: close without answering), records the request, and gives
    /// what to do once answered (webhooks the gateway posts after a call).
    func route(url: String, method: String, body: [UInt8], apikey: String?) -> (Answer?, Bool, (() -> Void)?) {
        let parts = url.split(separator: "/").map(String.init)
        let text = String(decoding: body, as: UTF8.self)
        // libmicrohttpd hands the path without its query; a pairing code is asked for with
        // ?number=, which the handler passes in the body slot of GET calls.
        let wantsPairingCode = method == "GET" && !body.isEmpty
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let isSend = method == "POST" && parts.count == 3 && parts[0] == "message"
        return state.withLock { s -> (Answer?, Bool, (() -> Void)?) in
            var answer: Answer?
            var after: (() -> Void)?
            var send: Send?
            defer {
                s.requests.append(Request(method: method, path: url, apikey: apikey, body: text,
                                          answeredStatus: answer?.status ?? 0))
                if var send {
                    send.answeredStatus = answer?.status ?? 0
                    s.sends.append(send)
                }
            }
            guard apikey == apiKey else {
                answer = Self.error(401, "Unauthorized", "Unauthorized")
                return (answer, false, nil)
            }
            guard parts.count == 3 else {
                answer = Self.error(404, "Not Found", ["Cannot \(method) \(url)"])
                return (answer, false, nil)
            }
            guard parts[2] == instance else {
                answer = Self.error(404, "Not Found", ["The \"\(parts[2])\" instance does not exist"])
                return (answer, false, nil)
            }
            switch (method, parts[0], parts[1]) {
            case ("POST", "message", "sendText"), ("POST", "message", "sendMedia"):
                let number = (json["number"] as? String) ?? ""
                let quoted = ((json["quoted"] as? [String: Any])?["key"] as? [String: Any])?["id"] as? String
                let media = json["media"] as? String
                let mediaURL = media.flatMap { $0.hasPrefix("http://") || $0.hasPrefix("https://") ? $0 : nil }
                let mediaBytes = mediaURL == nil ? media.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } : nil
                send = Send(time: Date(), endpoint: parts[1], number: number, text: (json["text"] as? String) ?? (json["caption"] as? String),
                            quotedID: quoted, mediaType: json["mediatype"] as? String, mimeType: json["mimetype"] as? String,
                            fileName: json["fileName"] as? String, mediaBytes: mediaBytes, mediaURL: mediaURL,
                            answeredStatus: 0, keyID: nil)
                if body.count > s.maxBodyBytes {
                    // express's body parser; the error middleware has no `error` for it.
                    answer = Answer(status: 413, body: Self.json(["status": 413, "error": "Internal Server Error",
                                                                  "response": ["message": "request entity too large"]]))
                    return (answer, true, nil)
                }
                if !s.failures.isEmpty {
                    switch s.failures.removeFirst() {
                    case .tooManyRequests(let retryAfter):
                        answer = Self.error(429, "Too Many Requests", ["Too many requests, please try again later."])
                        if let retryAfter { answer?.headers.append(("Retry-After", String(retryAfter))) }
                    case .serverError:
                        answer = Self.error(500, "Internal Server Error", ["Error: Internal Server Error"])
                    case .badGateway:
                        answer = Answer(status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html")
                    case .reset:
                        answer = nil
                    case .badRequest(let message):
                        answer = Self.error(400, "Bad Request", [message])
                    }
                    return (answer, true, nil)
                }
                if parts[1] == "sendMedia" {
                    // The JSON schema, then the controller's checks.
                    let types = ["image", "document", "video", "audio"]
                    if let t = json["mediatype"] as? String, !types.contains(t) {
                        answer = Self.error(400, "Bad Request", [["mediatype is not one of enum values: image,document,video,audio"]])
                        return (answer, true, nil)
                    }
                    if let media, mediaURL == nil, mediaBytes == nil {
                        _ = media
                        answer = Self.error(400, "Bad Request", ["Owned media must be a url or base64"])
                        return (answer, true, nil)
                    }
                    if mediaBytes != nil, json["mediatype"] as? String == "document", (json["fileName"] as? String ?? "").isEmpty {
                        answer = Self.error(400, "Bad Request", ["For base64 the file name must be informed."])
                        return (answer, true, nil)
                    }
                }
                guard !number.isEmpty, parts[1] == "sendMedia" ? json["media"] is String && json["mediatype"] is String : json["text"] is String else {
                    answer = Self.error(400, "Bad Request", ["instance requires property \"\(number.isEmpty ? "number" : parts[1] == "sendMedia" ? "media" : "text")\""])
                    return (answer, true, nil)
                }
                guard s.state == "open" else {
                    answer = Self.error(400, "Bad Request", ["Error: Connection Closed"])
                    return (answer, true, nil)
                }
                let digits = number.split(separator: "@").first.map { String($0.filter(\.isNumber)) } ?? ""
                let jid = number.contains("@") ? number : "\(digits)@s.whatsapp.net"
                if s.notOnWhatsApp.contains(digits) {
                    answer = Self.error(400, "Bad Request", [["exists": false, "jid": jid, "number": number]])
                    return (answer, true, nil)
                }
                s.counter += 1
                let id = String(format: "3EB0%016X", UInt64(s.counter) &* 0x9E37_79B9 &+ UInt64(port))
                send?.keyID = id
                var message: [String: Any] = [:]
                if parts[1] == "sendText" {
                    message["conversation"] = json["text"] as? String ?? ""
                } else {
                    let field = (json["mediatype"] as? String ?? "document") + "Message"
                    message[field] = ["caption": json["caption"] as? String ?? "", "mimetype": json["mimetype"] as? String ?? ""]
                }
                answer = Answer(status: 201, body: Self.json([
                    "key": ["remoteJid": jid, "fromMe": true, "id": id], "pushName": "Loja Exemplo",
                    "status": "PENDING", "message": message,
                    "messageType": parts[1] == "sendText" ? "conversation" : (json["mediatype"] as? String ?? "document") + "Message",
                    "messageTimestamp": Int(Date().timeIntervalSince1970),
                    "instanceId": "0b9c2f3e-7a41-4c52-9b8e-2d1f6a7c9e10", "source": "unknown",
                ] as [String: Any]))
                let receipts = s.receipts
                if !receipts.isEmpty {
                    after = { [self] in
                        // One after the other, in order, on a thread of their own.
                        state.withLock { $0.pendingPosts += 1 }
                        Thread.detachNewThread { [weak self] in
                            guard let self else { return }
                            for r in receipts {
                                post("messages.update", EvolutionFixtures.update(keyID: id, remoteJid: jid, status: r, instance: instance))
                            }
                            state.withLock { $0.pendingPosts -= 1 }
                        }
                    }
                }
                return (answer, true, after)
            case ("POST", "chat", "getBase64FromMediaMessage"):
                let keyID = (((json["message"] as? [String: Any])?["key"] as? [String: Any])?["id"] as? String) ?? ""
                guard let m = s.media[keyID] else {
                    answer = Self.error(400, "Bad Request", ["Message not found"])
                    return (answer, false, nil)
                }
                answer = Answer(status: 201, body: Self.json([
                    "mediaType": m.mime.hasPrefix("image") ? "imageMessage" : "documentMessage",
                    "fileName": m.fileName ?? "\(keyID).bin", "caption": NSNull(),
                    "size": ["fileLength": String(m.bytes.count)], "mimetype": m.mime,
                    "base64": Data(m.bytes).base64EncodedString(), "buffer": NSNull(),
                ] as [String: Any]))
                return (answer, false, nil)
            case ("POST", "webhook", "set"):
                guard let hook = json["webhook"] as? [String: Any], let url = hook["url"] as? String, !url.isEmpty else {
                    answer = Self.error(400, "Bad Request", ["webhook requires property \"url\""])
                    return (answer, false, nil)
                }
                let headers = (hook["headers"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
                let w = Webhook(url: url, headers: headers, events: hook["events"] as? [String] ?? [],
                                enabled: hook["enabled"] as? Bool ?? false)
                s.webhook = w
                answer = Answer(status: 201, body: Self.json([
                    "id": "wh1", "url": url, "headers": headers, "enabled": w.enabled, "events": w.events,
                    "webhookByEvents": hook["byEvents"] as? Bool ?? false, "webhookBase64": hook["base64"] as? Bool ?? false,
                    "instanceId": "0b9c2f3e-7a41-4c52-9b8e-2d1f6a7c9e10",
                ] as [String: Any]))
                return (answer, false, nil)
            case ("GET", "instance", "connectionState"):
                answer = Answer(status: 200, body: Self.json(["instance": ["instanceName": instance, "state": s.state]]))
                return (answer, false, nil)
            case ("GET", "instance", "connect"):
                if s.state == "open" {
                    answer = Answer(status: 200, body: Self.json(["instance": ["instanceName": instance, "state": "open"]]))
                    return (answer, false, nil)
                }
                switch s.connectBehaviour {
                case .reconnects:
                    s.state = "connecting"
                    answer = Answer(status: 200, body: Self.json(["pairingCode": NSNull(), "code": NSNull(), "base64": NSNull(), "count": 0]))
                    after = { [self] in
                        state.withLock { $0.state = "open"; $0.reason = 200 }
                        emit("connection.update", EvolutionFixtures.connection(state: "open", reason: 200, instance: instance))
                    }
                case .showsQR:
                    s.state = "connecting"
                    s.counter += 1
                    let code = "2@fakeQR\(s.counter),\(instance)"
                    let pairing: Any = wantsPairingCode ? "WZYE-H1YY" : NSNull()
                    answer = Answer(status: 200, body: Self.json(["pairingCode": pairing, "code": code,
                                                                  "base64": "data:image/png;base64,iVBORw0KGgo=", "count": 1]))
                    after = { [self] in emit("qrcode.updated", EvolutionFixtures.qrCode(code, instance: instance)) }
                case .staysClosed:
                    answer = Answer(status: 200, body: Self.json(["error": true, "message": "instance is not connected"]))
                }
                return (answer, false, after)
            default:
                answer = Self.error(404, "Not Found", ["Cannot \(method) \(url)"])
                return (answer, false, nil)
            }
        }
    }
}

let fakeEvolutionAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, reqCls in
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
    let server = Unmanaged<FakeEvolutionAPI>.fromOpaque(cls).takeUnretainedValue()
    return server.handle(connection: connection, url: url.map { String(cString: $0) } ?? "/",
                         method: method.map { String(cString: $0) } ?? "GET", body: box.body)
}

let fakeEvolutionCompleted: MHD_RequestCompletedCallback = { _, _, reqCls, _ in
    guard let reqCls, let p = reqCls.pointee else { return }
    Unmanaged<FakeRequestBox>.fromOpaque(p).release()
    reqCls.pointee = nil
}
