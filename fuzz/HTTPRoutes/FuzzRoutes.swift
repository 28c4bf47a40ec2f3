import Foundation
import FuzzSupport
import SwitchboardHTTP

/// The host's route patterns (Sources/SwitchboardHost: webhooks, web chat, inbox pages,
/// the inbox API, health and metrics), registered with handlers that read every part
/// of the request the way the host's handlers do (path parameters, query items, headers,
/// cookies, the body) and answer with what they saw. One route answers through a
/// deferred response completed on another thread, one through an event stream that is
/// finished at once: the server's three ways of answering.
public enum FuzzRoutes {
    public static let patterns: [(method: String, pattern: String)] = [
        ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
        ("GET", "/webhooks/whatsapp/{app}"), ("POST", "/webhooks/whatsapp/{app}"),
        ("GET", "/chat/{workspace}"), ("GET", "/chat/{workspace}/events"), ("POST", "/chat/{workspace}/messages"),
        ("GET", "/inbox"), ("GET", "/inbox/"), ("GET", "/inbox/{file}"),
        ("POST", "/api/v1/login"), ("POST", "/api/v1/logout"), ("GET", "/api/v1/me"),
        ("GET", "/api/v1/conversations"), ("GET", "/api/v1/conversations/{id}"),
        ("POST", "/api/v1/conversations/{id}/reply"), ("POST", "/api/v1/conversations/{id}/notes"),
        ("POST", "/api/v1/conversations/{id}/assign"), ("POST", "/api/v1/conversations/{id}/resolve"),
        ("GET", "/api/v1/contacts"), ("GET", "/api/v1/messages/{id}/media"), ("GET", "/api/v1/search"),
        ("GET", "/api/v1/events"), ("GET", "/api/v1/openapi.json"),
        ("*", "/static/{path...}"),
    ]

    public static func router() -> HTTPRouter {
        var router = HTTPRouter()
        for (method, pattern) in patterns {
            switch pattern {
            case "/api/v1/events":
                router.add(method, pattern) { request in
                    let deferred = HTTPDeferredResponse()
                    let response = echo(request)
                    DispatchQueue.global().async { deferred.complete(response) }
                    return .deferred(deferred)
                }
            case "/chat/{workspace}/events":
                router.add(method, pattern) { request in
                    let stream = HTTPResponseStream()
                    _ = stream.send(event: "hello", id: "1", data: request.parameter("workspace") ?? "")
                    stream.finish()
                    var r = HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"])
                    r.stream = stream
                    return r
                }
            default:
                router.add(method, pattern, echo)
            }
        }
        return router
    }

    /// What a handler saw, as text; checks what the router promises on the way.
    @Sendable public static func echo(_ request: HTTPRequest) -> HTTPResponse {
        for (name, value) in request.pathParameters {
            fuzzCheck(!request.route.isEmpty, "parameters without a route")
            if !request.route.hasSuffix("...}") { fuzzCheck(!value.isEmpty, "empty {\(name)} matched") }
        }
        var out = "\(request.method) \(request.route) \(request.path)\n"
        for (name, value) in request.pathParameters.sorted(by: { $0.key < $1.key }) { out += "param \(name)=\(value)\n" }
        for item in request.queryItems { out += "query \(item.name)=\(item.value)\n" }
        for (name, value) in request.headers { out += "header \(name): \(value)\n" }
        if let cookie = request.headers["Cookie"] {
            for part in cookie.split(separator: ";") { out += "cookie \(part.trimmingCharacters(in: .whitespaces))\n" }
        }
        out += "content-type \(request.headers["content-type"] ?? "-") length \(request.body.count)\n"
        out += "body \(request.bodyText.prefix(64))\n"
        let status = request.query["status"].flatMap { Int($0) }.map { min(max($0, 100), 599) } ?? 200
        // A header value from the request (decoded: it may hold CR LF): the server must
        // refuse to write it rather than split the response.
        var headers: HTTPHeaders = ["X-Route": request.route]
        if let echo = request.query["echo"] { headers["X-Echo"] = echo }
        return .text(out, status: status, headers: headers)
    }
}
