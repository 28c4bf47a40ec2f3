import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me` (docs/inbox-api.md).
extension Authenticator {
    func addAuthRoutes(to router: inout HTTPRouter) {
        router.post("/api/v1/login") { [self] request in login(request) }
        router.post("/api/v1/logout") { [self] request in logout(request) }
        router.get("/api/v1/me") { [self] request in me(request) }
    }

    /// The body of `POST /login`.
    struct LoginBody: Decodable {
        var email: String?
        var password: String?
        var workspace: String?
    }

    /// `{"user": {...}, "workspace", "csrf_token", "credential"}`, the answer of login and /me.
    struct MeBody: Encodable {
        struct User: Encodable {
            var id: String
            /// nil for a token (it has a name, not an e-mail).
            var email: String?
            var name: String
            var role: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(id, forKey: .id)
                try c.encode(email, forKey: .email)   // null, not absent, for tokens
                try c.encode(name, forKey: .name)
                try c.encode(role, forKey: .role)
            }
            enum CodingKeys: String, CodingKey { case id, email, name, role }
        }
        var user: User
        var workspace: String
        /// nil for a token (no CSRF check applies).
        var csrfToken: String?
        var credential: String
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(user, forKey: .user)
            try c.encode(workspace, forKey: .workspace)
            try c.encode(csrfToken, forKey: .csrfToken)
            try c.encode(credential, forKey: .credential)
        }
        enum CodingKeys: String, CodingKey {
            case user, workspace, credential
            case csrfToken = "csrf_token"
        }
    }

    static let badCredentials = "wrong e-mail, password or workspace"

    func login(_ request: HTTPRequest) -> HTTPResponse {
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        // A cross-site HTML form cannot send application/json: this keeps login CSRF out.
        guard contentType.hasPrefix("application/json") else {
            return .error(415, "send the login as JSON (Content-Type: application/json)")
        }
        guard let body = try? JSONDecoder().decode(LoginBody.self, from: Data(request.body)) else {
            return .error(400, "the body must be a JSON object {\"email\", \"password\", \"workspace\"}")
        }
        guard let rawEmail = body.email, let password = body.password, let rawWorkspace = body.workspace,
              !rawEmail.isEmpty, !password.isEmpty, !rawWorkspace.isEmpty
        else {
            return .error(400, "email, password and workspace are required")
        }
        let email = EmailAddress.normalize(rawEmail)
        let workspace = WorkspaceID(rawWorkspace)
        let address = clientAddress.of(request)
        let account = "\(rawWorkspace)\n\(email ?? rawEmail)"
        let now = self.now()
        var fields = [LogKey.workspace: rawWorkspace, LogKey.remoteAddress: address]

        // Checked and counted in one step: parallel guesses cannot all pass the check.
        if case .refused(let retryAfter) = limiter.attempt(account: account, address: address, now: now) {
            logger.warn("login refused: too many failed attempts", fields)
            return .error(429, "too many failed logins; try again in \(retryAfter) seconds",
                          headers: ["Retry-After": String(retryAfter)])
        }
        do {
            var user: UserRecord?
            if let email, WorkspaceID.isValid(rawWorkspace), try store.workspace(workspace).record()?.active == true {
                user = try store.workspace(workspace).users.find(email: email)
            }
            // One path for known and unknown e-mails (same checks, same scrypt work).
            var verified = false
            do {
                verified = try hasher.verifyLogin(password, storedHash: user?.passwordHash)
            } catch {
                logger.error("stored password hash unreadable", [LogKey.workspace: rawWorkspace,
                                                                 LogKey.userID: user?.id ?? "", LogKey.error: "\(error)"])
            }
            guard let user, verified else {
                // Already counted by attempt.
                fields["reason"] = user == nil ? "unknown account" : "wrong password"
                logger.warn("login failed", fields)
                return .error(401, Self.badCredentials)
            }
            limiter.recordSuccess(account: account, address: address, attemptedAt: now)

            let sessionID = try Secrets.token()
            let csrf = try Secrets.token()
            let ws = store.workspace(workspace)
            let session = try ws.transaction { ws in
                try ws.sessions.deleteExpired(now: now)
                return try ws.sessions.create(idHash: Secrets.hash(sessionID), userID: user.id, csrfToken: csrf,
                                              expiresAt: now.addingTimeInterval(sessionLifetime))
            }
            fields[LogKey.userID] = user.id
            logger.info("login", fields)
            let me = MeBody(user: .init(id: user.id, email: user.email, name: user.email, role: user.role.rawValue),
                            workspace: workspace.rawValue, csrfToken: session.csrfToken, credential: "session")
            return .json(encoding: me, headers: [
                "Set-Cookie": AuthCookie.set(sessionID, maxAge: Int(sessionLifetime), request: request),
                "Cache-Control": "no-store",
            ])
        } catch {
            limiter.release(account: account, address: address, attemptedAt: now)
            logger.error("login failed on a storage or random-generator error", [LogKey.workspace: rawWorkspace, LogKey.error: "\(error)"])
            return .error(503, "login is unavailable right now; try again")
        }
    }

    func logout(_ request: HTTPRequest) -> HTTPResponse {
        let caller: Caller
        switch resolve(request) {
        case .success(let c): caller = c
        case .failure(let refusal): return refusal
        }
        if let session = caller.session {
            do {
                try store.workspace(caller.context.workspace).sessions.delete(idHash: session.idHash)
            } catch {
                logger.error("logout failed on a storage error", [LogKey.workspace: caller.context.workspace.rawValue,
                                                                 LogKey.error: "\(error)"])
                return .error(503, "logout failed; try again")
            }
            logger.info("logout", [LogKey.workspace: caller.context.workspace.rawValue, LogKey.userID: caller.context.userID])
        }
        // A token stays valid: it is revoked by an admin, not by logging out.
        return .empty(status: 204, headers: ["Set-Cookie": AuthCookie.clear(request: request)])
    }

    func me(_ request: HTTPRequest) -> HTTPResponse {
        switch resolve(request) {
        case .failure(let refusal):
            return refusal
        case .success(let caller):
            let c = caller.context
            let me = MeBody(user: .init(id: c.userID, email: caller.email, name: c.name, role: c.role.rawValue),
                            workspace: c.workspace.rawValue, csrfToken: caller.session?.csrfToken,
                            credential: c.credential.rawValue)
            return .json(encoding: me, headers: ["Cache-Control": "no-store"])
        }
    }
}
