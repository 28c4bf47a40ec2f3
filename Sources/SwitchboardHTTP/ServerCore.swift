import SwitchboardCore
import CMicroHTTPD
import SwitchboardLog
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What the C callbacks reach: the router, limits, metrics and the count of requests in
/// flight. Lives as long as its `HTTPServer`, which stops the daemon before releasing it.
final class ServerCore: Sendable {
    let router: HTTPRouter
    let maxBodySize: Int
    let eventStreams: EventStreamPolicy
    let logger: Logger?
    let requests: MetricsCounterFamily
    let durations: MetricsHistogramFamily
    let streamsEnded: MetricsCounterFamily
    let inFlight = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    private let streams = Mutex<[ObjectIdentifier: HTTPResponseStream]>([:])
    /// Deferred responses whose connection is suspended, waiting for them; `closed` once
    /// the stop answered them (`finishDeferred`): no connection is suspended after that.
    private let deferreds = Mutex<(open: [ObjectIdentifier: HTTPDeferredResponse], closed: Bool)>(([:], false))

    init(router: HTTPRouter, maxBodySize: Int, eventStreams: EventStreamPolicy = EventStreamPolicy(),
         metrics: MetricsRegistry, logger: Logger?) {
        self.router = router
        self.maxBodySize = maxBodySize
        self.eventStreams = eventStreams
        self.logger = logger
        self.requests = metrics.counter("switchboard_http_requests_total",
                                        help: "HTTP requests answered, by route pattern, method and status.",
                                        labelNames: ["route", "method", "status"])
        self.durations = metrics.histogram("switchboard_http_request_duration_seconds",
                                           help: "Time from request line to response sent, by route pattern.",
                                           labelNames: ["route"])
        self.streamsEnded = metrics.counter("switchboard_http_event_streams_ended_total",
                                            help: "Event streams the server ended: lifetime (reached its maximum age) or buffer_full (the client read too slowly and was cut off).",
                                            labelNames: ["reason"])
    }

    func requestBegan() { inFlight.add(1, ordering: .relaxed) }

