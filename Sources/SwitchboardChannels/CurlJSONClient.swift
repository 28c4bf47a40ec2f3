import CCurl
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// A small HTTP client over libcurl for a transport's JSON API calls (Telegram's Bot
/// API, a gateway's REST API): one easy handle, reused so the connection stays open,
/// calls serialised by a lock. Every call blocks until the answer or the timeout: call it
/// from a drainer lane, a poll or a supervision thread, never from the HTTP server's.
///
/// It only moves bytes: the caller reads the status and body and classifies them into
/// its provider's failures. A transport error (no answer) comes back as `Failure`.
public final class CurlJSONClient: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
        /// `Retry-After`, when the server sent one.
        public var retryAfter: Duration?
    }

    /// No answer: the connection failed, timed out or the answer was too large.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var curlCode: Int
        public var description: String
        public var tooLarge: Bool
    }

    private let lock = NSLock()
    private let handle: UnsafeMutableRawPointer?
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let extraHeaders: [String]
    private let connectTimeout: Duration
    /// Set by `cancel()`: the call in flight ends within about a second, later calls at once.
    private let cancelled = Atomic<Bool>(false)

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// `headers`: sent with every call (`Content-Type: application/json` is added).
    /// `cancellable`: `cancel()` may end a call in flight (a long poll); libcurl then
    /// asks about once a second whether to go on.
    public init(headers: [String] = [], connectTimeout: Duration = .seconds(5), cancellable: Bool = false) {
        _ = CurlJSONClient.globalInit
        var list = curl_slist_append(nil, "Content-Type: application/json")
        list = curl_slist_append(list, "Accept: application/json")
        list = curl_slist_append(list, "Expect:")
        for h in headers { list = curl_slist_append(list, h) }
        self.headers = list
        self.extraHeaders = headers
        self.connectTimeout = connectTimeout
        handle = curl_easy_init()
        if let h = handle {
            _ = CCurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = CCurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            _ = CCurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
            _ = CCurl_setopt_string(h, CURLOPT_USERAGENT, "switchboard")
            _ = CCurl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
            _ = CCurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
            _ = CCurl_setopt_write(h, CURLOPT_WRITEFUNCTION, graphWriteCallback)
        }
        if cancellable, let h = handle {
            _ = CCurl_setopt_long(h, CURLOPT_NOPROGRESS, 0)
            _ = CCurl_setopt_xferinfo(h, curlCancelCallback)
            // Unretained: the handle is freed in deinit, before this object is gone.
            _ = CCurl_setopt_pointer(h, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    /// Ends the call in flight (within about a second; it fails as aborted) and every
    /// later one (at once). For a long poll that must stop: a stop, or new credentials.
    /// Only for a client made `cancellable`.
    public func cancel() { cancelled.store(true, ordering: .sequentiallyConsistent) }

    public var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headers)
    }

    /// POSTs `body` (JSON, or `contentType` when given: a multipart upload) to `url`, or
    /// GETs it when `body` is nil.
    public func call(_ url: String, body: [UInt8]?, contentType: String? = nil, timeout: Duration,
                     maxBytes: Int = 1 << 20) throws(Failure) -> Response {
        lock.lock()
        defer { lock.unlock() }
        guard let h = handle else { throw Failure(curlCode: -1, description: "libcurl could not create a handle", tooLarge: false) }
        var own: UnsafeMutablePointer<curl_slist>?
        if let contentType {
            own = curl_slist_append(nil, "Content-Type: \(contentType)")
            own = curl_slist_append(own, "Accept: application/json")
            own = curl_slist_append(own, "Expect:")
            for x in extraHeaders { own = curl_slist_append(own, x) }
        }
        defer { if own != nil { curl_slist_free_all(own) } }
        guard !isCancelled else { throw Failure(curlCode: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), description: "call cancelled", tooLarge: false) }
        let sink = ResponseSink(limit: maxBytes, handle: h)
        let code: CURLcode = withExtendedLifetime(sink) {
            _ = CCurl_setopt_string(h, CURLOPT_URL, url)
            _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, own ?? headers)
            _ = CCurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
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
        _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)
        guard code == CURLE_OK else {
            throw Failure(curlCode: Int(code.rawValue),
                          description: sink.overflow ? "answer larger than \(maxBytes) bytes"
                              : "curl error \(code.rawValue): \(String(cString: curl_easy_strerror(code)))",
                          tooLarge: sink.overflow)
        }
        var status = 0
        _ = CCurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        var retryAfterSeconds: curl_off_t = 0
        _ = CCurl_getinfo_off(h, CURLINFO_RETRY_AFTER, &retryAfterSeconds)
        return Response(status: status, body: sink.bytes,
                        retryAfter: retryAfterSeconds > 0 ? .seconds(Int64(retryAfterSeconds)) : nil)
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// libcurl's progress callback of a cancellable client: non-zero ends the transfer.
let curlCancelCallback: CCurl_xferinfo_callback = { client, _, _, _, _ in
    guard let client else { return 0 }
    return Unmanaged<CurlJSONClient>.fromOpaque(client).takeUnretainedValue().isCancelled ? 1 : 0
}
