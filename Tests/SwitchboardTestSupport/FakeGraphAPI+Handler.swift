import CMicroHTTPD
import Foundation
import Glibc
import SwitchboardCore

/// One request's body, collected across libmicrohttpd's calls.
final class FakeRequestBox {
    var body: [UInt8] = []
}

/// libmicrohttpd's access handler: collects the body, then hands the request to the fake.
let fakeGraphAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, reqCls in
    guard let cls, let reqCls, let uploadSize else { return MHD_NO }
    guard let boxPointer = reqCls.pointee else {
        reqCls.pointee = Unmanaged.passRetained(FakeRequestBox()).toOpaque()
        return MHD_YES
    }
    let box = Unmanaged<FakeRequestBox>.fromOpaque(boxPointer).takeUnretainedValue()
    if uploadSize.pointee > 0 {
        if let upload { box.body.append(contentsOf: UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee)) }
        uploadSize.pointee = 0
        return MHD_YES
    }
    let server = Unmanaged<FakeGraphAPI>.fromOpaque(cls).takeUnretainedValue()
    return server.handle(connection: connection,
                         url: url.map { String(cString: $0) } ?? "/",
                         method: method.map { String(cString: $0) } ?? "GET",
                         body: box.body)
}

let fakeGraphCompleted: MHD_RequestCompletedCallback = { _, _, reqCls, _ in
    guard let reqCls, let p = reqCls.pointee else { return }
    Unmanaged<FakeRequestBox>.fromOpaque(p).release()
    reqCls.pointee = nil
}

let MHD_YES = MHD_Result.YES
let MHD_NO = MHD_Result.NO

extension FakeGraphAPI {
    struct Answer {
        var status: Int
        var body: String
        var contentType = "application/json"
        var headers: [(String, String)] = []
        var bytes: [UInt8]?
        /// Sent with chunked coding (no Content-Length).
        var chunked = false
    }

