/// A handler: called on one of the server's threads with the complete request. It may
/// block briefly (a SQLite commit before acknowledging a webhook), but everything slow
/// belongs on a queue: while it runs, its thread serves no other connection.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// Maps method and path to a handler. Patterns are paths whose segments are literals or
/// `{name}` (one segment); the last segment may be `{name...}` (the rest of the path,
/// possibly empty). Literal segments win over parameters, so `/api/v1/me` beats
/// `/api/v1/{id}` whatever the order of registration.
///
///     var router = HTTPRouter()
///     router.get("/webhooks/whatsapp/{app}") { req in ... req.parameter("app") ... }
///     router.post("/webhooks/whatsapp/{app}") { req in ... }
///
/// An unknown path gets 404; a known path with another method gets 405 with `Allow`.
/// `HEAD` is served by the `GET` handler (the server sends no body).
public struct HTTPRouter: Sendable {
    struct Route: Sendable {
        let method: String
        let pattern: RoutePattern
        let handler: HTTPHandler
        let bodyLimit: RouteBodyLimit?
    }
    private(set) var routes: [Route] = []
    /// Indexes into `routes` by their first segment when it is a literal (`api`,
    /// `webhooks`...), and the others (a parameter first, or `/`): a request is matched
    /// against the routes that can match it, not against all of them.
    private var byFirstLiteral: [String: [Int]] = [:]
    private var notByLiteral: [Int] = []

    public init() {}

    /// Adds a route; method `*` matches any method not routed otherwise. A pattern that does not start with `/` is a programming error.
    /// `bodyLimit`: the route's own body limit instead of the server's (`RouteBodyLimit`).
    public mutating func add(_ method: String, _ pattern: String, bodyLimit: RouteBodyLimit? = nil,
                             _ handler: @escaping HTTPHandler) {
        let route = Route(method: method.uppercased(), pattern: RoutePattern(pattern), handler: handler, bodyLimit: bodyLimit)
        if case .literal(let first) = route.pattern.segments.first {
            byFirstLiteral[first, default: []].append(routes.count)
        } else {
            notByLiteral.append(routes.count)
        }
        routes.append(route)
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { add("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { add("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping HTTPHandler) { add("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { add("DELETE", pattern, handler) }

    /// The patterns registered, in order (for documentation and tests).
    public var patterns: [(method: String, pattern: String)] { routes.map { ($0.method, $0.pattern.text) } }

    /// What the router decides for a method and a raw (still percent-encoded) path.
    public enum Resolution: Sendable {
        case matched(pattern: String, parameters: [String: String], handler: HTTPHandler, bodyLimit: RouteBodyLimit?)
        case methodNotAllowed(pattern: String, allowed: [String])
        case notFound
    }

    /// Dispatches a complete request as the server does (404, 405 with `Allow`, or the
    /// matched handler with `route` and `pathParameters` set): for testing handlers and
    /// routes without a socket.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        switch resolve(method: request.method, rawPath: URLCoding.rawPath(request.target)) {
        case .notFound:
            return .error(404, "no route for \(request.path)")
        case .methodNotAllowed(let pattern, let allowed):
            return .error(405, "method \(request.method) not allowed on \(pattern)",
                          headers: ["Allow": allowed.joined(separator: ", ")])
        case .matched(let pattern, let parameters, let handler, let limit):
            if let limit, request.body.count > limit.bytes { return .error(413, limit.message) }
            var r = request
            r.route = pattern
            r.pathParameters = parameters
            return handler(r)
        }
    }

    /// Decides for a method and a raw (still percent-encoded) path, without calling anything.
    public func resolve(method: String, rawPath: Substring) -> Resolution {
        let segments = RoutePattern.split(rawPath).map { URLCoding.decode(Substring($0)) }
        var best: (route: Route, params: [String: String])?
        var pathMatches: [(Route, [String: String])] = []
        // Candidates in registration order, as a scan of every route would meet them.
        let literal = segments.first.flatMap { byFirstLiteral[$0] } ?? []
        let candidates = notByLiteral.isEmpty ? literal : (literal + notByLiteral).sorted()
        for index in candidates {
            let route = routes[index]
            guard let params = route.pattern.match(segments) else { continue }
            pathMatches.append((route, params))
        }
        guard !pathMatches.isEmpty else { return .notFound }
        let wanted = method == "HEAD" ? ["HEAD", "GET", "*"] : [method, "*"]
        for w in wanted {
            for (route, params) in pathMatches where route.method == w {
                if best == nil || route.pattern.outranks(best!.route.pattern) { best = (route, params) }
            }
            if best != nil { break }
        }
        if let best {
            return .matched(pattern: best.route.pattern.text, parameters: best.params, handler: best.route.handler,
                            bodyLimit: best.route.bodyLimit)
        }
        // Allow lists the methods of the most specific matching pattern.
        let top = pathMatches.max { $1.0.pattern.outranks($0.0.pattern) }!.0.pattern
        var allowed = pathMatches.filter { $0.0.pattern.rank == top.rank && $0.0.method != "*" }.map(\.0.method)
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(pattern: top.text, allowed: Array(Set(allowed)).sorted())
    }
}
