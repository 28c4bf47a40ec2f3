import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The administration routes of a workspace (docs/inbox-api.md, "Administration"):
/// people, API tokens, the audit trail and the workspace's config file. Each declares the
/// least role that may call it in `APIRouteCatalog`; every change is written to the
/// audit trail with who made it.
struct AdminAPI: Sendable {
    let store: any Store
    let logger: Logger
    var hasher: PasswordHasher = .standard
    /// The workspace's config file, read and written by `GET/PUT /workspace/config`
    /// (nil: the routes answer 404, e.g. in tests without files).
    var configEditor: WorkspaceConfigEditor?
    var now: @Sendable () -> Date = { Date() }

    var access: AccessAdmin { AccessAdmin(store: store, hasher: hasher) }

    func addRoutes(to router: inout HTTPRouter, catalog: APIRouteCatalog, inbox: InboxAPI,
                   authenticate: @escaping @Sendable (HTTPRequest) -> Result<AuthContext, HTTPResponse>) {
        func route(_ method: String, _ path: String, _ minimum: UserRole,
                   _ body: @escaping @Sendable (HTTPRequest, AuthContext) throws -> HTTPResponse) {
            catalog.add(&router, method, path, minimum, authenticate: authenticate) { request, context in
                inbox.handle(request, context) { request, context in
                    do {
                        return try body(request, context)
                    } catch let refusal as AccessAdmin.Refusal {
                        throw InboxAPIError(refusal.description.hasPrefix("no ") ? 404 : 409, refusal.description)
                    }
                }
            }
        }
        // People and access: owners.
        // GET /users (every role: agents assign conversations to each other) is the
        // inbox's (InboxAPI+Tools); changing people is the owner's.
        route("POST", "/users", .owner, addUser)
        route("POST", "/users/{id}/role", .owner, setRole)
        route("POST", "/users/{id}/reset-password", .owner, resetPassword)
        route("DELETE", "/users/{id}", .owner, removeUser)
        route("GET", "/tokens", .owner, listTokens)
        route("POST", "/tokens", .owner, createToken)
        route("DELETE", "/tokens/{id}", .owner, revokeToken)
        route("GET", "/audit", .owner, audit)
        route("GET", "/invites", .owner, listInvites)
        route("POST", "/invites", .owner, createInvite)
        // The workspace's settings (FAQ, plugins, senders): admins.
        route("GET", "/workspace/config", .admin, readConfig)
        route("PUT", "/workspace/config", .admin, writeConfig)
    }

    // MARK: - JSON

