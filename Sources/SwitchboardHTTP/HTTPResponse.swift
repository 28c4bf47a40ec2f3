import SwitchboardCore
import Foundation

/// What a handler returns: a status, headers and a body. `Content-Length` is computed by
/// the server; setting it here has no effect.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// When set, the body is streamed from it instead of `body` (server-sent events).
    public var stream: HTTPResponseStream?
    /// When set, the real response comes later through it (see `HTTPDeferredResponse`);
    /// the rest of this value is not used.
    public var deferred: HTTPDeferredResponse?
    /// Set by `eventStream`: the server's `EventStreamPolicy` applies to `stream`.
    var isEventStream = false

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.stream = nil
        self.deferred = nil
    }

    /// A response given later, from any thread, through `deferred`.
    public static func deferred(_ deferred: HTTPDeferredResponse) -> HTTPResponse {
        var r = HTTPResponse(status: 200)
        r.deferred = deferred
        return r
    }

    /// A response with no body (`204 No Content` by default).
    public static func empty(status: Int = 204, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers)
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var h = headers
        if h["Content-Type"] == nil { h["Content-Type"] = "text/plain; charset=utf-8" }
        return HTTPResponse(status: status, headers: h, body: Array(text.utf8))
    }

    /// An `application/json` response with `json` (already encoded) as its body.
    public static func json(_ json: String, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var h = headers
        if h["Content-Type"] == nil { h["Content-Type"] = "application/json" }
        return HTTPResponse(status: status, headers: h, body: Array(json.utf8))
    }

    /// An `application/json` response encoding `value` with `JSONEncoder` (sorted keys);
    /// a value that cannot be encoded gives a 500 with a JSON error.
    public static func json<T: Encodable>(encoding value: T, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            return .json("{\"error\":\"response could not be encoded\"}", status: 500)
        }
        var h = headers
        if h["Content-Type"] == nil { h["Content-Type"] = "application/json" }
        return HTTPResponse(status: status, headers: h, body: Array(data))
    }

    /// A JSON error body `{"error": message}`, used by the server for 404, 405, 413.
    public static func error(_ status: Int, _ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        .json("{\"error\":\(jsonQuoted(message))}", status: status, headers: headers)
    }

    /// A server-sent events response (`text/event-stream`) whose events are written to
    /// `stream` from any thread; the connection stays open until `stream.finish()`, the
    /// client goes, or the server's `EventStreamPolicy` ends it (lifetime, buffer cap).
    public static func eventStream(_ stream: HTTPResponseStream, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var h = headers
        if h["Content-Type"] == nil { h["Content-Type"] = "text/event-stream" }
        if h["Cache-Control"] == nil { h["Cache-Control"] = "no-cache" }
        var r = HTTPResponse(status: 200, headers: h)
        r.stream = stream
        r.isEventStream = true
        return r
    }

    static func jsonQuoted(_ s: String) -> String { JSONText.quoted(s) }
}

import SwitchboardLog

extension HTTPResponse {
    /// The Prometheus text exposition of `registry`, for `GET /metrics`.
    public static func metrics(_ registry: MetricsRegistry) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": MetricsRegistry.contentType], body: Array(registry.render().utf8))
    }
}
