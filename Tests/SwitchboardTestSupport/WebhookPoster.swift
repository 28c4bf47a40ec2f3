import CCurl
import Foundation

/// POSTs webhook bodies to a receiver, the way Meta does: the exact bytes, JSON content
/// type, and the `X-Hub-Signature-256` header when signed. Blocking; one libcurl handle
/// per call.
public enum WebhookPoster {
    public struct Answer: Sendable, Equatable {
        /// The HTTP status, or 0 when no answer came.
        public var status: Int
        public var body: String
        /// The libcurl error when no answer came.
        public var curlError: String?
    }

    public static func post(url: String, signed: SignedWebhook, timeout: Duration = .seconds(10)) -> Answer {
        post(url: url, body: signed.body, headers: ["X-Hub-Signature-256": signed.signature], timeout: timeout)
    }

    public static func post(url: String, body: [UInt8], headers: [String: String] = [:],
                            timeout: Duration = .seconds(10)) -> Answer {
        _ = curlReady
        guard let h = curl_easy_init() else { return Answer(status: 0, body: "", curlError: "curl_easy_init failed") }
        defer { curl_easy_cleanup(h) }
        var list = curl_slist_append(nil, "Content-Type: application/json")
        list = curl_slist_append(list, "Expect:")
        for (k, v) in headers { list = curl_slist_append(list, "\(k): \(v)") }
        defer { curl_slist_free_all(list) }
        let sink = PosterSink()
        let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = CCurl_setopt_string(h, CURLOPT_URL, url)
        _ = CCurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = CCurl_setopt_long(h, CURLOPT_TIMEOUT_MS, max(1, ms))
        _ = CCurl_setopt_slist(h, CURLOPT_HTTPHEADER, list)
        _ = CCurl_setopt_long(h, CURLOPT_POST, 1)
        _ = CCurl_setopt_long(h, CURLOPT_POSTFIELDSIZE, body.count)
        _ = body.withUnsafeBytes { CCurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
        _ = CCurl_setopt_write(h, CURLOPT_WRITEFUNCTION, posterWrite)
        let code = withExtendedLifetime(sink) {
            _ = CCurl_setopt_pointer(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
            return curl_easy_perform(h)
        }
        guard code == CURLE_OK else {
            return Answer(status: 0, body: "", curlError: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = CCurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return Answer(status: status, body: String(decoding: sink.bytes, as: UTF8.self), curlError: nil)
    }

    static let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

final class PosterSink {
    var bytes: [UInt8] = []
}

let posterWrite: CCurl_write_callback = { pointer, size, count, userdata in
    guard let userdata else { return 0 }
    let sink = Unmanaged<PosterSink>.fromOpaque(userdata).takeUnretainedValue()
    if let pointer, size * count > 0 {
        sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: size * count))
    }
    return size * count
}
