import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// The routes of the host's operators (`/api/v1/operator/...`), called with an operator
/// token (`switchboard operator add`): the workspaces, channel health across them,
/// reloading the config, and the host's audit trail. Nothing here reads a workspace's
/// conversations, contacts or people: an operator sees those only when invited into the
/// workspace as a user. Workspace credentials get 403 here; unknown ones 401.
struct OperatorAPI: Sendable {
    let store: any Store
    let logger: Logger
    let reloader: HostReload?
    var hasher: PasswordHasher = .standard
    /// The channels and their states, for the health view.
    let channelHealth: @Sendable () -> [[String: Any]]
    var now: @Sendable () -> Date = { Date() }

    struct Caller: Sendable {
        var record: OperatorRecord
        var token: OperatorTokenRecord
        var actor: String { "operator:\(record.id) \(record.email)" }
    }

    func authenticate(_ request: HTTPRequest) -> Result<Caller, HTTPResponse> {
        do {
            guard let authorization = request.headers["Authorization"] else {
                if AuthCookie.sessionID(request) != nil {
                    return .failure(InboxAPIError(403, "operator routes need an operator token; a workspace session is not one", code: "forbidden_role").response)
                }
                return .failure(Authenticator.unauthorized("an operator token is required: Authorization: Bearer <token>"))
            }
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                return .failure(Authenticator.unauthorized("the Authorization header must be 'Bearer <token>'"))
            }
            let hash = Secrets.hash(parts[1].trimmingCharacters(in: .whitespaces))
            guard let (record, token) = try store.operators.authenticate(tokenHash: hash) else {
                if try store.authenticate(tokenHash: hash) != nil {
                    return .failure(InboxAPIError(403, "operator routes need an operator token; this is a workspace token", code: "forbidden_role").response)
                }
                return .failure(Authenticator.unauthorized("unknown or revoked operator token"))
            }
            guard !token.isExpired(at: now()) else {
                return .failure(Authenticator.unauthorized("this operator token expired"))
            }
            return .success(Caller(record: record, token: token))
        } catch {
            logger.error("operator authentication failed on a storage error", [LogKey.error: "\(error)"])
            return .failure(.error(503, "credentials could not be checked; try again"))
        }
    }

    func addRoutes(to router: inout HTTPRouter, catalog: APIRouteCatalog) {
        func route(_ method: String, _ path: String, _ body: @escaping @Sendable (HTTPRequest, Caller) throws -> HTTPResponse) {
            let pattern = InboxAPI.prefix + path
            catalog.declare(method, pattern, .operator)
            router.add(method, pattern) { [self] request in
                switch authenticate(request) {
                case .failure(let refusal): return refusal
                case .success(let caller):
                    do {
                        return try body(request, caller)
                    } catch let error as InboxAPIError {
                        return error.response
                    } catch {
                        logger.error("operator API request failed", [LogKey.route: request.route, LogKey.error: "\(error)"])
                        return InboxAPIError(500, "the request failed on the server; the details are in the host's log").response
                    }
                }
            }
        }
        route("GET", "/operator/workspaces", workspaces)
        route("POST", "/operator/workspaces", createWorkspace)
        route("GET", "/operator/channels", channels)
        route("POST", "/operator/reload", reload)
        route("GET", "/operator/audit", audit)
    }

    func workspaces(_ request: HTTPRequest, _ caller: Caller) throws -> HTTPResponse {
        let items: [[String: Any]] = try store.workspaces().sorted { $0.id.rawValue < $1.id.rawValue }.map {
            ["id": $0.id.rawValue, "name": $0.name, "active": $0.active, "timezone": $0.timezone,
             "updated_at": RFC3339.string($0.updatedAt)]
        }
        return AdminAPI.json(["items": items])
    }

    /// `{"id","name","region"?,"timezone"?,"owner_email"}`: writes the workspace's file,
    /// applies it without a restart and invites its owner. 201 with the invite link.
    func createWorkspace(_ request: HTTPRequest, _ caller: Caller) throws -> HTTPResponse {
        guard let reloader else { throw InboxAPIError(503, "this host cannot reload its config") }
        let body = try InboxAPI.jsonObject(request)
        guard let id = body["id"] as? String, WorkspaceID.isValid(id) else {
            throw InboxAPIError.badRequest("id must be a workspace id: lower-case letters, digits and -")
        }
        guard let name = (body["name"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
            throw InboxAPIError.badRequest("name is required")
        }
        guard let ownerEmail = body["owner_email"] as? String, EmailAddress.normalize(ownerEmail) != nil else {
            throw InboxAPIError.badRequest("owner_email must be an e-mail address")
        }
        let region = body["region"] as? String ?? "NG"
        let timezone = body["timezone"] as? String ?? "UTC"
        let workspace = WorkspaceID(id)
        let outcome = WorkspaceConfigEditor(reloader: reloader)
            .create(workspace, text: WorkspaceConfigEditor.newWorkspaceText(id: workspace, name: name, region: region, timezone: timezone),
                    actor: caller.actor)
        guard outcome.applied else { return AdminAPI.json(outcome.json, status: outcome.errors.first?.contains("exists already") == true ? 409 : 422) }
        let (invite, token) = try AccessAdmin(store: store, hasher: hasher)
            .invite(workspace: workspace, email: ownerEmail, role: .owner, actor: caller.actor, now: now())
        try store.hostAudit.record(actor: caller.actor, action: "workspace_created", summary: "created workspace \(id) (\(name)) and invited \(invite.email) as owner")
        return AdminAPI.json(["workspace": id, "reload": outcome.json, "invite": AdminAPI.invite(invite),
                              "url": AdminAPI.invitePath(token)], status: 201)
    }

    func channels(_ request: HTTPRequest, _ caller: Caller) throws -> HTTPResponse {
        AdminAPI.json(["items": channelHealth()])
    }

    func reload(_ request: HTTPRequest, _ caller: Caller) throws -> HTTPResponse {
        guard let reloader else { throw InboxAPIError(503, "this host cannot reload its config") }
        let outcome = reloader.reloadFiles(actor: caller.actor)
        return AdminAPI.json(outcome.json, status: outcome.applied ? 200 : 422)
    }

    func audit(_ request: HTTPRequest, _ caller: Caller) throws -> HTTPResponse {
        let limit = try InboxAPI.limit(request)
        let entries = try store.hostAudit.list(before: request.query["before"].flatMap { Int64($0) }, limit: limit)
        return AdminAPI.json(["items": entries.map(AdminAPI.auditEntry)])
    }
}
