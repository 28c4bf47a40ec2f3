import CMicroHTTPD
import Foundation
import Glibc
import Synchronization

/// A fake WhatsApp Cloud API (Meta Graph API) on 127.0.0.1, speaking the real wire
/// format, for tests of senders, retries and status handling. On libmicrohttpd, one
/// thread per connection, so a scripted delay stalls only its own connection.
///
/// - Accepts any `/v{N}.{M}/` prefix. `POST /{phone-number-id}/messages` sends (answers
///   `messages[0].id = wamid.…`) or marks read (`{"success":true}`); `GET /{media-id}`
///   answers a download URL on this server; `GET /media-download/{id}` needs the bearer.
/// - Checks `Authorization: Bearer <accessToken>`: otherwise 401 with code 190.
/// - Records every request and every send.
/// - Scripted: `failNext(_:with:)`, `setDelay(_:)`, `setDown(_:)`, and
///   `repeatMessageIDs(every:)` (a provider that hands out an id it already gave).
/// - Optionally POSTs signed status webhooks (`sent`, `delivered`, `read`) for every
///   accepted send to a callback URL: `setStatusCallback(url:appSecret:statuses:)`.
public final class FakeGraphAPI: @unchecked Sendable {
    public let accessToken: String
    public let version = "v21.0"

    struct State {
        var requests: [RecordedRequest] = []
        var sends: [RecordedSend] = []
        var failures: [FakeGraphFailure] = []
        var delay: Duration = .zero
        /// While true, every call waits (up to 30 s) before answering: a test's gate.
        var held = false
        var media: [String: (bytes: [UInt8], mime: String, sha256: String?)] = [:]
        var mediaURLsExpired = false
        /// Set: lookups answer download URLs on this base instead of `baseURL`.
        var mediaURLBase: String?
        /// While true, media lookups wait (a provider that takes its time).
        var mediaHeld = false
        var mediaLookupsWaiting = 0
        /// Set: lookups report this file_size instead of the real one.
        var reportedFileSize: Int?
        /// Downloads are sent chunked, without Content-Length.
        var mediaChunked = false
        var callback: (url: String, secret: String, statuses: [String])?
        /// Told of every accepted send (message id, recipient's wa_id, phone number id).
        var acceptedHook: (@Sendable (String, String, String) -> Void)?
        var statusPosts: [WebhookPoster.Answer] = []
        var pendingStatusPosts = 0
        var counter = 0
        /// Message ids repeat every this many accepted sends (nil: every id is new).
        var idCycle: Int?
        /// Message templates per business account (`GET /{waba}/message_templates`),
        /// checked on template sends (FakeGraphAPI+Templates).
        var templates: [String: [FakeTemplate]] = [:]
        var templatePageSize = 100
        /// Files uploaded to `POST /{phone}/media`, by the id answered.
        var uploads: [String: FakeUpload] = [:]
        /// Phone number ids this token may read (`GET /{phone_number_id}?fields=id`).
        var phoneNumbers: Set<String> = []
    }

    /// Lets `GET /{id}?fields=id` answer `{"id": id}` for this phone number id (what Graph
    /// answers for a number the token may use; others get error 100).
    public func addPhoneNumber(_ id: String) {
        state.withLock { _ = $0.phoneNumbers.insert(id) }
    }

    let state = Mutex(State())
    private let daemonLock = NSLock()
    private var daemon: OpaquePointer?
    public private(set) var port: UInt16 = 0
    /// Makes this fake's message ids differ from every other fake's.
    let nonce = UUID().uuidString

    /// Server threads: nil, one per connection (a scripted delay holds only its own
    /// connection); a number, a pool of that many threads polling with epoll (cheaper per
    /// request: what the load generator uses, with no delays scripted).
    let poolThreads: Int?

