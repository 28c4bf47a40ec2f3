import Foundation
import SwitchboardAuth
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore

/// Who is calling the inbox API: resolves an `Authorization: Bearer` API token or the
/// `sb_session` cookie to an `AuthContext`, or to the response that refuses the request.
///
/// - No credential, an unknown or revoked token, an unknown or expired session, a
///   deleted user, or a workspace no longer configured: 401 (with `WWW-Authenticate`,
///   and a cleared cookie when a stale one was sent).
/// - With the cookie, POST/PUT/PATCH/DELETE need `X-CSRF-Token` equal to the session's
///   token (from login or `/me`): 403 otherwise. Bearer tokens need none: browsers do
///   not send them on their own.
/// - A storage failure: 503, logged.
///
/// A token acts with the role it was created with (`admin` for tokens made before
/// roles); an expired token is refused (401) like a revoked one. Time comes from `now`,
/// so tests expire sessions and tokens without waiting.
final class Authenticator: Sendable {
    /// How long a session lasts after login (12 hours); not extended by use.
    static let defaultSessionLifetime: TimeInterval = 12 * 3600
    /// A token's `last_used_at` is written at most this often (a write per request would
    /// cost a synced commit per API call).
    static let tokenTouchInterval: TimeInterval = 60

    let store: any Store
    let logger: Logger
    /// Failed logins: counted in this process on SQLite (`LoginRateLimiter`), in the
    /// store's shared meters when several hosts share the store (`SharedLoginLimiter`).
    let limiter: any LoginLimiting
    let hasher: PasswordHasher
    let sessionLifetime: TimeInterval
    /// The address failed logins are counted against (`server.trusted_proxies`).
    let clientAddress: ClientAddress
    let now: @Sendable () -> Date

    init(store: any Store, logger: Logger, limiter: (any LoginLimiting)? = nil,
         hasher: PasswordHasher = .standard, sessionLifetime: TimeInterval = Authenticator.defaultSessionLifetime,
         clientAddress: ClientAddress = ClientAddress(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.clientAddress = clientAddress
        self.store = store
        self.logger = logger
        self.limiter = limiter ?? (store.limits.isShared
            ? SharedLoginLimiter(limits: store.limits, logger: logger) : LoginRateLimiter())
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
        self.now = now
    }

    /// The caller of `request`, or the response refusing it (401, 403 or 503).
    func authenticate(_ request: HTTPRequest) -> Result<AuthContext, HTTPResponse> {
        resolve(request).map(\.context)
    }

    /// Wraps an API handler: it runs only for an authenticated caller, with the caller's
    /// context; otherwise the refusal is answered.
    ///
    ///     router.get("/api/v1/conversations", auth.authenticated { request, caller in ... })
    func authenticated(_ handler: @escaping @Sendable (HTTPRequest, AuthContext) -> HTTPResponse) -> HTTPHandler {
        { [self] request in
            switch authenticate(request) {
            case .success(let context): return handler(request, context)
            case .failure(let refusal): return refusal
            }
        }
    }

    /// An authenticated caller with what `/me` and `/logout` need beyond the context.
    struct Caller {
        var context: AuthContext
        /// Set for cookie authentication.
        var session: SessionRecord?
        /// The user's e-mail (sessions) or nil (tokens).
        var email: String?
    }

    static let stateChangingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    func resolve(_ request: HTTPRequest) -> Result<Caller, HTTPResponse> {
        do {
            if let authorization = request.headers["Authorization"] {
                return try bearer(authorization, request)
            }
            if let sessionID = AuthCookie.sessionID(request) {
                return try cookie(sessionID, request)
            }
            return .failure(Self.unauthorized("authentication required: an Authorization: Bearer token or the sb_session cookie"))
        } catch {
            logger.error("authentication failed on a storage error", [LogKey.error: "\(error)", LogKey.route: request.route])
            return .failure(.error(503, "credentials could not be checked; try again"))
        }
    }

    private func bearer(_ authorization: String, _ request: HTTPRequest) throws -> Result<Caller, HTTPResponse> {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(Self.unauthorized("the Authorization header must be 'Bearer <token>'"))
        }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard let (workspace, record) = try store.authenticate(tokenHash: Secrets.hash(token)) else {
            return .failure(Self.unauthorized("unknown or revoked API token"))
        }
        guard try isActive(workspace) else {
            return .failure(Self.unauthorized("the workspace of this token is no longer configured"))
        }
        let now = self.now()
        guard !record.isExpired(at: now) else {
            return .failure(Self.unauthorized("this API token expired at \(RFC3339.string(record.expiresAt!)); ask an owner for a new one"))
        }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.tokenTouchInterval }) ?? true {
            do {
                try store.workspace(workspace).tokens.markUsed(record.id, at: now)
            } catch {
                logger.warn("could not record a token's last use", [LogKey.workspace: workspace.rawValue,
                                                                    LogKey.credentialID: record.id, LogKey.error: "\(error)"])
            }
        }
        let context = AuthContext(workspace: workspace, userID: "token:\(record.id)", name: record.name,
                                  role: record.role, credential: .token)
        return .success(Caller(context: context, session: nil, email: nil))
    }

    private func cookie(_ sessionID: String, _ request: HTTPRequest) throws -> Result<Caller, HTTPResponse> {
        let stale: HTTPHeaders = ["Set-Cookie": AuthCookie.clear(request: request)]
        guard let (workspace, session) = try store.authenticate(sessionHash: Secrets.hash(sessionID)) else {
            return .failure(Self.unauthorized("unknown session; log in again", headers: stale))
        }
        let ws = store.workspace(workspace)
        guard session.expiresAt > now() else {
            try ws.sessions.delete(idHash: session.idHash)
            return .failure(Self.unauthorized("session expired; log in again", headers: stale))
        }
        guard try isActive(workspace), let user = try ws.users.get(session.userID) else {
            try ws.sessions.delete(idHash: session.idHash)
            return .failure(Self.unauthorized("this session's user or workspace no longer exists", headers: stale))
        }
        if Self.stateChangingMethods.contains(request.method.uppercased()) {
            guard let csrf = request.headers["X-CSRF-Token"], Secrets.constantTimeEqual(csrf, session.csrfToken) else {
                return .failure(.error(403, "missing or wrong X-CSRF-Token header (required with the session cookie for \(request.method))"))
            }
        }
        let context = AuthContext(workspace: workspace, userID: user.id, name: user.email,
                                  role: Self.role(user.role), credential: .session)
        return .success(Caller(context: context, session: session, email: user.email))
    }

    private func isActive(_ workspace: WorkspaceID) throws -> Bool {
        try store.workspace(workspace).record()?.active ?? false
    }

    static func role(_ role: UserRole) -> AuthContext.Role { role }

    static func unauthorized(_ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var h = headers
        h["WWW-Authenticate"] = "Bearer realm=\"switchboard\""
        return .error(401, message, headers: h)
    }
}
