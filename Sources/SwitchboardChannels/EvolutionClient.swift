import CCurl
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// Calls one Evolution API v2 instance (wire-formats.md 3.1-3.4): sends, media, the
/// webhook configuration and the session's state. Every call carries `apikey`. Blocking,
/// over one libcurl handle (keep-alive), one call at a time.
public final class EvolutionClient: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// `http://127.0.0.1:8081` (no trailing slash needed).
        public var baseURL: String
        public var apiKey: String
        public var instance: String
        public var connectTimeout: Duration
        public var requestTimeout: Duration
        /// Media larger than this is refused.
        public var maxMediaBytes: Int

        public init(baseURL: String, apiKey: String, instance: String, connectTimeout: Duration = .seconds(5),
                    requestTimeout: Duration = .seconds(30), maxMediaBytes: Int = 16 << 20) {
            var url = baseURL
            while url.hasSuffix("/") { url.removeLast() }
            self.baseURL = url
            self.apiKey = apiKey
            self.instance = instance
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxMediaBytes = maxMediaBytes
        }
    }

    /// What `GET /instance/connect` answered.
    public enum ConnectAnswer: Sendable, Equatable {
        /// The session's state (open, or connecting without a QR yet).
        case state(GatewayConnection)
        /// A QR code waiting for a scan.
        case qrCode(PairingCode)
    }

    public struct Sent: Sendable, Equatable {
        /// `key.id`: the message's id at the gateway, which receipts name.
        public var keyID: String
    }

    public struct Media: Sendable, Equatable {
        public var bytes: [UInt8]
        public var mimeType: String?
        public var fileName: String?
    }

    public let configuration: Configuration
    private let logger: Logger?
    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let instancePath: String
    /// Set by `cancel()`: the call in flight ends within about a second, later ones at once.
    private let cancelled = Atomic<Bool>(false)

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// `cancellable`: `cancel()` may end a call in flight (supervision's client, whose
    /// gateway a reload replaced); libcurl then asks about once a second whether to go on.
    public init(configuration: Configuration, logger: Logger? = nil, cancellable: Bool = false) {
        _ = EvolutionClient.globalInit
        self.configuration = configuration
        self.logger = logger
        instancePath = GraphAPIClient.pathEscape(configuration.instance)
        var h = curl_slist_append(nil, "apikey: \(configuration.apiKey)")
        h = curl_slist_append(h, "Content-Type: application/json")
        h = curl_slist_append(h, "Accept: application/json")
        h = curl_slist_append(h, "Expect:")
        headers = h
        handle = curl_easy_init()
        if let handle {
            _ = CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            _ = CCurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
            _ = CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, GraphAPIClient.milliseconds(configuration.connectTimeout))
            _ = CCurl_setopt_string(handle, CURLOPT_USERAGENT, "switchboard")
            _ = CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
            _ = CCurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            _ = CCurl_setopt_write(handle, CURLOPT_WRITEFUNCTION, graphWriteCallback)
        }
        if cancellable, let handle {
            _ = CCurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = CCurl_setopt_xferinfo(handle, evolutionCancelCallback)
            // Unretained: the handle is freed in deinit, before this object is gone.
            _ = CCurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    /// Ends the call in flight (within about a second) and every later one (at once).
    /// Only for a client made `cancellable`.
    public func cancel() { cancelled.store(true, ordering: .sequentiallyConsistent) }

    public var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headers)
    }

    // MARK: - Calls

    /// `POST /message/sendText/{instance}`. `number` is what the gateway accepts: digits, or
    /// a JID (`…@lid`). `quotedID` makes it a reply (the gateway looks the message up).
    public func sendText(number: String, text: String, quotedID: String? = nil) throws(EvolutionError) -> Sent {
        var body: [String: Any] = ["number": number, "text": text, "linkPreview": false]
        if let quotedID { body["quoted"] = ["key": ["id": quotedID]] }
        return try sent(call("POST", "/message/sendText/\(instancePath)", body))
    }

    /// `POST /message/sendMedia/{instance}`: `media` is a URL or base64; `mediaType` is
    /// `image`, `video`, `audio` or `document`.
    /// A base64 document needs `fileName` (Evolution answers 400 "For base64 the file name
    /// must be informed." without one). The gateway answers once WhatsApp has the file, so
    /// `timeout` (default: the client's) is usually longer than a text's.
    public func sendMedia(number: String, mediaType: String, media: String, mimeType: String?, caption: String?,
                          fileName: String?, quotedID: String? = nil, timeout: Duration? = nil) throws(EvolutionError) -> Sent {
        var body: [String: Any] = ["number": number, "mediatype": mediaType, "media": media]
        if let mimeType { body["mimetype"] = mimeType }
        if let caption { body["caption"] = caption }
        if let fileName { body["fileName"] = fileName }
        if let quotedID { body["quoted"] = ["key": ["id": quotedID]] }
        return try sent(call("POST", "/message/sendMedia/\(instancePath)", body, timeout: timeout))
    }

    /// `POST /chat/getBase64FromMediaMessage/{instance}`: the media of a received message.
    public func fetchMedia(keyID: String) throws(EvolutionError) -> Media {
        let json = try call("POST", "/chat/getBase64FromMediaMessage/\(instancePath)",
                            ["message": ["key": ["id": keyID]], "convertToMp4": false], maxBytes: configuration.maxMediaBytes * 4 / 3 + 4096)
        guard let b64 = json["base64"]?.string, let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else {
            throw EvolutionError(kind: .permanent, httpStatus: 201, title: "the gateway's media answer has no base64")
        }
        guard data.count <= configuration.maxMediaBytes else {
            throw EvolutionError(kind: .permanent, httpStatus: 201, title: "media larger than \(configuration.maxMediaBytes) bytes")
        }
        return Media(bytes: [UInt8](data), mimeType: json["mimetype"]?.string, fileName: json["fileName"]?.string)
    }

    /// `POST /webhook/set/{instance}`: the gateway posts `events` to `url` with
    /// `Authorization: Bearer <secret>`.
    public func setWebhook(url: String, secret: String,
                           events: [String] = ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED"]) throws(EvolutionError) {
        _ = try call("POST", "/webhook/set/\(instancePath)", ["webhook": [
            "enabled": true, "url": url, "headers": ["Authorization": "Bearer \(secret)"],
            "byEvents": false, "base64": false, "events": events,
        ] as [String: Any]])
    }

    /// `GET /instance/connectionState/{instance}`; nil when the gateway does not have the
    /// instance loaded (no state in the answer).
    public func connectionState() throws(EvolutionError) -> GatewayConnection? {
        let json = try call("GET", "/instance/connectionState/\(instancePath)", nil)
        guard let word = json["instance"]?["state"]?.string ?? json["state"]?.string else { return nil }
        return GatewayConnection(state: word, reason: nil)
    }

    /// `GET /instance/connect/{instance}`: starts a closed session; answers a QR code while
    /// one waits for a scan (with `number`, digits, also a pairing code to type on that
    /// phone instead). Errors come back as 200 `{error: true, message}`.
    public func connect(number: String? = nil) throws(EvolutionError) -> ConnectAnswer {
        let query = number.map { "?number=" + GraphAPIClient.pathEscape($0) } ?? ""
        let json = try call("GET", "/instance/connect/\(instancePath)\(query)", nil)
        if json["error"]?.bool == true {
            throw EvolutionError(kind: .retryable, httpStatus: 200, title: json["message"]?.string ?? "connect refused")
        }
        if let word = json["instance"]?["state"]?.string, let c = GatewayConnection(state: word, reason: nil) {
            return .state(c)
        }
        let code = json["code"]?.string
        let pairing = json["pairingCode"]?.string
        if code != nil || pairing != nil {
            return .qrCode(PairingCode(code: code, pairingCode: pairing, imageDataURL: json["base64"]?.string))
        }
        return .state(.connecting)
    }

    // MARK: - Transport

    private func sent(_ json: JSONValue) throws(EvolutionError) -> Sent {
        guard let id = json["key"]?["id"]?.string, !id.isEmpty else {
            var e = EvolutionError(kind: .permanent, httpStatus: 201, title: "the gateway accepted the send without a key.id")
            e.ambiguous = true
            throw e
        }
        return Sent(keyID: id)
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]?, maxBytes: Int = 1 << 20,
                      timeout: Duration? = nil) throws(EvolutionError) -> JSONValue {
        var bytes: [UInt8]?
        if let body {
            guard let d = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                throw EvolutionError(kind: .permanent, httpStatus: 0, title: "request body could not be written")
            }
            bytes = [UInt8](d)
        }
        let (status, answer, retryAfter) = try perform(method, configuration.baseURL + path, bytes, maxBytes: maxBytes,
                                                       timeout: timeout ?? configuration.requestTimeout)
        guard (200..<300).contains(status) else {
            throw EvolutionError.classify(httpStatus: status, body: answer, retryAfter: retryAfter)
        }
        guard let json = try? JSONReader.read(answer), json.isObject else {
            var e = EvolutionError(kind: .retryable, httpStatus: status, title: "the gateway answered \(status) with a body that is not a JSON object")
            e.gatewayUnreachable = true
            throw e
        }
        return json
    }

    private func perform(_ method: String, _ url: String, _ body: [UInt8]?, maxBytes: Int,
                         timeout: Duration) throws(EvolutionError) -> (Int, [UInt8], Duration?) {
        lock.lock()
        defer { lock.unlock() }
        guard let h = handle else { throw EvolutionError(kind: .retryable, httpStatus: 0, title: "libcurl could not create a handle") }
        guard !isCancelled else {
            throw EvolutionError.transport(curlCode: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "call cancelled")
        }
        let sink = ResponseSink(limit: maxBytes, handle: h)
        let started = ContinuousClock.now
        let code: CURLcode = withExtendedLifetime(sink) {
            _ = CCurl_setopt_string(h, CURLOPT_URL, url)
            _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
            _ = CCurl_setopt_long(h, CURLOPT_TIMEOUT_MS, GraphAPIClient.milliseconds(timeout))
            _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
            if let body {
                _ = CCurl_setopt_long(h, CURLOPT_POST, 1)
                _ = CCurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
                _ = body.withUnsafeBytes { CCurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
            } else {
                _ = CCurl_setopt_long(h, CURLOPT_HTTPGET, 1)
            }
            return curl_easy_perform(h)
        }
        _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, nil)
        let elapsed = started.duration(to: .now)
        guard code == CURLE_OK else {
            if sink.overflow {
                throw EvolutionError(kind: .permanent, httpStatus: 0, title: "answer larger than \(maxBytes) bytes")
            }
            logger?.debug("evolution api call failed", ["method": method, LogKey.error: "curl \(code.rawValue)",
                                                         "duration_ms": GraphAPIClient.ms(elapsed)])
            throw EvolutionError.transport(curlCode: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = CCurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        var retryAfterSeconds: curl_off_t = 0
        _ = CCurl_getinfo_off(h, CURLINFO_RETRY_AFTER, &retryAfterSeconds)
        logger?.debug("evolution api call answered", ["method": method, LogKey.status: "\(status)",
                                                       "duration_ms": GraphAPIClient.ms(elapsed)])
        return (status, sink.bytes, retryAfterSeconds > 0 ? .seconds(Int64(retryAfterSeconds)) : nil)
    }
}

/// libcurl's progress callback of a cancellable client: non-zero ends the transfer.
let evolutionCancelCallback: CCurl_xferinfo_callback = { client, _, _, _, _ in
    guard let client else { return 0 }
    return Unmanaged<EvolutionClient>.fromOpaque(client).takeUnretainedValue().isCancelled ? 1 : 0
}
