import CCrypto
import CCurl
import Foundation
import SwitchboardCore
import SwitchboardLog

/// The WhatsApp Cloud API (Meta Graph API) for one business number, over libcurl.
///
/// One easy handle per client, reused for every call so the TLS connection stays open
/// (keep-alive); calls are serialised by a lock, so a client may be shared, but a
/// channel's sender normally owns one. Every call blocks until the answer or the
/// timeout: call from a sender thread, never from the HTTP server's threads.
///
/// Errors come back as `GraphError`, already classified (retryable, rate limited, pair
/// rate limited, re-engagement, auth, permanent).
///
/// Note: when a kept-alive connection dies before any byte of the answer arrives,
/// libcurl resends the request once on a new connection by itself. That is what makes
/// keep-alive safe against idle closes, and it is one more place where the provider may
/// see a send twice (the outbox is at-least-once anyway).
public final class GraphAPIClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// `https://graph.facebook.com/v21.0` (the version is part of it).
        public var graphURL: String
        public var phoneNumberID: String
        public var accessToken: String
        public var connectTimeout: Duration
        /// The whole call, connection included, for API calls.
        public var requestTimeout: Duration
        /// The whole call for media downloads.
        public var downloadTimeout: Duration
        /// Media larger than this is refused (WhatsApp's limit is 100 MB).
        public var maxDownloadBytes: Int

        public init(graphURL: String, phoneNumberID: String, accessToken: String,
                    connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
                    downloadTimeout: Duration = .seconds(120), maxDownloadBytes: Int = 100 * 1024 * 1024) {
            var url = graphURL
            while url.hasSuffix("/") { url.removeLast() }
            self.graphURL = url
            self.phoneNumberID = phoneNumberID
            self.accessToken = accessToken
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.downloadTimeout = downloadTimeout
            self.maxDownloadBytes = maxDownloadBytes
        }
    }

    public let configuration: Configuration
    private let logger: Logger?
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
    /// The easy handle, for what must be made with it (a multipart body, `curl_mime_init`).
    var easyHandle: UnsafeMutableRawPointer? { handle }
    let jsonHeaders: UnsafeMutablePointer<curl_slist>?
    private let downloadHeaders: UnsafeMutablePointer<curl_slist>?
    /// `{graph_url}/{phone_number_id}/messages`, escaped once.
    let messagesURL: String
    private var opened = 0

    /// How many connections this client has opened so far (keep-alive keeps it at 1
    /// while the provider keeps the connection open).
    public var connectionsOpened: Int {
        lock.lock()
        defer { lock.unlock() }
        return opened
    }

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public init(configuration: Configuration, logger: Logger? = nil) {
        _ = GraphAPIClient.globalInit
        self.configuration = configuration
        self.logger = logger
        messagesURL = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(configuration.phoneNumberID))/messages"
        let auth = "Authorization: Bearer \(configuration.accessToken)"
        var json = curl_slist_append(nil, auth)
        json = curl_slist_append(json, "Content-Type: application/json")
        json = curl_slist_append(json, "Accept: application/json")
        json = curl_slist_append(json, "Expect:") // no 100-continue round trip
        jsonHeaders = json
        downloadHeaders = curl_slist_append(nil, auth)
        handle = curl_easy_init()
        if let h = handle {
            _ = CCurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = CCurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            _ = CCurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, GraphAPIClient.milliseconds(configuration.connectTimeout))
            _ = CCurl_setopt_string(h, CURLOPT_USERAGENT, "switchboard")
            // Only HTTP(S), also after a redirect of a media download.
            _ = CCurl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
            _ = CCurl_setopt_string(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            _ = CCurl_setopt_write(h, CURLOPT_WRITEFUNCTION, graphWriteCallback)
        }
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(jsonHeaders)
        curl_slist_free_all(downloadHeaders)
    }

    // MARK: - Calls

    /// Sends a text, as a reply to `replyTo` (a `wamid`) when given, with up to three
    /// quick-reply buttons when given (then as an interactive button message).
    public func sendText(to recipient: WhatsAppRecipient, body: String, replyTo: String? = nil,
                         buttons: [WhatsAppReplyButton] = [], previewURL: Bool = false) throws(GraphError) -> GraphSendReceipt {
        let message = try GraphAPIClient.textMessageBody(to: recipient, body: body, replyTo: replyTo,
                                                         buttons: buttons, previewURL: previewURL)
        let answer = try postJSON(message)
        guard let first = answer["messages"]?.array?.first,
              let id = first["id"]?.string, !id.isEmpty else {
            throw GraphError(kind: .permanent, httpStatus: 200,
                             title: "the provider answered 200 without messages[0].id", ambiguous: true)
        }
        let waID = answer["contacts"]?.array?.first?["wa_id"]?.stringOrNumber
        return GraphSendReceipt(providerMessageID: id, waID: waID, messageStatus: first["message_status"]?.string)
    }

    /// Marks an inbound message as read (blue ticks), optionally showing "typing…".
    public func markRead(messageID: String, typingIndicator: Bool = false) throws(GraphError) {
        let answer = try postJSON(GraphAPIClient.markReadBody(messageID: messageID, typingIndicator: typingIndicator))
        guard answer["success"]?.bool == true else {
            throw GraphError(kind: .permanent, httpStatus: 200, title: "the provider answered 200 without success: true")
        }
    }

    /// The active probe: `GET /{phone_number_id}?fields=id`, the cheapest call that
    /// needs a valid token (200 while it is good; 401, code 190, once it is revoked).
    public func probeNumber() throws(GraphError) {
        let url = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(configuration.phoneNumberID))?fields=id"
        let response = try perform(url: url, body: nil, headers: jsonHeaders, timeout: configuration.requestTimeout,
                                   maxBytes: 1 << 16, followRedirects: false)
        _ = try GraphAPIClient.decodeSuccess(response)
    }

    /// Looks up a media id: its short-lived download URL, type, hash and size.
    public func mediaInfo(id: String) throws(GraphError) -> GraphMediaInfo {
        guard GraphAPIClient.isMediaID(id) else {
            throw GraphError(kind: .permanent, title: "'\(id)' is not a WhatsApp media id (digits only)")
        }
        let url = "\(configuration.graphURL)/\(GraphAPIClient.pathEscape(id))"
        let response = try perform(url: url, body: nil, headers: jsonHeaders, timeout: configuration.requestTimeout,
                                   maxBytes: 1 << 20, followRedirects: false)
        let object = try GraphAPIClient.decodeSuccess(response)
        guard let mediaURL = object["url"]?.string else {
            throw GraphError(kind: .permanent, httpStatus: response.status, title: "media lookup answered without a url")
        }
        return GraphMediaInfo(id: object["id"]?.stringOrNumber ?? id, url: mediaURL,
                              mimeType: object["mime_type"]?.string,
                              sha256: object["sha256"]?.string,
                              fileSize: object["file_size"]?.int)
    }

    /// Downloads media from a URL `mediaInfo` returned, with the bearer token, following
    /// redirects (curl drops the token on a redirect to another host). Only a URL
    /// `mayReceiveToken` allows is fetched.
    public func downloadMedia(url: String) throws(GraphError) -> [UInt8] {
        let sink = GraphMediaBuffer()
        try streamMedia(url: url, maxBytes: configuration.maxDownloadBytes, to: sink)
        return sink.bytes
    }

    /// Looks up a media id and downloads it at once (the URL expires in minutes), then
    /// checks the bytes against the reported SHA-256 (hex or base64; skipped when the
    /// provider gave none). A mismatch is retryable: the download was damaged.
    public func downloadMedia(id: String) throws(GraphError) -> (info: GraphMediaInfo, bytes: [UInt8]) {
        let sink = GraphMediaBuffer()
        let info = try streamMedia(id: id, maxBytes: configuration.maxDownloadBytes, to: sink)
        return (info, sink.bytes)
    }

    /// Looks up a media id and streams its bytes to `sink` as they arrive: `begin` once
    /// the provider has answered 2xx, then `write` per piece. Media the lookup or the
    /// download reports as larger than `maxBytes` is refused before `begin`; a download
    /// that grows past it anyway is stopped (an error after `begin`: the receiver must
    /// not treat what it got as complete). The SHA-256 the lookup reported is checked at
    /// the end (a mismatch is a retryable error, after `begin`).
    @discardableResult
    public func streamMedia(id: String, maxBytes: Int, to sink: some GraphMediaSink) throws(GraphError) -> GraphMediaInfo {
        let info = try mediaInfo(id: id)
        if let size = info.fileSize, size > maxBytes {
            var e = GraphError(kind: .permanent, title: "media \(id) is \(size) bytes, more than the \(maxBytes) allowed")
            e.tooLarge = true
            throw e
        }
        let hasher = SHA256Stream()
        let checking = ChecksumSink(inner: sink, hasher: hasher, mimeType: info.mimeType)
        try streamMedia(url: info.url, maxBytes: maxBytes, to: checking)
        if let expected = info.sha256, let digest = GraphAPIClient.sha256Digest(expected), digest != hasher.finish() {
            throw GraphError(kind: .retryable, title: "media \(id): downloaded bytes do not match the reported sha256")
        }
        return info
    }

    /// Streams the body of a media URL to `sink` (see `streamMedia(id:maxBytes:to:)`).
    public func streamMedia(url: String, maxBytes: Int, to sink: some GraphMediaSink) throws(GraphError) {
        guard GraphAPIClient.mayReceiveToken(mediaURL: url, graphURL: configuration.graphURL) else {
            throw GraphError(kind: .permanent, title: "the media URL is not an https URL on Meta's hosts (nor the configured graph_url's); the token is not sent there: \(GraphAPIClient.originOf(url))")
        }
        let response = try perform(url: url, body: nil, headers: downloadHeaders, timeout: configuration.downloadTimeout,
                                   maxBytes: maxBytes, followRedirects: true, stream: sink)
        guard (200..<300).contains(response.status) else {
            throw GraphError.classify(httpStatus: response.status, body: response.body, retryAfter: response.retryAfter)
        }
        if !response.streamed, !sink.begin(mimeType: nil, contentLength: 0) {
            throw GraphError(kind: .permanent, title: "media download stopped by its receiver")
        }
    }

    /// Meta's media ids are decimal digits; anything else (`..`, `a/b`) would change the
    /// Graph API path it is put in.
    public static func isMediaID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Meta's hosts that serve media downloads (`lookaside.fbsbx.com` today); their
    /// subdomains count too.
    public static let metaMediaDomains = ["fbsbx.com", "facebook.com", "fbcdn.net", "whatsapp.net", "whatsapp.com"]

    /// Whether a media URL the lookup returned may be fetched with the access token:
    /// https on one of `metaMediaDomains`, or the same origin (scheme, host, port) as the
    /// configured graph_url, which gets the token anyway (a local fake in tests, a
    /// company's egress proxy). Anything else would hand the token to whoever the lookup
    /// answer points at.
    public static func mayReceiveToken(mediaURL: String, graphURL: String) -> Bool {
        guard let url = URLComponents(string: mediaURL), let scheme = url.scheme?.lowercased(),
              let host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil else { return false }
        if scheme == "https", metaMediaDomains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return true }
        guard let graph = URLComponents(string: graphURL), let graphScheme = graph.scheme?.lowercased(),
              let graphHost = graph.host?.lowercased() else { return false }
        func port(_ c: URLComponents, _ scheme: String) -> Int { c.port ?? (scheme == "https" ? 443 : 80) }
        return scheme == graphScheme && host == graphHost && port(url, scheme) == port(graph, graphScheme)
    }

    /// `scheme://host:port` of a URL, for messages (never the query: it may carry keys).
    static func originOf(_ url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "(not a URL)" }
        return "\(scheme)://\(host)" + (c.port.map { ":\($0)" } ?? "")
    }

    /// A reported digest as 32 bytes: 64 hex digits or base64; nil for anything else.
    static func sha256Digest(_ s: String) -> [UInt8]? {
        if s.utf8.count == 64, let d = WhatsAppSignature.decodeHex(s.utf8) { return d }
        if let d = Data(base64Encoded: s), d.count == 32 { return Array(d) }
        return nil
    }

    // MARK: - Bodies

    /// The JSON body of a text send (wire-formats 1.8), checked against WhatsApp's
    /// limits, written directly as bytes (keys in sorted order).
    public static func textMessageBody(to recipient: WhatsAppRecipient, body: String, replyTo: String? = nil,
                                       buttons: [WhatsAppReplyButton] = [], previewURL: Bool = false) throws(GraphError) -> [UInt8] {
        func invalid(_ why: String) -> GraphError {
            GraphError(kind: .permanent, title: "message not sent: \(why)")
        }
        guard !body.isEmpty else { throw invalid("the text is empty") }
        if buttons.isEmpty {
            guard body.count <= WhatsAppLimits.textBody else {
                throw invalid("the text has \(body.count) characters, WhatsApp allows \(WhatsAppLimits.textBody)")
            }
        } else {
            guard buttons.count <= WhatsAppLimits.buttons else {
                throw invalid("\(buttons.count) reply buttons, WhatsApp allows \(WhatsAppLimits.buttons)")
            }
            guard body.count <= WhatsAppLimits.interactiveBody else {
                throw invalid("the text has \(body.count) characters, WhatsApp allows \(WhatsAppLimits.interactiveBody) with buttons")
            }
            var ids = Set<String>()
            for b in buttons {
                guard !b.title.isEmpty, b.title.count <= WhatsAppLimits.buttonTitle else {
                    throw invalid("button title \"\(b.title)\" must have 1 to \(WhatsAppLimits.buttonTitle) characters")
                }
                guard !b.id.isEmpty, b.id.count <= WhatsAppLimits.buttonID, ids.insert(b.id).inserted else {
                    throw invalid("button id \"\(b.id)\" must be unique and have 1 to \(WhatsAppLimits.buttonID) characters")
                }
            }
        }

        var w = JSONWriter(capacity: 160 + body.utf8.count + buttons.count * 64)
        w.raw("{")
        if let replyTo, !replyTo.isEmpty {
            w.raw("\"context\":{\"message_id\":")
            w.string(replyTo)
            w.raw("},")
        }
        if !buttons.isEmpty {
            w.raw("\"interactive\":{\"action\":{\"buttons\":[")
            for (i, b) in buttons.enumerated() {
                w.raw(i == 0 ? "{\"reply\":{\"id\":" : ",{\"reply\":{\"id\":")
                w.string(b.id)
                w.raw(",\"title\":")
                w.string(b.title)
                w.raw("},\"type\":\"reply\"}")
            }
            w.raw("]},\"body\":{\"text\":")
            w.string(body)
            w.raw("},\"type\":\"button\"},")
        }
        w.raw("\"messaging_product\":\"whatsapp\",")
        if case .userID(let id) = recipient {
            w.raw("\"recipient\":")
            w.string(id)
            w.raw(",")
        }
        w.raw("\"recipient_type\":\"individual\",")
        if buttons.isEmpty {
            w.raw("\"text\":{\"body\":")
            w.string(body)
            w.raw(",\"preview_url\":")
            w.bool(previewURL)
            w.raw("},")
        }
        if case .phone(let number) = recipient {
            w.raw("\"to\":")
            w.string(number)
            w.raw(",")
        }
        w.raw(buttons.isEmpty ? "\"type\":\"text\"}" : "\"type\":\"interactive\"}")
        return w.bytes
    }

    /// The JSON body of a read receipt, optionally with the typing indicator.
    static func markReadBody(messageID: String, typingIndicator: Bool) -> [UInt8] {
        var w = JSONWriter(capacity: 128 + messageID.utf8.count)
        w.raw("{\"message_id\":")
        w.string(messageID)
        w.raw(",\"messaging_product\":\"whatsapp\",\"status\":\"read\"")
        if typingIndicator { w.raw(",\"typing_indicator\":{\"type\":\"text\"}") }
        w.raw("}")
        return w.bytes
    }

    // MARK: - Transport

    struct HTTPResponse {
        var status: Int
        var body: [UInt8]
        var retryAfter: Duration?
        /// The 2xx body went to a stream sink (`body` is empty then).
        var streamed = false
    }

    func postJSON(_ body: [UInt8]) throws(GraphError) -> JSONValue {
        let response = try perform(url: messagesURL, body: body, headers: jsonHeaders, timeout: configuration.requestTimeout,
                                   maxBytes: 1 << 20, followRedirects: false)
        return try GraphAPIClient.decodeSuccess(response)
    }

    /// A 2xx JSON body, or the classified error.
    static func decodeSuccess(_ response: HTTPResponse) throws(GraphError) -> JSONValue {
        guard (200..<300).contains(response.status) else {
            throw GraphError.classify(httpStatus: response.status, body: response.body, retryAfter: response.retryAfter)
        }
        guard let object = try? JSONReader.read(response.body) else {
            throw GraphError(kind: .permanent, httpStatus: response.status,
                             title: "the provider answered \(response.status) with a body that is not JSON", ambiguous: true)
        }
        return object
    }

    func perform(url: String, body: [UInt8]?, mime: OpaquePointer? = nil, headers: UnsafeMutablePointer<curl_slist>?,
                 timeout: Duration, maxBytes: Int, followRedirects: Bool,
                 stream: (any GraphMediaSink)? = nil) throws(GraphError) -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        guard let h = handle else {
            throw GraphError(kind: .retryable, title: "libcurl could not create a handle")
        }
        let sink = ResponseSink(limit: maxBytes, stream: stream, handle: h)
        // A redirect from https never goes down to http (the token would travel in clear).
        _ = CCurl_setopt_string(h, CURLOPT_REDIR_PROTOCOLS_STR, url.lowercased().hasPrefix("https:") ? "https" : "http,https")
        let started = ContinuousClock.now
        let code: CURLcode = withExtendedLifetime(sink) {
            _ = CCurl_setopt_string(h, CURLOPT_URL, url)
            _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
            _ = CCurl_setopt_long(h, CURLOPT_TIMEOUT_MS, GraphAPIClient.milliseconds(timeout))
            _ = CCurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, followRedirects ? 1 : 0)
            _ = CCurl_setopt_long(h, CURLOPT_MAXREDIRS, 5)
            _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
            if let mime {
                // A multipart POST whose parts libcurl reads as it sends (files included).
                _ = CCurl_setopt_pointer(h, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
            } else if let body {
                _ = CCurl_setopt_long(h, CURLOPT_POST, 1)
                _ = CCurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
                _ = body.withUnsafeBytes { CCurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
            } else {
                _ = CCurl_setopt_long(h, CURLOPT_HTTPGET, 1)
            }
            return curl_easy_perform(h)
        }
        _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, nil)
        // The handle is reused: it must not keep a pointer to a mime the caller frees.
        if mime != nil { _ = CCurl_setopt_pointer(h, CURLOPT_MIMEPOST, nil) }
        let elapsed = started.duration(to: .now)
        let method = body == nil && mime == nil ? "GET" : "POST"

        guard code == CURLE_OK else {
            if sink.overflow {
                var e = GraphError(kind: .permanent, title: "response larger than \(maxBytes) bytes", curlCode: Int(code.rawValue))
                e.tooLarge = true
                throw e
            }
            if sink.stopped {
                throw GraphError(kind: .permanent, title: "media download stopped by its receiver", curlCode: Int(code.rawValue))
            }
            let message = String(cString: curl_easy_strerror(code))
            logger?.debug("graph api \(method) failed", [LogKey.error: "curl \(code.rawValue)", "duration_ms": GraphAPIClient.ms(elapsed)])
            throw GraphError.transport(curlCode: Int(code.rawValue), message: message)
        }
        var status = 0
        _ = CCurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        var connects = 0
        _ = CCurl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        opened += connects
        var retryAfterSeconds: curl_off_t = 0
        _ = CCurl_getinfo_off(h, CURLINFO_RETRY_AFTER, &retryAfterSeconds)
        logger?.debug("graph api \(method) answered", [LogKey.status: "\(status)", "duration_ms": GraphAPIClient.ms(elapsed)])
        return HTTPResponse(status: status, body: sink.bytes,
                            retryAfter: retryAfterSeconds > 0 ? .seconds(Int64(retryAfterSeconds)) : nil, streamed: sink.started)
    }

    static func milliseconds(_ d: Duration) -> Int {
        max(1, Int(d.inSeconds * 1000))
    }

    static func ms(_ d: Duration) -> String {
        String(Int(d.inSeconds * 1000))
    }

    /// Ids go into URL paths: keep unreserved characters, percent-encode the rest.
    static func pathEscape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// Collects a response body, or streams a 2xx body to a `GraphMediaSink`; refuses more