    static func json(_ object: [String: Any]) -> String {
        guard let d = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: d, as: UTF8.self)
    }

    static func graphError(_ status: Int, code: Int, message: String, details: String, retryAfter: Int? = nil) -> Answer {
        let body = json(["error": [
            "message": "(#\(code)) \(message)", "type": "OAuthException", "code": code,
            "error_data": ["messaging_product": "whatsapp", "details": details],
            "fbtrace_id": "AFakeTrace\(code)",
        ] as [String: Any]])
        var a = Answer(status: status, body: body)
        if let retryAfter { a.headers.append(("Retry-After", String(retryAfter))) }
        return a
    }

    static func answer(for failure: FakeGraphFailure) -> Answer? {
        switch failure {
        case .serverError:
            graphError(500, code: 131000, message: "Something went wrong", details: "Something went wrong.")
        case .htmlBadGateway:
            Answer(status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
                   contentType: "text/html")
        case .throughputLimit:
            graphError(400, code: 130429, message: "Rate limit hit",
                       details: "Cloud API message throughput has been reached.")
        case .pairRateLimit:
            graphError(400, code: 131056, message: "(Business Account, Consumer Account) pair rate limit hit",
                       details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.")
        case .reengagement:
            graphError(400, code: 131047, message: "Re-engagement message",
                       details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        case .expiredToken:
            graphError(401, code: 190, message: "Error validating access token: Session has expired.",
                       details: "The access token has expired.")
        case .invalidParameter:
            graphError(400, code: 100, message: "Invalid parameter", details: "Parameter value is not valid.")
        case .graph(let status, let code, let title, let details, let retryAfter):
            graphError(status, code: code, message: title, details: details, retryAfter: retryAfter)
        case .reset:
            nil
        }
    }

    func handle(connection: OpaquePointer?, url: String, method: String, body: [UInt8]) -> MHD_Result {
        let auth = MHD_lookup_connection_value(connection, .HEADER_KIND, "Authorization").map { String(cString: $0) }
        if method == "GET", url.split(separator: "/").count == 2, !url.contains("media-download") {
            // A media lookup: wait while the test holds media (one thread per connection).
            state.withLock { $0.mediaLookupsWaiting += 1 }
            while state.withLock({ $0.mediaHeld }) { usleep(2000) }
            state.withLock { $0.mediaLookupsWaiting -= 1 }
        }
        let after = MHD_lookup_connection_value(connection, .GET_ARGUMENT_KIND, "after").map { String(cString: $0) }
        let (delay, answer) = route(url: url, method: method, body: body, authorization: auth, after: after)
        if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) * 1e-18) }
        var heldFor = 0
        while heldFor < 30_000 && state.withLock({ $0.held }) { usleep(1_000); heldFor += 1 }
        guard let answer else { return MHD_NO } // close without answering
        return respond(connection, answer)
    }

    func respond(_ connection: OpaquePointer?, _ a: Answer) -> MHD_Result {
        if a.chunked, let body = a.bytes {
            let source = ChunkedSource(body)
            let response = MHD_create_response_from_callback(CMicroHTTPD_SIZE_UNKNOWN(), 16 << 10, chunkedReader,
                                                             Unmanaged.passRetained(source).toOpaque(), chunkedFree)
            _ = MHD_add_response_header(response, "Content-Type", a.contentType)
            let r = MHD_queue_response(connection, UInt32(a.status), response)
            MHD_destroy_response(response)
            return r
        }
        var bytes = a.bytes ?? Array(a.body.utf8)
        let count = bytes.count
        if bytes.isEmpty { bytes = [0] }
        let response = bytes.withUnsafeMutableBytes {
            MHD_create_response_from_buffer(count, $0.baseAddress, .RESPMEM_MUST_COPY)
        }
        _ = MHD_add_response_header(response, "Content-Type", a.contentType)
        for (k, v) in a.headers { _ = MHD_add_response_header(response, k, v) }
        let r = MHD_queue_response(connection, UInt32(a.status), response)
        MHD_destroy_response(response)
        return r
    }

    /// Decides the answer (nil: close the connection) and records the request.
    func route(url: String, method: String, body: [UInt8], authorization: String?, after: String? = nil) -> (Duration, Answer?) {
        var parts = url.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var version = ""
        if let first = parts.first, FakeGraphAPI.isVersion(first) {
            version = first
            parts.removeFirst()
        }
        let path = "/" + parts.joined(separator: "/")
        let bodyText = String(decoding: body, as: UTF8.self)
        let authorized = authorization == "Bearer \(accessToken)"
        let isSend = method == "POST" && parts.count == 2 && parts[1] == "messages" && !version.isEmpty
        // Parsed before taking the state lock: the benchmark's sender lanes post at once.
        let sendJSON = isSend ? (try? JSONReader.read(body)).flatMap { $0.isObject ? $0 : nil } : nil

        return state.withLock { s -> (Duration, Answer?) in
            var answer: Answer?
            var wamid: String?
            defer {
                s.requests.append(RecordedRequest(time: Date(), method: method, path: path, version: version,
                                                  authorization: authorization, body: bodyText,
                                                  answeredStatus: answer?.status ?? 0))
                if isSend {
                    s.sends.append(RecordedSend(time: Date(), phoneNumberID: parts[0], body: bodyText,
                                                answeredStatus: answer?.status ?? 0, providerMessageID: wamid))
                }
            }

            // Media downloads: not versioned, bearer required.
            if parts.count == 2, parts[0] == "media-download", method == "GET" {
                guard authorized else {
                    answer = FakeGraphAPI.graphError(401, code: 190, message: "Invalid OAuth access token.", details: "Bearer missing or wrong.")
                    return (s.delay, answer)
                }
                if s.mediaURLsExpired {
                    answer = Answer(status: 404, body: "URL expired", contentType: "text/plain")
                } else if let m = s.media[parts[1]] {
                    answer = Answer(status: 200, body: "", contentType: m.mime, bytes: m.bytes, chunked: s.mediaChunked)
                } else {
                    answer = Answer(status: 404, body: "not found", contentType: "text/plain")
                }
                return (s.delay, answer)
            }
            guard !version.isEmpty else {
                answer = Answer(status: 404, body: "{\"error\":{\"message\":\"Unknown path\",\"code\":100}}")
                return (s.delay, answer)
            }
            guard authorized else {
                answer = FakeGraphAPI.graphError(401, code: 190, message: "Invalid OAuth access token - Cannot parse access token",
                                                 details: "The access token could not be decrypted.")
                return (s.delay, answer)
            }
            if !s.failures.isEmpty {
                let failure = s.failures.removeFirst()
                answer = FakeGraphAPI.answer(for: failure)
                return (s.delay, answer)
            }
            // Templates and media (FakeGraphAPI+Templates): an answer of their own, or
            // nil to go on (a template or media send that passed its checks is sent).
            if let special = FakeGraphAPI.templatesAndMedia(&s, parts: parts, method: method, after: after, body: body,
                                                             send: isSend ? sendJSON : nil) {
                answer = special
                return (s.delay, answer)
            }
            if isSend {
                guard let json = sendJSON, json["messaging_product"]?.string == "whatsapp" else {
                    answer = FakeGraphAPI.graphError(400, code: 100, message: "Invalid parameter",
                                                     details: "messaging_product must be whatsapp")
                    return (s.delay, answer)
                }
                if json["status"]?.string == "read" {
                    answer = Answer(status: 200, body: "{\"success\":true}")
                    return (s.delay, answer)
                }
                guard let to = json["to"]?.string ?? json["recipient"]?.string, json["type"]?.string != nil else {
                    answer = FakeGraphAPI.graphError(400, code: 131009, message: "Parameter value is not valid",
                                                     details: "to and type are required")
                    return (s.delay, answer)
                }
                s.counter += 1
                // Unique across fakes (the instance's random nonce) and within one (the
                // counter); a UUID per send opened /dev/urandom every time.
                let serial = s.idCycle.map { s.counter % $0 } ?? s.counter
                let id = "wamid.FAKE" + Data("\(port)-\(serial)-\(nonce)".utf8).base64EncodedString()
                wamid = id
                let waID = to.hasPrefix("+") ? String(to.dropFirst()) : to
                // What JSONSerialization writes with sorted keys, written directly.
                var text = "{\"contacts\":[{\"input\":"
                JSONText.appendQuoted(to, to: &text)
                text += ",\"wa_id\":"
                JSONText.appendQuoted(waID, to: &text)
                text += "}],\"messages\":[{\"id\":"
                JSONText.appendQuoted(id, to: &text)
                text += "}],\"messaging_product\":\"whatsapp\"}"
                answer = Answer(status: 200, body: text)
                s.acceptedHook?(id, waID, parts[0])
                if let cb = s.callback {
                    s.pendingStatusPosts += 1
                    let recipient = waID
                    let number = parts[0]
                    // Weak: a send answered while the fake is being released (its deinit
                    // waits in MHD_stop_daemon for this handler) must not keep it alive
                    // past its deinit ("deallocated with non-zero retain count").
                    Thread.detachNewThread { [weak self] in
                        guard let self else { return }
                        for word in cb.statuses {
                            let hook = WhatsAppFixtures.signedStatus(
                                [FixtureStatus(messageID: id, status: word, recipient: recipient,
                                               timestamp: Int(Date().timeIntervalSince1970))],
                                phoneNumberID: number, appSecret: cb.secret)
                            let a = WebhookPoster.post(url: cb.url, signed: hook)
                            state.withLock { $0.statusPosts.append(a) }
                        }
                        state.withLock { $0.pendingStatusPosts -= 1 }
                    }
                }
                return (s.delay, answer)
            }
            if method == "GET", parts.count == 1 {
                if s.phoneNumbers.contains(parts[0]) {
                    answer = Answer(status: 200, body: FakeGraphAPI.json(["id": parts[0]]))
                } else if let m = s.media[parts[0]] {
                    answer = Answer(status: 200, body: FakeGraphAPI.json([
                        "messaging_product": "whatsapp", "url": "\(s.mediaURLBase ?? baseURL)/media-download/\(parts[0])",
                        "mime_type": m.mime, "sha256": m.sha256 ?? FakeGraphAPI.sha256Hex(m.bytes),
                        "file_size": s.reportedFileSize ?? m.bytes.count, "id": parts[0],
                    ]))
                } else {
                    answer = FakeGraphAPI.graphError(400, code: 100, message: "Unsupported get request",
                                                     details: "Object with ID '\(parts[0])' does not exist")
                }
                return (s.delay, answer)
            }
            answer = FakeGraphAPI.graphError(400, code: 100, message: "Unsupported request", details: "\(method) \(path)")
            return (s.delay, answer)
        }
    }

    static func isVersion(_ s: String) -> Bool {
        guard s.hasPrefix("v") else { return false }
        let nums = s.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return nums.count == 2 && nums.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

/// A body handed out in pieces of at most 16 KiB, for chunked answers.
final class ChunkedSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

let chunkedReader: MHD_ContentReaderCallback = { cls, _, buf, max in
    guard let cls, let buf else { return -1 }
    let source = Unmanaged<ChunkedSource>.fromOpaque(cls).takeUnretainedValue()
    let n = min(max, 16 << 10, source.bytes.count - source.offset)
    if n <= 0 { return CMicroHTTPD_CONTENT_READER_END_OF_STREAM() }
    source.bytes.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buf).copyMemory(from: raw.baseAddress! + source.offset, byteCount: n)
    }
    source.offset += n
    return n
}

let chunkedFree: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<ChunkedSource>.fromOpaque(cls).release()
}
