import CMicroHTTPD
import Foundation
import Glibc
import Synchronization

/// A fake LLM provider on 127.0.0.1 speaking both wire formats the llm plugin uses:
/// OpenAI-compatible (`POST /v1/chat/completions`, `POST /v1/embeddings`) and Anthropic
/// (`POST /v1/messages`), plain JSON or Server-Sent Events when the request says
/// `"stream": true`, with their real error bodies. On libmicrohttpd, one thread per
/// connection: a scripted hang stalls only its own call.
///
/// - Checks the key when one is set: `Authorization: Bearer KEY` (OpenAI) or
///   `x-api-key: KEY` plus `anthropic-version` (Anthropic); otherwise 401.
/// - Answers each call with the next scripted `Reply` (`script(_:)`), or, when the
///   script is empty, with `defaultContent` (the model's text).
/// - Records every request.
///
/// Base URLs: `openAIBaseURL` (`http://127.0.0.1:PORT/v1`, as the OpenAI SDKs take it)
/// and `anthropicBaseURL` (`http://127.0.0.1:PORT`).
public final class FakeLLMServer: @unchecked Sendable {
    public enum Reply: Sendable, Equatable {
        /// The model answers `text`; usage as given (nil: computed from lengths, 4
        /// characters a token), `cached` input tokens among the input.
        case text(String, input: Int? = nil, output: Int? = nil, cached: Int = 0)
        /// 200 without any `usage` (some local servers).
        case textWithoutUsage(String)
        /// 429 rate limit with `retry-after` (seconds).
        case rateLimited(retryAfter: Int)
        /// 500 (OpenAI `server_error`, Anthropic `api_error`).
        case serverError
        /// 529 `overloaded_error` (Anthropic's; the OpenAI route answers it too).
        case overloaded
        /// 400: the prompt is longer than the context.
        case contextLength
        /// Quota or spend limit exhausted (OpenAI 429 `insufficient_quota`, Anthropic 400
        /// "credit balance is too low").
        case quota
        /// 401 bad key.
        case unauthorized
        /// HTTP 200, a stream that starts answering then carries an error event.
        case errorInStream
        /// HTTP 200, a stream with some text that ends without its last event.
        case cutStream(String)
        /// Waits this long before answering `then` (a hang when longer than the client's timeout).
        case hang(Duration, then: String)
        /// Waits this long, then answers `text` with this usage (calls that overlap).
        case slowText(Duration, String, input: Int, output: Int)
    }