    static func json(_ object: Any, status: Int = 200) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return .json(String(decoding: data, as: UTF8.self), status: status)
    }

    static func user(_ u: UserRecord) -> [String: Any] {
        ["id": u.id, "email": u.email, "role": u.role.rawValue, "created_at": RFC3339.string(u.createdAt)]
    }

    static func token(_ t: TokenRecord) -> [String: Any] {
        ["id": t.id, "name": t.name, "role": t.role.rawValue, "created_at": RFC3339.string(t.createdAt),
         "last_used_at": t.lastUsedAt.map(RFC3339.string) ?? NSNull(),
         "expires_at": t.expiresAt.map(RFC3339.string) ?? NSNull()]
    }

    static func auditEntry(_ e: AuditEntry) -> [String: Any] {
        ["id": e.id, "at": RFC3339.string(e.at), "actor": e.actor, "action": e.action, "summary": e.summary,
         "workspace": e.workspaceID?.rawValue ?? NSNull()]
    }

    static func role(_ object: [String: Any], _ key: String = "role") throws(InboxAPIError) -> UserRole {
        guard let name = object[key] as? String, let role = UserRole(rawValue: name) else {
            throw .badRequest("\(key) must be \"owner\", \"admin\" or \"agent\"")
        }
        return role
    }

    static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }

    // MARK: - Users

    func addUser(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        guard let email = body["email"] as? String else { throw InboxAPIError.badRequest("email is required") }
        let role = try Self.role(body)
        let given = body["password"] as? String
        let password = try given ?? AccessAdmin.generatePassword()
        do {
            let user = try access.addUser(workspace: context.workspace, email: email, role: role, password: password,
                                          actor: context.actor)
            var answer: [String: Any] = ["user": Self.user(user)]
            answer["password"] = given == nil ? password : NSNull()
            return Self.json(answer, status: 201)
        } catch let refusal as AccessAdmin.Refusal {
            throw InboxAPIError(refusal.description.contains("already exists") ? 409 : 400, refusal.description)
        }
    }

    func setRole(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let role = try Self.role(try InboxAPI.jsonObject(request))
        let user = try access.setRole(workspace: context.workspace, request.parameter("id") ?? "", role: role, actor: context.actor)
        return Self.json(["user": Self.user(user)])
    }

    func resetPassword(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let (user, password) = try access.resetPassword(workspace: context.workspace, request.parameter("id") ?? "",
                                                        actor: context.actor)
        return Self.json(["user": Self.user(user), "password": password])
    }

    func removeUser(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        _ = try access.removeUser(workspace: context.workspace, request.parameter("id") ?? "", actor: context.actor)
        return .empty(status: 204)
    }

    // MARK: - Invites

    static func invite(_ i: InviteRecord) -> [String: Any] {
        ["id": i.id, "email": i.email, "role": i.role.rawValue, "created_by": i.createdBy,
         "created_at": RFC3339.string(i.createdAt), "expires_at": RFC3339.string(i.expiresAt),
         "accepted_at": i.acceptedAt.map(RFC3339.string) ?? NSNull()]
    }

    /// The path of an invite's page; the host does not know the address people reach it
    /// by, so the client puts its own origin in front.
    static func invitePath(_ token: String) -> String { "/invite/\(token)" }

    func listInvites(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        Self.json(["items": try store.workspace(context.workspace).invites.list().map(Self.invite)])
    }

    func createInvite(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        guard let email = body["email"] as? String else { throw InboxAPIError.badRequest("email is required") }
        let role = body["role"] == nil ? UserRole.agent : try Self.role(body)
        do {
            let (invite, token) = try access.invite(workspace: context.workspace, email: email, role: role,
                                                    actor: context.actor, now: now())
            return Self.json(["invite": Self.invite(invite), "url": Self.invitePath(token)], status: 201)
        } catch let refusal as AccessAdmin.Refusal {
            throw InboxAPIError(refusal.description.contains("already exists") ? 409 : 400, refusal.description)
        }
    }

    /// The invite links' own routes, without login (the token is the credential):
    /// `GET /api/v1/invite/{token}` says who is invited where; `POST .../accept`
    /// `{"password"}` makes them a user (201), after which they log in.
    func addInviteRoutes(to router: inout HTTPRouter) {
        router.get(InboxAPI.prefix + "/invite/{token}") { [self] request in
            do {
                let invite = try access.openInvite(token: request.parameter("token") ?? "", now: now())
                let name = try store.workspace(invite.workspaceID).record()?.name ?? invite.workspaceID.rawValue
                return Self.json(["workspace": invite.workspaceID.rawValue, "workspace_name": name, "email": invite.email,
                                  "role": invite.role.rawValue, "expires_at": RFC3339.string(invite.expiresAt)])
            } catch let refusal as AccessAdmin.Refusal {
                return InboxAPIError(404, refusal.description).response
            } catch {
                logger.error("invite lookup failed", [LogKey.error: "\(error)"])
                return InboxAPIError(503, "the invite could not be read; try again").response
            }
        }
        router.post(InboxAPI.prefix + "/invite/{token}/accept") { [self] request in
            do {
                let body = try InboxAPI.jsonObject(request)
                guard let password = body["password"] as? String else { throw InboxAPIError.badRequest("password is required") }
                let user = try access.acceptInvite(token: request.parameter("token") ?? "", password: password, now: now())
                return Self.json(["user": Self.user(user), "workspace": user.workspaceID.rawValue], status: 201)
            } catch let error as InboxAPIError {
                return error.response
            } catch let refusal as AccessAdmin.Refusal {
                return InboxAPIError(refusal.description.hasPrefix("the password") ? 400 : 404, refusal.description).response
            } catch {
                logger.error("invite acceptance failed", [LogKey.error: "\(error)"])
                return InboxAPIError(503, "the invite could not be accepted; try again").response
            }
        }
    }

    // MARK: - Tokens

    func listTokens(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        Self.json(["items": try store.workspace(context.workspace).tokens.list().map(Self.token)])
    }

    func createToken(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let body = try InboxAPI.jsonObject(request)
        guard let name = body["name"] as? String else { throw InboxAPIError.badRequest("name is required") }
        let role = body["role"] == nil ? UserRole.agent : try Self.role(body)
        var expiresAt: Date?
        if let text = body["expires_at"] as? String {
            guard let d = Self.date(text) else { throw InboxAPIError.badRequest("expires_at must be an RFC 3339 time, got '\(text)'") }
            expiresAt = d
        } else if body["expires_at"] != nil, !(body["expires_at"] is NSNull) {
            throw InboxAPIError.badRequest("expires_at must be an RFC 3339 time or null")
        }
        do {
            let (record, secret) = try access.createToken(workspace: context.workspace, name: name, role: role,
                                                          expiresAt: expiresAt, actor: context.actor, now: now())
            return Self.json(["token": Self.token(record), "secret": secret], status: 201)
        } catch let refusal as AccessAdmin.Refusal {
            throw InboxAPIError.badRequest(refusal.description)
        }
    }

    func revokeToken(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        try access.revokeToken(workspace: context.workspace, id: request.parameter("id") ?? "", actor: context.actor)
        return .empty(status: 204)
    }

    // MARK: - Audit trail

    func audit(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        let limit = try InboxAPI.limit(request)
        var before: Int64?
        if let text = request.query["before"] {
            guard let n = Int64(text), n > 0 else { throw InboxAPIError.badRequest("before must be an entry id, got '\(text)'") }
            before = n
        }
        let entries = try store.workspace(context.workspace).audit.list(before: before, limit: limit)
        return Self.json(["items": entries.map(Self.auditEntry),
                          "next_before": entries.count == limit ? (entries.last.map { $0.id } as Any) : NSNull()])
    }

    // MARK: - The workspace's config file

    func readConfig(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        // Channel secrets masked (WorkspaceConfigEditor+Secrets): never answered back.
        let shown: String?
        do {
            shown = try configEditor?.readMasked(context.workspace)
        } catch let failure as WorkspaceConfigEditor.MaskingFailure {
            throw InboxAPIError(422, failure.description)
        }
        guard let text = shown else {
            throw InboxAPIError.notFound("workspace \(context.workspace) has no config file this host can read")
        }
        return .text(text, headers: ["Content-Type": "application/yaml; charset=utf-8", "Cache-Control": "no-store"])
    }

    func writeConfig(_ request: HTTPRequest, _ context: AuthContext) throws -> HTTPResponse {
        guard let editor = configEditor else {
            throw InboxAPIError.notFound("workspace \(context.workspace) has no config file this host can write")
        }
        let text = String(decoding: request.body, as: UTF8.self)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw InboxAPIError.badRequest("the body is the workspace's YAML file, and it is empty")
        }
        let outcome = editor.write(context.workspace, text: text, actor: context.actor)
        return Self.json(outcome.json, status: outcome.applied ? 200 : 422)
    }
}
