/// One inbound request, complete with its body, as a handler sees it.
public struct HTTPRequest: Sendable {
    /// As sent, in upper case by convention: `GET`, `POST`, ...
    public var method: String
    /// The path, percent-decoded, without the query: `/webhooks/whatsapp/main`.
    public var path: String
    /// The request target exactly as sent: `/webhooks/whatsapp/main?hub.mode=subscribe`.
    public var target: String
    /// Query parameters, percent-decoded with `+` as space. When a name repeats, the
    /// first value is here and all are in `queryItems`.
    public var query: [String: String]
    public var queryItems: [(name: String, value: String)]
    public var headers: HTTPHeaders
    /// The body's bytes exactly as received (after any chunked transfer coding is
    /// removed): webhook signatures are computed over these bytes.
    public var body: [UInt8]
    /// The client's IP address (`127.0.0.1`, `::1`), or empty if unknown.
    public var remoteAddress: String
    /// The route pattern that matched (`/webhooks/whatsapp/{app}`), set by the router.
    public var route: String
    /// Values of the pattern's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                remoteAddress: String = "") {
        self.method = method
        self.target = target
        let (path, items) = URLCoding.splitTarget(target)
        self.path = path
        self.queryItems = items
        var q: [String: String] = [:]
        for item in items where q[item.name] == nil { q[item.name] = item.value }
        self.query = q
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.route = ""
        self.pathParameters = [:]
    }

    /// The value of the `{name}` segment of the matched route.
    public func parameter(_ name: String) -> String? { pathParameters[name] }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