    public struct Request: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: String
        public var answeredStatus: Int
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        public var model: String? { json["model"] as? String }
        public var stream: Bool { json["stream"] as? Bool ?? false }
    }

    public let apiKey: String?
    struct State {
        var script: [Reply] = []
        var requests: [Request] = []
        var defaultContent = #"{"action": "answer", "text": "Fake answer.", "confidence": 0.9}"#
        var embeddings: [String: [Float]] = [:]
        var started = 0
    }
    let state = Mutex(State())
    let stopping = Atomic<Bool>(false)
    private let daemonLock = NSLock()
    private var daemon: OpaquePointer?
    public private(set) var port: UInt16 = 0

    public init(apiKey: String? = nil) throws {
        self.apiKey = apiKey
        try start(port: 0)
    }

    deinit { stop() }

    public var openAIBaseURL: String { "http://127.0.0.1:\(port)/v1" }
    public var anthropicBaseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        daemonLock.lock()
        defer { daemonLock.unlock() }
        if let d = daemon { MHD_stop_daemon(d) }
        daemon = nil
    }

    private func start(port wanted: UInt16) throws {
        daemonLock.lock()
        defer { daemonLock.unlock() }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = wanted.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let flags = MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_POLL.rawValue
        let me = Unmanaged.passUnretained(self).toOpaque()
        let d = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                CMicroHTTPD_start_bound(flags, wanted, fakeLLMAccess, me, fakeLLMCompleted, nil, sa, 256, 60, 0)
            }
        }
        guard let d else { throw FakeServerError(message: "fake LLM server could not listen on 127.0.0.1:\(wanted)") }
        daemon = d
        port = CMicroHTTPD_bound_port(d)
    }

    // MARK: scripting

    /// The next calls answer these, in order.
    public func script(_ replies: Reply...) { state.withLock { $0.script += replies } }
    public func script(_ replies: [Reply]) { state.withLock { $0.script += replies } }
    /// What the model says when nothing is scripted.
    public func setDefaultContent(_ text: String) { state.withLock { $0.defaultContent = text } }
    /// The vector `/v1/embeddings` gives for `text` (others get a vector derived from its hash).
    public func setEmbedding(_ text: String, _ vector: [Float]) { state.withLock { $0.embeddings[text] = vector } }

    /// Requests answered (or dropped) so far; a hung one is recorded when it ends.
    public var requests: [Request] { state.withLock { $0.requests } }
    /// Requests that have arrived, hung ones included.
    public var requestsStarted: Int { state.withLock { $0.started } }
    public var chatRequests: [Request] { requests.filter { $0.path != "/v1/embeddings" } }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(5), until condition: (FakeLLMServer) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            usleep(10_000)
        }
        return condition(self)
    }

    // MARK: answering

    struct Answer {
        var status: Int
        var body: String
        var contentType = "application/json"
        var headers: [(String, String)] = []
    }

    static func json(_ o: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }

    func handle(connection: OpaquePointer?, url: String, method: String, body: [UInt8]) -> MHD_Result {
        func header(_ name: String) -> String? {
            MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
        }
        var headers: [String: String] = [:]
        for name in ["Authorization", "x-api-key", "anthropic-version", "Content-Type"] {
            if let v = header(name) { headers[name.lowercased()] = v }
        }
        let text = String(decoding: body, as: UTF8.self)
        state.withLock { $0.started += 1 }
        var (wait, answer) = route(url: url, method: method, body: text, headers: headers)
        if wait > .zero {
            let until = ContinuousClock.now + wait
            while ContinuousClock.now < until, !stopping.load(ordering: .relaxed) { usleep(5_000) }
            if stopping.load(ordering: .relaxed) { answer = nil }
        }
        state.withLock { $0.requests.append(Request(path: url, headers: headers, body: text, answeredStatus: answer?.status ?? 0)) }
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

    func route(url: String, method: String, body: String, headers: [String: String]) -> (Duration, Answer?) {
        let anthropic = url == "/v1/messages"
        guard method == "POST", ["/v1/chat/completions", "/v1/embeddings", "/v1/messages"].contains(url) else {
            return (.zero, Answer(status: 404, body: Self.json(["error": ["message": "Unknown route \(method) \(url)", "type": "invalid_request_error", "code": NSNull()]])))
        }
        if let apiKey {
            let ok = anthropic ? headers["x-api-key"] == apiKey && headers["anthropic-version"] != nil
                               : headers["authorization"] == "Bearer \(apiKey)"
            if !ok { return (.zero, Self.failure(.unauthorized, anthropic: anthropic)) }
        }
        let request = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        if url == "/v1/embeddings" { return (.zero, embeddings(request)) }
        let stream = request["stream"] as? Bool ?? false
        let model = request["model"] as? String ?? "fake-model"
        let promptChars = Self.promptCharacters(request)
        let reply = state.withLock { s -> Reply in s.script.isEmpty ? .text(s.defaultContent) : s.script.removeFirst() }
        switch reply {
        case let .text(t, input, output, cached):
            let u = (input ?? max(1, promptChars / 4), output ?? max(1, t.count / 4), cached)
            return (.zero, anthropic ? Self.anthropicAnswer(t, model: model, usage: u, stream: stream, end: true)
                                     : Self.openAIAnswer(t, model: model, usage: u, stream: stream, end: true))
        case let .textWithoutUsage(t):
            return (.zero, anthropic ? Self.anthropicAnswer(t, model: model, usage: nil, stream: stream, end: true)
                                     : Self.openAIAnswer(t, model: model, usage: nil, stream: stream, end: true))
        case let .cutStream(t):
            return (.zero, anthropic ? Self.anthropicAnswer(t, model: model, usage: nil, stream: true, end: false)
                                     : Self.openAIAnswer(t, model: model, usage: nil, stream: true, end: false))
        case .errorInStream:
            var a = anthropic ? Self.anthropicAnswer("Let me", model: model, usage: (promptChars / 4, 2, 0), stream: true, end: false)
                              : Self.openAIAnswer("Let me", model: model, usage: nil, stream: true, end: false)
            a.body += anthropic
                ? "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}\n\n"
                : "data: {\"error\": {\"message\": \"The server had an error while processing your request. Sorry about that!\", \"type\": \"server_error\", \"param\": null, \"code\": null}}\n\n"
            return (.zero, a)
        case let .slowText(d, t, input, output):
            return (d, anthropic ? Self.anthropicAnswer(t, model: model, usage: (input, output, 0), stream: stream, end: true)
                                 : Self.openAIAnswer(t, model: model, usage: (input, output, 0), stream: stream, end: true))
        case let .hang(d, then):
            let u = (max(1, promptChars / 4), max(1, then.count / 4), 0)
            return (d, anthropic ? Self.anthropicAnswer(then, model: model, usage: u, stream: stream, end: true)
                                 : Self.openAIAnswer(then, model: model, usage: u, stream: stream, end: true))
        default:
            return (.zero, Self.failure(reply, anthropic: anthropic))
        }
    }

    static func promptCharacters(_ r: [String: Any]) -> Int {
        var n = 0
        if let s = r["system"] as? String { n += s.count }
        if let blocks = r["system"] as? [[String: Any]] { n += blocks.compactMap { $0["text"] as? String }.reduce(0) { $0 + $1.count } }
        for m in r["messages"] as? [[String: Any]] ?? [] { n += (m["content"] as? String)?.count ?? 0 }
        return n
    }

    static func failure(_ reply: Reply, anthropic: Bool) -> Answer {
        func openAI(_ status: Int, _ message: String, _ type: String, _ code: Any) -> Answer {
            Answer(status: status, body: json(["error": ["message": message, "type": type, "param": NSNull(), "code": code]]))
        }
        func claude(_ status: Int, _ type: String, _ message: String) -> Answer {
            Answer(status: status, body: json(["type": "error", "error": ["type": type, "message": message]]))
        }
        switch reply {
        case let .rateLimited(seconds):
            var a = anthropic
                ? claude(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                : openAI(429, "Rate limit reached for fake-model on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in \(seconds)s.", "requests", "rate_limit_exceeded")
            a.headers.append(("retry-after", String(seconds)))
            return a
        case .serverError:
            return anthropic ? claude(500, "api_error", "Internal server error")
                             : openAI(500, "The server had an error while processing your request. Sorry about that!", "server_error", NSNull())
        case .overloaded:
            return claude(529, "overloaded_error", "Overloaded")
        case .contextLength:
            return anthropic ? claude(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")
                             : openAI(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.", "invalid_request_error", "context_length_exceeded")
        case .quota:
            return anthropic ? claude(400, "invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")
                             : openAI(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota")
        case .unauthorized:
            return anthropic ? claude(401, "authentication_error", "invalid x-api-key")
                             : openAI(401, "Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
        default:
            return openAI(500, "unscripted", "server_error", NSNull())
        }
    }

    static func openAIAnswer(_ text: String, model: String, usage: (Int, Int, Int)?, stream: Bool, end: Bool) -> Answer {
        let created = Int(Date().timeIntervalSince1970)
        var usageObject: [String: Any]?
        if let (i, o, c) = usage {
            usageObject = ["prompt_tokens": i, "completion_tokens": o, "total_tokens": i + o,
                           "prompt_tokens_details": ["cached_tokens": c]]
        }
        guard stream else {
            var o: [String: Any] = [
                "id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": model,
                "choices": [["index": 0, "message": ["role": "assistant", "content": text, "refusal": NSNull()],
                             "finish_reason": "stop", "logprobs": NSNull()]],
                "system_fingerprint": "fp_fake",
            ]
            if let usageObject { o["usage"] = usageObject }
            return Answer(status: 200, body: json(o))
        }
        func chunk(_ delta: [String: Any], finish: Any = NSNull()) -> String {
            "data: " + json(["id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                             "choices": [["index": 0, "delta": delta, "finish_reason": finish, "logprobs": NSNull()]]]) + "\n\n"
        }
        var body = chunk(["role": "assistant", "content": ""])
        // A few pieces, split on characters (a token is a few characters).
        var rest = Substring(text)
        while !rest.isEmpty {
            body += chunk(["content": String(rest.prefix(7))])
            rest = rest.dropFirst(7)
        }
        guard end else { return Answer(status: 200, body: body, contentType: "text/event-stream") }
        body += chunk([:], finish: "stop")
        if let usageObject {
            body += "data: " + json(["id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                                     "choices": [Any](), "usage": usageObject]) + "\n\n"
        }
        body += "data: [DONE]\n\n"
        return Answer(status: 200, body: body, contentType: "text/event-stream")
    }

    static func anthropicAnswer(_ text: String, model: String, usage: (Int, Int, Int)?, stream: Bool, end: Bool) -> Answer {
        let (i, o, c) = usage ?? (0, 0, 0)
        var usageObject: [String: Any] = ["input_tokens": i, "output_tokens": o,
                                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": c]
        guard stream else {
            var m: [String: Any] = ["id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                                    "content": [["type": "text", "text": text]], "stop_reason": "end_turn", "stop_sequence": NSNull()]
            if usage != nil { m["usage"] = usageObject }
            return Answer(status: 200, body: json(m))
        }
        func event(_ name: String, _ data: [String: Any]) -> String { "event: \(name)\ndata: \(json(data))\n\n" }
        usageObject["output_tokens"] = 1
        var start: [String: Any] = ["id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [Any](),
                                    "stop_reason": NSNull(), "stop_sequence": NSNull()]
        if usage != nil { start["usage"] = usageObject }
        var body = event("message_start", ["type": "message_start", "message": start])
        body += event("content_block_start", ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]])
        body += event("ping", ["type": "ping"])
        var rest = Substring(text)
        while !rest.isEmpty {
            body += event("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                  "delta": ["type": "text_delta", "text": String(rest.prefix(7))]])
            rest = rest.dropFirst(7)
        }
        guard end else { return Answer(status: 200, body: body, contentType: "text/event-stream") }
        body += event("content_block_stop", ["type": "content_block_stop", "index": 0])
        var delta: [String: Any] = ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": NSNull()]]
        if usage != nil { delta["usage"] = ["output_tokens": o] }
        body += event("message_delta", delta)
        body += event("message_stop", ["type": "message_stop"])
        return Answer(status: 200, body: body, contentType: "text/event-stream")
    }

    func embeddings(_ request: [String: Any]) -> Answer {
        let inputs: [String] = (request["input"] as? [String]) ?? ((request["input"] as? String).map { [$0] } ?? [])
        let known = state.withLock { $0.embeddings }
        // Listed in reverse: clients must match by index, not position.
        let data: [[String: Any]] = inputs.enumerated().reversed().map { i, text in
            ["object": "embedding", "index": i, "embedding": known[text] ?? Self.hashVector(text)]
        }
        let tokens = inputs.reduce(0) { $0 + max(1, $1.count / 4) }
        return Answer(status: 200, body: Self.json(["object": "list", "data": data, "model": request["model"] as? String ?? "embed",
                                                    "usage": ["prompt_tokens": tokens, "total_tokens": tokens]]))
    }

    static func hashVector(_ text: String) -> [Float] {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return (0..<8).map { i in Float(Int((h >> (UInt64(i) * 8)) & 0xff) - 128) / 128 }
    }
}

let fakeLLMAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, reqCls in
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
    let server = Unmanaged<FakeLLMServer>.fromOpaque(cls).takeUnretainedValue()
    return server.handle(connection: connection, url: url.map { String(cString: $0) } ?? "/",
                         method: method.map { String(cString: $0) } ?? "GET", body: box.body)
}

let fakeLLMCompleted: MHD_RequestCompletedCallback = { _, _, reqCls, _ in
    guard let reqCls, let p = reqCls.pointee else { return }
    Unmanaged<FakeRequestBox>.fromOpaque(p).release()
    reqCls.pointee = nil
}
