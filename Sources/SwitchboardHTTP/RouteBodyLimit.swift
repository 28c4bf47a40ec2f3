/// A route's own request body limit, above (or below) the server's `maxBodySize`: an
/// upload route takes files of several megabytes while the rest of the API keeps its small
/// limit. A larger body is refused with 413 and `message` (which names the limit and the
/// setting behind it) before it is read.
///
/// `admit` runs on the request's headers (the body is empty then) before any of the body
/// is read: it answers a refusal (401, 403, 404...) or nil to go on, so a caller who may not
/// use the route never gets to send it megabytes the server would buffer.
///
///     router.add("POST", "/upload", bodyLimit: RouteBodyLimit(bytes: 100 << 20,
///                message: "files are at most 100 MB (media.max_upload_bytes)"), handler)
public struct RouteBodyLimit: Sendable {
    public var bytes: Int
    public var message: String
    public var admit: (@Sendable (HTTPRequest) -> HTTPResponse?)?

    public init(bytes: Int, message: String, admit: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil) {
        self.bytes = max(0, bytes)
        self.message = message
        self.admit = admit
    }
}