/// than `limit` bytes.
final class ResponseSink {
    var bytes: [UInt8] = []
    let limit: Int
    var overflow = false
    /// Set: a 2xx body goes there instead of `bytes` (an error body is still collected).
    let stream: (any GraphMediaSink)?
    let handle: UnsafeMutableRawPointer
    var started = false
    var stopped = false
    var streamedBytes = 0
    init(limit: Int, stream: (any GraphMediaSink)? = nil, handle: UnsafeMutableRawPointer) {
        self.limit = limit
        self.stream = stream
        self.handle = handle
    }

    /// One piece of the body; false stops the transfer.
    func take(_ pointer: UnsafeMutablePointer<CChar>?, _ n: Int) -> Bool {
        if let stream {
            if !started {
                var status = 0
                _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                if (200..<300).contains(status) {
                    var length: curl_off_t = -1
                    _ = CCurl_getinfo_off(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
                    if length > limit { overflow = true; return false }
                    started = true
                    guard stream.begin(mimeType: nil, contentLength: length >= 0 ? Int(length) : nil) else { stopped = true; return false }
                }
            }
            if started {
                streamedBytes += n
                if streamedBytes > limit { overflow = true; return false }
                guard let pointer, n > 0 else { return true }
                guard stream.write(UnsafeRawBufferPointer(start: pointer, count: n)) else { stopped = true; return false }
                return true
            }
        }
        // A whole plain response, or an error body (kept to classify the error; its
        // first 64 KiB are enough).
        if bytes.count + n > (stream == nil ? limit : min(limit, 1 << 16)) {
            if stream == nil { overflow = true; return false }
            return true
        }
        if let pointer, n > 0 {
            bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: n))
        }
        return true
    }
}

