/// One request's state between libmicrohttpd's calls. Created by the URI-log callback,
/// released by the request-completed callback; only ever touched by the thread that owns
/// the connection, so it needs no lock.
final class RequestContext: @unchecked Sendable {
    let target: String
    let start = ContinuousClock.now
    var method = ""
    var headersSeen = false
    var body: [UInt8] = []
    var tooLarge = false
    var received = 0
    /// The route pattern, the metrics label; `unmatched` for a 404.
    var route = "unmatched"
    var parameters: [String: String] = [:]
    var handler: HTTPHandler?
    /// The body limit of the matched route (its own, or the server's).
    var maxBody = 0
    /// Set when the route has its own limit: its 413 message.
    var tooLargeMessage: String?
    /// A 404/405 decided from the headers, sent once the (empty) request is complete.
    var pending: HTTPResponse?
    /// The status queued, once a response is.
    var status: Int?
    var stream: HTTPResponseStream?
    /// A response the handler gives later; the connection is suspended until it does.
    var deferred: HTTPDeferredResponse?

    init(target: String) { self.target = target }
}
