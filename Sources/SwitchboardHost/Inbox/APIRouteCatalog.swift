import Foundation
import Synchronization
import SwitchboardHTTP
import SwitchboardStore

/// Who may call an API route: the least workspace role (owner > admin > agent), or an
/// operator of the host.
enum APIAccess: Sendable, Equatable, CustomStringConvertible {
    case role(UserRole)
    case `operator`

    var description: String {
        switch self {
        case .role(let r): r.rawValue
        case .operator: "operator"
        }
    }

    static let agent = APIAccess.role(.agent)
    static let admin = APIAccess.role(.admin)
    static let owner = APIAccess.role(.owner)
}

/// The one place that says what each API route needs. Every route is added through
/// `add`, which takes the route's access with its method and path, so a route cannot be
/// served without saying who may call it. The OpenAPI document served at
/// `/api/v1/openapi.json` carries each operation's access as `x-minimum-role` (and its
/// 403), taken from here, and the role tests walk that document route by route.
///
///     catalog.add(&router, "GET", "/conversations", .agent, authenticate: auth.authenticate) { request, caller in ... }
final class APIRouteCatalog: Sendable {
    private let declared = Mutex<[String: APIAccess]>([:])

    /// `"METHOD /api/v1/path"`, as the router's patterns spell it.
    static func key(_ method: String, _ pattern: String) -> String { "\(method.uppercased()) \(pattern)" }

    func declare(_ method: String, _ pattern: String, _ access: APIAccess) {
        declared.withLock { $0[Self.key(method, pattern)] = access }
    }

    func access(_ method: String, _ pattern: String) -> APIAccess? {
        declared.withLock { $0[Self.key(method, pattern)] }
    }

    var all: [String: APIAccess] { declared.withLock { $0 } }

    /// The refusal of a caller whose role is below what the route needs: 403 with a
    /// sentence naming both roles, `code: forbidden_role`.
    static func refusal(needs: UserRole, caller: UserRole) -> InboxAPIError {
        InboxAPIError(403, "this needs the \(needs.rawValue) role\(needs == .owner ? "" : " or above"); you are \(caller.rawValue) in this workspace",
                      code: "forbidden_role")
    }

    /// Adds a workspace route (`/api/v1` + `path`): it runs only for an authenticated
    /// caller whose role is at least `minimum`; others get 401 or 403.
    ///
    /// `uploadLimit`: the route takes files up to that many bytes (its own body limit, not
    /// the server's), and the caller is authenticated and its role checked on the headers,
    /// before the server reads any of the file (`RouteBodyLimit`).
    func add(_ router: inout HTTPRouter, _ method: String, _ path: String, _ minimum: UserRole,
             uploadLimit: RouteBodyLimit? = nil,
             authenticate: @escaping @Sendable (HTTPRequest) -> Result<AuthContext, HTTPResponse>,
             _ handler: @escaping @Sendable (HTTPRequest, AuthContext) -> HTTPResponse) {
        let pattern = InboxAPI.prefix + path
        declare(method, pattern, .role(minimum))
        @Sendable func admitted(_ request: HTTPRequest) -> Result<AuthContext, HTTPResponse> {
            switch authenticate(request) {
            case .failure(let response):
                return .failure(response)
            case .success(let context):
                guard context.role >= minimum else {
                    return .failure(Self.refusal(needs: minimum, caller: context.role).response)
                }
                return .success(context)
            }
        }
        var limit = uploadLimit
        limit?.admit = { request in
            if case .failure(let response) = admitted(request) { return response }
            return nil
        }
        router.add(method, pattern, bodyLimit: limit) { request in
            switch admitted(request) {
            case .failure(let response): response
            case .success(let context): handler(request, context)
            }
        }
    }

    /// The served OpenAPI document: `base` with `fragments` merged in (their paths and
    /// component schemas), and every operation of a declared route marked with
    /// `x-minimum-role` and, above agent, its documented 403.
    func document(base: String, fragments: [String]) -> String {
        // The fragments join the base as every part of the document does (a path both
        // name keeps the methods of both).
        let joined = InboxOpenAPI.merged(base, fragments)
        guard var doc = (try? JSONSerialization.jsonObject(with: Data(joined.utf8))) as? [String: Any] else { return base }
        var paths = doc["paths"] as? [String: Any] ?? [:]
        let declared = all
        for (path, item) in paths {
            guard var methods = item as? [String: Any] else { continue }
            for (method, op) in methods {
                guard var operation = op as? [String: Any],
                      let access = declared[Self.key(method, path)] else { continue }
                operation["x-minimum-role"] = access.description
                if access != .agent {
                    var responses = operation["responses"] as? [String: Any] ?? [:]
                    if responses["403"] == nil {
                        responses["403"] = [
                            "description": access == .operator
                                ? "not an operator token" : "the caller's role is below \(access) (code forbidden_role)",
                            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                        ] as [String: Any]
                    }
                    operation["responses"] = responses
                }
                methods[method] = operation
            }
            paths[path] = methods
        }
        doc["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted]) else { return base }
        return String(decoding: data, as: UTF8.self)
    }
}