/// libcurl's write callback: hands each piece to the `ResponseSink` passed as WRITEDATA.
/// Returning less than it was given makes curl abort the transfer (error 23).
let graphWriteCallback: CCurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    return sink.take(pointer, n) ? n : 0
}

/// Receives a media download as it arrives (`GraphAPIClient.streamMedia`). Called on
/// the downloading thread.
public protocol GraphMediaSink: AnyObject {
    /// The provider answered 2xx; the body follows (`mimeType` as the media lookup
    /// reported it, `contentLength` when the download said). Return false to stop.
    func begin(mimeType: String?, contentLength: Int?) -> Bool
    /// The next piece of the body, borrowed for the call. Return false to stop.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
}

/// Keeps a whole download in memory (plugins' `host->media`).
public final class GraphMediaBuffer: GraphMediaSink {
    public private(set) var bytes: [UInt8] = []
    /// The type `begin` was given (the media lookup's `mime_type`).
    public private(set) var mimeType: String?
    public init() {}
    public func begin(mimeType: String?, contentLength: Int?) -> Bool {
        self.mimeType = mimeType
        if let contentLength { bytes.reserveCapacity(contentLength) }
        return true
    }
    public func write(_ piece: UnsafeRawBufferPointer) -> Bool {
        bytes.append(contentsOf: piece)
        return true
    }
}

/// Hashes what passes through to another sink, and gives it the looked-up media type.
final class ChecksumSink<Inner: GraphMediaSink>: GraphMediaSink {
    let inner: Inner
    let hasher: SHA256Stream
    let mimeType: String?
    init(inner: Inner, hasher: SHA256Stream, mimeType: String?) {
        self.inner = inner
        self.hasher = hasher
        self.mimeType = mimeType
    }
    func begin(mimeType: String?, contentLength: Int?) -> Bool {
        inner.begin(mimeType: self.mimeType ?? mimeType, contentLength: contentLength)
    }
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        hasher.update(bytes)
        return inner.write(bytes)
    }
}

/// SHA-256 over pieces (OpenSSL's EVP digest).
final class SHA256Stream {
    private let ctx = EVP_MD_CTX_new()
    init() { _ = EVP_DigestInit_ex(ctx, EVP_sha256(), nil) }
    deinit { EVP_MD_CTX_free(ctx) }
    func update(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 { _ = EVP_DigestUpdate(ctx, base, bytes.count) }
    }
    func finish() -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        _ = EVP_DigestFinal_ex(ctx, &md, &n)
        return md
    }
}