    func requestEnded(_ ctx: RequestContext, ok: Bool) {
        if let stream = ctx.stream {
            streams.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(stream)) }
            if stream.wasCutOff {
                streamsEnded.labels("buffer_full").increment()
                logger?.info("event stream cut off: the client did not read fast enough",
                             [LogKey.route: ctx.route, "max_buffered_bytes": String(eventStreams.maxBufferedBytes)])
            }
            stream.detach()
        }
        if let status = ctx.status {
            let method = ServerCore.methodLabel(ctx.method)
            requests.labels(ctx.route, method, String(status)).increment()
            durations.labels(ctx.route).observe(since: ctx.start)
            if let logger, logger.isEnabled(.debug) {
                let d = ContinuousClock.now - ctx.start
                logger.debug("http request", [LogKey.route: ctx.route, LogKey.status: String(status),
                                              "method": method, "duration_ms": ServerCore.milliseconds(d),
                                              "completed": ok ? "true" : "false"])
            }
        }
        inFlight.subtract(1, ordering: .releasing)
    }

    static func milliseconds(_ d: Duration) -> String {
        let ms = d.inSeconds * 1000
        return String((ms * 1000).rounded() / 1000)
    }

    /// Methods outside the usual set are counted as `other`, so a client cannot create
    /// metric series at will.
    static func methodLabel(_ m: String) -> String {
        switch m {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS": m
        default: "other"
        }
    }

    /// libmicrohttpd's own messages. Those about a client going away mid-request are
    /// everyday events on the Internet, logged at debug; the rest at warn.
    func mhdLog(_ message: String) {
        guard let logger else { return }
        var m = message
        while m.hasSuffix("\n") { m.removeLast() }
        let lower = m.lowercased()
        let clientSide = ["failed to send", "failed to receive", "connection reset", "no longer available",
                          "closed by remote", "broken pipe", "timed out"].contains { lower.contains($0) }
        logger.log(clientSide ? .debug : .warn, "libmicrohttpd: \(m)")
    }

    /// Ends open streams (at shutdown): suspended connections must be resumed before the
    /// daemon stops. Event streams are finished at once; downloads (`isBounded`) run on
    /// like any request in flight, and are cut off (`abort`) only when `final`.
    func finishStreams(final: Bool = false) {
        let open = streams.withLock { Array($0.values) }
        for s in open {
            if !s.isBounded { s.finish() } else if final { s.abort() }
        }
    }

    /// The periodic look at every open event stream (the server's timer): heartbeats,
    /// so a client that has gone is noticed, and the end of streams past their lifetime.
    func tickStreams() {
        let open = streams.withLock { Array($0.values) }
        let now = ContinuousClock.now
        for s in open where s.tick(now: now) == .expired {
            streamsEnded.labels("lifetime").increment()
        }
    }

    /// Refuses a request whose body length is ambiguous (request smuggling through a
    /// proxy that reads it another way): `Content-Length` or `Transfer-Encoding` more than
    /// once, `Content-Length` not a plain number, or both together. libmicrohttpd would
    /// take the first of a repeated header; a proxy may join them (`chunked, gzip`).
    static func framingProblem(_ connection: OpaquePointer) -> String? {
        var count = FramingHeaders()
        _ = withUnsafeMutablePointer(to: &count) { p in
            MHD_get_connection_values(connection, .HEADER_KIND, framingIteratorCallback, UnsafeMutableRawPointer(p))
        }
        if count.contentLength > 1 { return "Content-Length is given more than once" }
        if count.transferEncoding > 1 { return "Transfer-Encoding is given more than once" }
        if count.contentLength == 1 && count.transferEncoding > 0 {
            return "Content-Length and Transfer-Encoding are both given"
        }
        if count.badContentLength { return "Content-Length must be a decimal number" }
        return nil
    }

    // ---- the access handler

    func handle(connection: OpaquePointer, context ctx: RequestContext, method: UnsafePointer<CChar>?,
                uploadData: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>) -> MHD_Result {
        if !ctx.headersSeen {
            // First call: request line and headers are in; no body yet.
            ctx.headersSeen = true
            ctx.method = method.map { String(cString: $0) } ?? "GET"
            if let problem = Self.framingProblem(connection) {
                // The body cannot be read safely: answer now and close the connection.
                return respond(connection, ctx, .error(400, problem, headers: ["Connection": "close"]))
            }
            let declared = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length")
                .flatMap { UInt64(String(cString: $0)) }
            let transferEncoding = MHD_lookup_connection_value(connection, .HEADER_KIND, "Transfer-Encoding")
                .map { String(cString: $0) }
            let chunked = transferEncoding != nil
            let hasBody = chunked || (declared ?? 0) > 0
            // libmicrohttpd reads the body of any other transfer coding (`gzip`, a typo,
            // `gzip, chunked`) until the client closes, and misses a close that comes with
            // the data: the connection hung until the timeout. RFC 9112 6.3: the length
            // cannot be known, answer 400 and close. (Found by fuzz-http-wire.) ASCII case
            // only, as libmicrohttpd compares: `chun\u{212A}ed` is not chunked.
            if let coding = transferEncoding,
               HTTPHeaders.asciiLowercased(coding).split(whereSeparator: { $0 == " " || $0 == "\t" }) != ["chunked"] {
                return respond(connection, ctx, .error(400, "unsupported Transfer-Encoding (only chunked is accepted)",
                                                       headers: ["Connection": "close"]))
            }
            // An error answered now means the body is never read, and MHD closes the
            // connection after it; without a body, answer at the end and keep it alive.
            func refuse(_ response: HTTPResponse) -> MHD_Result {
                if hasBody { return respond(connection, ctx, response) }
                ctx.pending = response
                return .YES
            }
            switch router.resolve(method: ctx.method, rawPath: URLCoding.rawPath(ctx.target)) {
            case .notFound:
                ctx.route = "unmatched"
                let path = URLCoding.splitTarget(ctx.target).path
                return refuse(.error(404, "no route for \(path)"))
            case .methodNotAllowed(let pattern, let allowed):
                ctx.route = pattern
                return refuse(.error(405, "method \(ctx.method) not allowed on \(pattern)",
                                     headers: ["Allow": allowed.joined(separator: ", ")]))
            case .matched(let pattern, let parameters, let handler, let limit):
                ctx.route = pattern
                ctx.parameters = parameters
                ctx.handler = handler
                ctx.maxBody = limit?.bytes ?? maxBodySize
                ctx.tooLargeMessage = limit?.message
                // A route with its own limit first checks who is calling, on the headers:
                // a refused caller never gets to send the body.
                if hasBody, let admit = limit?.admit, var refusal = admit(headerRequest(connection, ctx)) {
                    refusal.headers["Connection"] = "close"   // the body is never read
                    return respond(connection, ctx, refusal)
                }
            }
            if let length = declared {
                if length > UInt64(ctx.maxBody) { return respond(connection, ctx, tooLarge(ctx)) }
                ctx.body.reserveCapacity(Int(length))
            }
            return .YES
        }

        if uploadSize.pointee > 0 {
            let n = uploadSize.pointee
            ctx.received += n
            if !ctx.tooLarge {
                if ctx.body.count + n > ctx.maxBody {
                    // Chunked bodies declare no length: stop buffering, drop the rest,
                    // and answer 413 once the request is read.
                    ctx.tooLarge = true
                    ctx.body = []
                } else if let uploadData {
                    UnsafeRawPointer(uploadData).withMemoryRebound(to: UInt8.self, capacity: n) { p in
                        ctx.body.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                    }
                }
            }
            uploadSize.pointee = 0
            // A sender that keeps going far past the limit is cut off rather than read
            // to the end (it gets no answer: the connection is closed).
            if ctx.tooLarge && ctx.received > ctx.maxBody + ServerCore.discardAllowance { return .NO }
            return .YES
        }

        // The request is complete.
        if let deferred = ctx.deferred {
            // Resumed: the handler's response is there.
            ctx.deferred = nil
            return respond(connection, ctx, deferred.take())
        }
        if let pending = ctx.pending { return respond(connection, ctx, pending) }
        if ctx.tooLarge { return respond(connection, ctx, tooLarge(ctx)) }
        guard let handler = ctx.handler else { return .NO }
        var request = headerRequest(connection, ctx)
        request.body = ctx.body
        ctx.body = []
        let response = handler(request)
        if let deferred = response.deferred {
            let registered = deferreds.withLock { d -> Bool in
                guard !d.closed else { return false }
                d.open[ObjectIdentifier(deferred)] = deferred
                return true
            }
            guard registered else {
                // The stop has answered the open ones and is about to stop the daemon,
                // which aborts the process if a connection is still suspended then (a
                // request that began, on a connection open before the stop, after the wait). The
                // handler's work goes on; its answer comes too late and is ignored.
                return respond(connection, ctx, .error(503, "server shutting down"))
            }
            let unregister: @Sendable (HTTPDeferredResponse) -> Void = { [weak self] d in
                self?.deferreds.withLock { _ = $0.open.removeValue(forKey: ObjectIdentifier(d)) }
            }
            if deferred.suspendUnlessComplete(connection, onComplete: unregister) {
                ctx.deferred = deferred
                return .YES
            }
            unregister(deferred)
            return respond(connection, ctx, deferred.take())
        }
        return respond(connection, ctx, response)
    }

    /// Answers every deferred response still open with 503 (at shutdown, past the
    /// deadline): suspended connections must be resumed before the daemon stops. From
    /// here a handler's deferred response is answered 503 at once, never suspended.
    @discardableResult
    func finishDeferred() -> Int {
        let open = deferreds.withLock { d -> [HTTPDeferredResponse] in
            d.closed = true
            return Array(d.open.values)
        }
        for d in open { d.complete(.error(503, "server shutting down")) }
        return open.count
    }

    /// How much of an oversized chunked body is read and dropped, past the limit, to
    /// answer 413 politely before giving up on the connection.
    static let discardAllowance = 8 << 20

    private func tooLarge(_ ctx: RequestContext) -> HTTPResponse {
        .error(413, ctx.tooLargeMessage ?? "request body larger than \(ctx.maxBody) bytes", headers: ["Connection": "close"])
    }

    /// The request as the handler will see it, without its body (for `RouteBodyLimit.admit`
    /// on the headers, and then for the handler with the body set).
    private func headerRequest(_ connection: OpaquePointer, _ ctx: RequestContext) -> HTTPRequest {
        let box = HeaderBox()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, headerIteratorCallback,
                                      Unmanaged.passUnretained(box).toOpaque())
        var request = withExtendedLifetime(box) {
            HTTPRequest(method: ctx.method, target: ctx.target, headers: HTTPHeaders(box.fields), body: [],
                        remoteAddress: ListenAddress.ipString(CMicroHTTPD_client_address(connection)))
        }
        request.route = ctx.route
        request.pathParameters = ctx.parameters
        return request
    }

    private func respond(_ connection: OpaquePointer, _ ctx: RequestContext, _ given: HTTPResponse) -> MHD_Result {
        var response = given
        if !(100...599).contains(response.status) {
            logger?.error("handler returned an invalid HTTP status; sending 500",
                          [LogKey.route: ctx.route, LogKey.status: String(response.status)])
            response = .error(500, "internal error")
        }
        let mhdResponse: OpaquePointer?
        if let stream = response.stream {
            mhdResponse = MHD_create_response_from_callback(CMicroHTTPD_SIZE_UNKNOWN(), 16 << 10, contentReaderCallback,
                                                            Unmanaged.passRetained(stream).toOpaque(),
                                                            contentReaderFreeCallback)
            if mhdResponse == nil {
                Unmanaged.passUnretained(stream).release()
                stream.detach()
            } else {
                stream.attach(connection, policy: response.isEventStream ? eventStreams : nil)
                ctx.stream = stream
                streams.withLock { $0[ObjectIdentifier(stream)] = stream }
                if stopping.load(ordering: .relaxed) { stream.finish() }
            }
        } else {
            mhdResponse = response.body.withUnsafeBytes { raw in
                MHD_create_response_from_buffer(raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress),
                                                .RESPMEM_MUST_COPY)
            }
        }
        guard let mhdResponse else {
            logger?.error("cannot create HTTP response", [LogKey.route: ctx.route])
            return .NO
        }
        defer { MHD_destroy_response(mhdResponse) }
        for field in response.headers {
            let lower = HTTPHeaders.asciiLowercased(field.name)
            if lower == "content-length" || lower == "transfer-encoding" { continue }
            if lower == "connection" && stopping.load(ordering: .relaxed) { continue }
            if MHD_add_response_header(mhdResponse, field.name, field.value) != .YES {
                logger?.warn("HTTP response header refused", [LogKey.route: ctx.route, "header": field.name])
            }
        }
        if stopping.load(ordering: .relaxed) {
            _ = MHD_add_response_header(mhdResponse, "Connection", "close")
        }
        let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        if result == .YES { ctx.status = response.status }
        return result
    }
}