    /// Starts listening on 127.0.0.1, on a free port.
    public init(accessToken: String = "fake-access-token", poolThreads: Int? = nil) throws {
        self.accessToken = accessToken
        self.poolThreads = poolThreads
        try start(port: 0)
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// What goes in a channel's `graph_url`: `http://127.0.0.1:PORT/v21.0`.
    public var graphURL: String { "\(baseURL)/\(version)" }

    public func stop() {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        if let d = daemon { MHD_stop_daemon(d) }
        daemon = nil
    }

    /// "Down" refuses connections (the listening socket is closed); up again listens on
    /// the same port.
    public func setDown(_ down: Bool) throws {
        if down { stop() } else { try start(port: port) }
    }

    public var isDown: Bool {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        return daemon == nil
    }

    private func start(port wanted: UInt16) throws {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        guard daemon == nil else { return }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = wanted.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let flags = poolThreads == nil
            ? MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue
            : MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
        let pool = UInt32(max(0, poolThreads ?? 0))
        let me = Unmanaged.passUnretained(self).toOpaque()
        let d = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                CMicroHTTPD_start_bound(flags, wanted, fakeGraphAccess, me, fakeGraphCompleted, nil, sa, 256, 30, pool)
            }
        }
        guard let d else {
            throw FakeServerError(message: "fake Graph API could not listen on 127.0.0.1:\(wanted)")
        }
        daemon = d
        port = CMicroHTTPD_bound_port(d)
    }

    // MARK: - Scripting

    /// The next `count` API calls answer `failure` instead of succeeding.
    public func failNext(_ count: Int = 1, with failure: FakeGraphFailure) {
        state.withLock { $0.failures += Array(repeating: failure, count: count) }
    }

    /// From now on, the id an accepted send is answered with repeats every `n` sends
    /// (send k gets the same id as send k - n): a provider that hands out ids it already
    /// gave, as seen in the field. Nil goes back to a new id per send.
    public func repeatMessageIDs(every n: Int?) {
        state.withLock { $0.idCycle = n.map { max(1, $0) } }
    }

    /// Every call waits this long before answering.
    public func setDelay(_ d: Duration) {
        state.withLock { $0.delay = d }
    }

    /// While held, every call (recorded on arrival) waits before answering, until
    /// released (at most 30 s): lets a test see what the client did before the answer.
    public func setHeld(_ held: Bool) {
        state.withLock { $0.held = held }
    }

    /// Media the fake serves: `GET /{id}` then the download URL. The lookup reports the
    /// bytes' hex SHA-256, or `reportedSHA256` when given (to script a corrupt download).
    public func addMedia(id: String, bytes: [UInt8], mimeType: String, reportedSHA256: String? = nil) {
        state.withLock { $0.media[id] = (bytes, mimeType, reportedSHA256) }
    }

    /// Download URLs handed out so far (and later) answer 404, like Meta's after 5 minutes.
    public func expireMediaURLs(_ expired: Bool = true) {
        state.withLock { $0.mediaURLsExpired = expired }
    }

    /// Lookups answer download URLs on `base` (`http://localhost:PORT`, another origin
    /// than `baseURL`) instead of this server's own address; nil: the default.
    public func setMediaURLBase(_ base: String?) {
        state.withLock { $0.mediaURLBase = base }
    }

    /// While held, every media lookup (`GET /{media-id}`) waits until `holdMedia(false)`:
    /// a provider that answers in its own time, without a timer.
    public func holdMedia(_ held: Bool) {
        state.withLock { $0.mediaHeld = held }
    }

    /// Lookups report `size` as the file size (a provider that under-reports); nil: the truth.
    public func setReportedFileSize(_ size: Int?) {
        state.withLock { $0.reportedFileSize = size }
    }

    /// Downloads are sent with chunked coding and no Content-Length (the size is known
    /// only at the end); combine with `setReportedFileSize` for a provider that lies.
    public func setMediaChunked(_ chunked: Bool) {
        state.withLock { $0.mediaChunked = chunked }
    }

    /// Media lookups waiting in `holdMedia`.
    public var mediaLookupsWaiting: Int { state.withLock { $0.mediaLookupsWaiting } }

    /// After each accepted send, POST one signed status webhook per word in `statuses`
    /// (in that order) to `url`, like Meta does. Nil `url` turns it off.
    public func setStatusCallback(url: String?, appSecret: String = "", statuses: [String] = ["sent", "delivered", "read"]) {
        state.withLock { $0.callback = url.map { ($0, appSecret, statuses) } }
    }

    /// Calls `hook` with each accepted send's message id, recipient (wa_id) and phone
    /// number id, on the fake's server thread (keep it quick). For a load generator that
    /// posts the receipts itself, over its own connections. Nil turns it off.
    public func onAcceptedSend(_ hook: (@Sendable (_ messageID: String, _ recipient: String, _ phoneNumberID: String) -> Void)?) {
        state.withLock { $0.acceptedHook = hook }
    }

    // MARK: - What happened

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// POSTs to `/messages`, in the order they arrived (successful or not).
    public var sends: [RecordedSend] { state.withLock { $0.sends } }
    /// Sends that were accepted (answered 200), mark-as-read calls excluded.
    public var acceptedSends: [RecordedSend] {
        sends.filter { $0.answeredStatus == 200 && !$0.isMarkRead }
    }
    /// The answers of the status webhooks posted so far.
    public var statusPosts: [WebhookPoster.Answer] { state.withLock { $0.statusPosts } }
    public var pendingStatusPosts: Int { state.withLock { $0.pendingStatusPosts } }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(5), until condition: (FakeGraphAPI) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            usleep(10_000)
        }
        return condition(self)
    }

    /// POSTs signed status webhooks for `messageID` now, in the given order (use it for
    /// out-of-order and duplicate receipts). Returns the receiver's answers.
    @discardableResult
    public func postStatuses(_ statuses: [FixtureStatus], to url: String, appSecret: String,
                             phoneNumberID: String = WhatsAppFixtures.phoneNumberID) -> [WebhookPoster.Answer] {
        statuses.map { s in
            let hook = WhatsAppFixtures.signedStatus([s], phoneNumberID: phoneNumberID, appSecret: appSecret)
            return WebhookPoster.post(url: url, signed: hook)
        }
    }
}

public struct FakeServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
