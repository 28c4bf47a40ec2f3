import CCurl
import Foundation

/// One HTTP POST over libcurl, blocking until the answer or the timeout. A new easy
/// handle per call: calls for different conversations run on different threads at once,
/// and a provider call costs hundreds of milliseconds, next to which a new connection
/// to a local server is nothing.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Response header names in lower case (the last value of a repeated header wins).
    public var headers: [String: String]

    public var text: String { String(decoding: body, as: UTF8.self) }

    public init(status: Int, body: [UInt8], headers: [String: String]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// How long the server asked to wait: `retry-after-ms` (OpenAI's, preferred), then
    /// `retry-after` in seconds (possibly fractional) or as an HTTP date.
    public func retryAfter(now: Date = Date()) -> Duration? {
        if let ms = headers["retry-after-ms"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), ms >= 0 {
            return .milliseconds(Int64(ms))
        }
        guard let v = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        if let s = Double(v), s >= 0 { return .milliseconds(Int64(s * 1000)) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let d = f.date(from: v) { return .milliseconds(Int64(max(0, d.timeIntervalSince(now)) * 1000)) }
        return nil
    }
}

/// A call that got no HTTP answer.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var timedOut: Bool
    public var message: String
    /// What arrived before the failure (a cut stream): the provider may bill it.
    public var partial: [UInt8] = []
    public var description: String { message }
    public init(timedOut: Bool, message: String, partial: [UInt8] = []) {
        self.timedOut = timedOut
        self.message = message
        self.partial = partial
    }
}

public protocol HTTPTransport: Sendable {
    func post(url: String, headers: [String], body: [UInt8], timeout: Duration) throws(TransportError) -> HTTPResponse
}

public struct CurlTransport: HTTPTransport {
    /// Answers larger than this are cut (an LLM answer is a few KiB; embeddings of a
    /// few hundred FAQ questions a few MiB).
    public var maxBytes: Int

    public init(maxBytes: Int = 32 << 20) { self.maxBytes = maxBytes }

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public func post(url: String, headers: [String], body: [UInt8], timeout: Duration) throws(TransportError) -> HTTPResponse {
        _ = CurlTransport.globalInit
        guard let h = curl_easy_init() else { throw TransportError(timedOut: false, message: "libcurl could not create a handle") }
        defer { curl_easy_cleanup(h) }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in headers + ["Expect:"] { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        let ms = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        let sink = CurlSink(limit: maxBytes)
        let code: CURLcode = withExtendedLifetime(sink) {
            let me = Unmanaged.passUnretained(sink).toOpaque()
            _ = CCurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = CCurl_setopt_string(h, CURLOPT_URL, url)
            _ = CCurl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
            _ = CCurl_setopt_string(h, CURLOPT_USERAGENT, "switchboard-llm")
            _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
            _ = CCurl_setopt_long(h, CURLOPT_TIMEOUT_MS, ms)
            _ = CCurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, min(ms, 5_000))
            _ = CCurl_setopt_long(h, CURLOPT_POST, 1)
            _ = CCurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
            _ = body.withUnsafeBytes { CCurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
            _ = CCurl_setopt_write(h, CURLOPT_WRITEFUNCTION, curlBodyCallback)
            _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, me)
            _ = CCurl_setopt_write(h, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
            _ = CCurl_setopt_pointer(h, CURLOPT_HEADERDATA, me)
            return curl_easy_perform(h)
        }
        var status = 0
        _ = CCurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        guard code == CURLE_OK else {
            let why = String(cString: curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT {
                // A stream cut by the timeout: what arrived is still worth reading (its
                // text and usage so far); the caller decides.
                throw TransportError(timedOut: true, message: "no complete answer within \(ms) ms (\(why))", partial: sink.bytes)
            }
            if sink.overflow { throw TransportError(timedOut: false, message: "answer larger than \(maxBytes) bytes") }
            throw TransportError(timedOut: false, message: "curl \(code.rawValue): \(why)", partial: sink.bytes)
        }
        return HTTPResponse(status: status, body: sink.bytes, headers: sink.headers)
    }
}

final class CurlSink {
    var bytes: [UInt8] = []
    var headers: [String: String] = [:]
    let limit: Int
    var overflow = false
    init(limit: Int) { self.limit = limit }
}

let curlBodyCallback: CCurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    if sink.bytes.count + n > sink.limit {
        sink.overflow = true
        return 0
    }
    if let pointer, n > 0 { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: n)) }
    return n
}

let curlHeaderCallback: CCurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let sink = Unmanaged<CurlSink>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * count
    guard let pointer, n > 0 else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") { sink.headers = [:] } // a new response (after a 100 Continue)
    if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers[name] = value
    }
    return n
}
