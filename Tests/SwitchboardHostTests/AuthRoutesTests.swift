import Foundation
import Synchronization
import Testing
import SwitchboardAuth
import SwitchboardConfig
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore
@testable import SwitchboardHost

/// A wall clock that moves only when the test says so (sessions expire by date).
final class AuthTestClock: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
    var now: Date { date.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { date.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A real store on a temp file with workspaces `demo` and `other`, the auth routes and a
/// probe route behind `Authenticator.authenticated`, called through `router.respond(to:)`.
final class AuthFixture: @unchecked Sendable {
    let dir: String
    let store: SQLiteStore
    let clock = AuthTestClock()
    let authenticator: Authenticator
    let router: HTTPRouter
    let logPath: String

    static let password = "s3cret-bakery-pass"
    /// Cheaper scrypt parameters than the standard ones (stored in each hash, so the same
    /// code verifies them): these tests log in dozens of times, and Swift Testing runs
    /// them on the two threads other tests need too. PasswordHasherTests and
    /// AccessAdminTests cover the standard parameters.
    static let hasher = PasswordHasher(n: 1 << 10, r: 8, p: 1)

    init(trustedProxies: [String] = []) throws {
        dir = NSTemporaryDirectory() + "auth-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var options = StoreOptions()
        options.durability = .normal
        store = try SQLiteStore(path: dir + "/t.db", options: options)
        _ = try store.syncWorkspaces([Self.definition("demo"), Self.definition("other")])
        logPath = dir + "/log.jsonl"
        let logger = Logger(sink: try LogSink(level: .debug, format: .json, path: logPath))
        let clock = self.clock
        let proxies = try trustedProxies.map { try IPAddressRange.parse($0).get() }
        authenticator = Authenticator(store: store, logger: logger, hasher: Self.hasher,
                                      clientAddress: ClientAddress(trustedProxies: proxies), now: { clock.now })
        var router = HTTPRouter()
        authenticator.addAuthRoutes(to: &router)
        router.add("*", "/api/v1/probe", authenticator.authenticated { _, caller in
            .json("{\"workspace\":\"\(caller.workspace)\",\"user\":\"\(caller.userID)\",\"role\":\"\(caller.role.rawValue)\",\"credential\":\"\(caller.credential.rawValue)\"}")
        })
        self.router = router
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func definition(_ id: WorkspaceID) -> WorkspaceDefinition {
        WorkspaceDefinition(id: id, name: "Workspace \(id)", region: "NG", timezone: "Africa/Lagos", configHash: "h")
    }

    @discardableResult
    func addUser(_ email: String, role: UserRole = .agent, workspace: WorkspaceID = "demo",
                 password: String = AuthFixture.password) throws -> UserRecord {
        try AccessAdmin(store: store, hasher: Self.hasher).addUser(workspace: workspace, email: email, role: role, password: password)
    }

    func request(_ method: String, _ path: String, headers: HTTPHeaders = [:], body: String = "",
                 from address: String = "192.0.2.10") -> HTTPResponse {
        router.respond(to: HTTPRequest(method: method, target: path, headers: headers, body: Array(body.utf8),
                                       remoteAddress: address))
    }

    func login(_ email: String, _ password: String = AuthFixture.password, workspace: String = "demo",
               from address: String = "192.0.2.10") -> HTTPResponse {
        let body = try! String(decoding: JSONSerialization.data(withJSONObject: ["email": email, "password": password, "workspace": workspace]), as: UTF8.self)
        return request("POST", "/api/v1/login", headers: ["Content-Type": "application/json"], body: body, from: address)
    }

    /// Logs in and returns the cookie header value and the CSRF token.
    func session(_ email: String, workspace: String = "demo") throws -> (cookie: String, csrf: String) {
        let r = login(email, workspace: workspace)
        #expect(r.status == 200)
        let setCookie = try #require(r.headers["Set-Cookie"])
        let cookie = String(setCookie.split(separator: ";")[0])
        let csrf = try #require(AuthFixture.json(r)["csrf_token"] as? String)
        return (cookie, csrf)
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

extension AuthFixture {
    /// The response body as a JSON object.
    static func json(_ r: HTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
    }

    /// The `error` sentence of a JSON error body.
    static func errorText(_ r: HTTPResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["error"] as? String
    }
}

@Suite struct AuthLoginTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    @Test func loginSetsTheSessionCookieAndAnswersWhoIsLoggedIn() throws {
        let user = try f.addUser("Titi@Bakery.ng", role: .owner)
        let r = f.login("titi@bakery.ng")
        #expect(r.status == 200)
        let body = try AuthFixture.json(r)
        let u = try #require(body["user"] as? [String: Any])
        #expect(u["id"] as? String == user.id)
        #expect(u["email"] as? String == "titi@bakery.ng")
        #expect(u["role"] as? String == "owner")
        #expect(body["workspace"] as? String == "demo")
        let csrf = try #require(body["csrf_token"] as? String)
        #expect(csrf.count >= 43)

        let setCookie = try #require(r.headers["Set-Cookie"])
        let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(attributes[0].hasPrefix("sb_session="))
        #expect(attributes[0].count > "sb_session=".count + 40)
        #expect(Set(attributes.dropFirst()) == ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"])

        // The session id is stored only as its hash.
        let sessionID = String(attributes[0].dropFirst("sb_session=".count))
        #expect(try f.store.authenticate(sessionHash: sessionID) == nil)
        #expect(try f.store.authenticate(sessionHash: Secrets.hash(sessionID))?.1.userID == user.id)

        let me = f.request("GET", "/api/v1/me", headers: ["Cookie": "theme=dark; \(attributes[0])"])
        #expect(me.status == 200)
        let meBody = try AuthFixture.json(me)
        #expect((meBody["user"] as? [String: Any])?["id"] as? String == user.id)
        #expect((meBody["user"] as? [String: Any])?["role"] as? String == "owner")
        #expect(meBody["workspace"] as? String == "demo")
        #expect(meBody["csrf_token"] as? String == csrf)
        #expect(meBody["credential"] as? String == "session")
    }

    @Test func wrongPasswordUnknownEmailAndWrongWorkspaceAllAnswerTheSame401() throws {
        try f.addUser("titi@bakery.ng")
        try f.addUser("ade@other.ng", workspace: "other")
        let answers = [
            f.login("titi@bakery.ng", "wrong-password"),
            f.login("nobody@bakery.ng"),
            f.login("titi@bakery.ng", workspace: "other"),
            f.login("titi@bakery.ng", workspace: "no-such-workspace"),
            f.login("ade@other.ng", workspace: "demo"),
        ]
        for r in answers {
            #expect(r.status == 401)
            #expect(AuthFixture.errorText(r) == "wrong e-mail, password or workspace")
            #expect(r.headers["Set-Cookie"] == nil)
        }
        #expect(f.login("ade@other.ng", workspace: "other").status == 200)
        // Failures are logged without the password.
        let log = f.log()
        #expect(log.contains("login failed"))
        #expect(!log.contains("wrong-password"))
        #expect(!log.contains(AuthFixture.password))
    }

    @Test func malformedLoginsAreRefusedBeforeAnyCheck() throws {
        let notJSON = f.request("POST", "/api/v1/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                body: "email=a@b.c&password=x&workspace=demo")
        #expect(notJSON.status == 415)
        let broken = f.request("POST", "/api/v1/login", headers: ["Content-Type": "application/json"], body: "{")
        #expect(broken.status == 400)
        let missing = f.request("POST", "/api/v1/login", headers: ["Content-Type": "application/json; charset=utf-8"],
                                body: "{\"email\":\"a@b.c\",\"workspace\":\"demo\"}")
        #expect(missing.status == 400)
        #expect(AuthFixture.errorText(missing) == "email, password and workspace are required")
        #expect(f.request("GET", "/api/v1/login").status == 405)
    }

    @Test func logoutDeletesTheSessionAndClearsTheCookie() throws {
        try f.addUser("titi@bakery.ng")
        let (cookie, csrf) = try f.session("titi@bakery.ng")
        let out = f.request("POST", "/api/v1/logout", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(out.status == 204)
        #expect(out.headers["Set-Cookie"] == "sb_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
        let me = f.request("GET", "/api/v1/me", headers: ["Cookie": cookie])
        #expect(me.status == 401)
        #expect(try f.store.workspace("demo").sessions.list(user: try #require(try f.store.workspace("demo").users.find(email: "titi@bakery.ng")).id).isEmpty)
    }

    @Test func secureIsAddedBehindAnHTTPSProxy() throws {
        try f.addUser("titi@bakery.ng")
        let r = f.request("POST", "/api/v1/login", headers: ["Content-Type": "application/json", "X-Forwarded-Proto": "https"],
                          body: "{\"email\":\"titi@bakery.ng\",\"password\":\"\(AuthFixture.password)\",\"workspace\":\"demo\"}")
        #expect(r.status == 200)
        #expect(r.headers["Set-Cookie"]?.hasSuffix("; Secure") == true)
    }
}

@Suite struct AuthSessionTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    @Test func stateChangingRequestsWithTheCookieNeedTheCSRFToken() throws {
        let user = try f.addUser("titi@bakery.ng", role: .admin)
        let (cookie, csrf) = try f.session("titi@bakery.ng")
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let none = f.request(method, "/api/v1/probe", headers: ["Cookie": cookie])
            #expect(none.status == 403, "\(method)")
            let wrong = f.request(method, "/api/v1/probe", headers: ["Cookie": cookie, "X-CSRF-Token": csrf + "x"])
            #expect(wrong.status == 403, "\(method)")
            let right = f.request(method, "/api/v1/probe", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(right.status == 200, "\(method)")
            #expect(try AuthFixture.json(right)["user"] as? String == user.id)
            #expect(try AuthFixture.json(right)["role"] as? String == "admin")
        }
        // Reads need no CSRF token.
        #expect(f.request("GET", "/api/v1/probe", headers: ["Cookie": cookie]).status == 200)
        // A logout without it is refused, and the session stays.
        #expect(f.request("POST", "/api/v1/logout", headers: ["Cookie": cookie]).status == 403)
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": cookie]).status == 200)
        // Another session's CSRF token does not fit this session.
        let (_, otherCSRF) = try f.session("titi@bakery.ng")
        #expect(f.request("POST", "/api/v1/probe", headers: ["Cookie": cookie, "X-CSRF-Token": otherCSRF]).status == 403)
    }

    @Test func aSessionExpiresTwelveHoursAfterLogin() throws {
        try f.addUser("titi@bakery.ng")
        let (cookie, _) = try f.session("titi@bakery.ng")
        f.clock.advance(12 * 3600 - 1)
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": cookie]).status == 200)
        f.clock.advance(1)
        let expired = f.request("GET", "/api/v1/me", headers: ["Cookie": cookie])
        #expect(expired.status == 401)
        #expect(AuthFixture.errorText(expired) == "session expired; log in again")
        #expect(expired.headers["Set-Cookie"]?.contains("Max-Age=0") == true)
        // And it is gone from the database.
        f.clock.advance(-100)
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": cookie]).status == 401)
    }

    @Test func aDeletedUsersSessionStopsWorking() throws {
        let user = try f.addUser("titi@bakery.ng")
        let (cookie, _) = try f.session("titi@bakery.ng")
        #expect(try f.store.workspace("demo").users.delete(user.id))
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": cookie]).status == 401)
    }

    @Test func missingAndBadCredentialsAre401() throws {
        let none = f.request("GET", "/api/v1/me")
        #expect(none.status == 401)
        #expect(none.headers["WWW-Authenticate"] == "Bearer realm=\"switchboard\"")
        #expect(f.request("GET", "/api/v1/probe").status == 401)
        #expect(f.request("POST", "/api/v1/logout").status == 401)
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": "sb_session=made-up"]).status == 401)
        #expect(f.request("GET", "/api/v1/me", headers: ["Cookie": "sb_session="]).status == 401)
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer sbt_made-up"]).status == 401)
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Basic dXNlcjpwYXNz"]).status == 401)
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer"]).status == 401)
    }
}

@Suite struct AuthTokenTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    @Test func aBearerTokenActsForItsWorkspaceWithoutCSRF() throws {
        let (record, token) = try AccessAdmin(store: f.store).createToken(workspace: "other", name: "crm-sync")
        #expect(token.hasPrefix("sbt_"))
        let me = f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(me.status == 200)
        let body = try AuthFixture.json(me)
        let user = try #require(body["user"] as? [String: Any])
        #expect(user["id"] as? String == "token:\(record.id)")
        #expect(user["name"] as? String == "crm-sync")
        #expect(user["email"] is NSNull)
        #expect(user["role"] as? String == "admin")
        #expect(body["workspace"] as? String == "other")
        #expect(body["csrf_token"] is NSNull)
        #expect(body["credential"] as? String == "token")

        let post = f.request("POST", "/api/v1/probe", headers: ["Authorization": "Bearer \(token)"])
        #expect(post.status == 200)
        #expect(try AuthFixture.json(post)["workspace"] as? String == "other")
        // Logging out with a token changes nothing: the token still works.
        #expect(f.request("POST", "/api/v1/logout", headers: ["Authorization": "Bearer \(token)"]).status == 204)
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]).status == 200)
    }

    @Test func useIsRecordedAtMostOncePerMinute() throws {
        let (record, token) = try AccessAdmin(store: f.store).createToken(workspace: "demo", name: "ci")
        let tokens = f.store.workspace("demo").tokens
        #expect(try tokens.get(record.id)?.lastUsedAt == nil)
        let first = f.clock.now
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        #expect(try tokens.get(record.id)?.lastUsedAt == first)
        f.clock.advance(30)
        _ = f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(try tokens.get(record.id)?.lastUsedAt == first)
        f.clock.advance(30)
        _ = f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(try tokens.get(record.id)?.lastUsedAt == f.clock.now)
    }

    @Test func aRevokedTokenOrOneOfAnUnconfiguredWorkspaceIs401() throws {
        let (revoked, revokedToken) = try AccessAdmin(store: f.store).createToken(workspace: "demo", name: "old")
        let (_, otherToken) = try AccessAdmin(store: f.store).createToken(workspace: "other", name: "ci")
        #expect(try f.store.workspace("demo").tokens.revoke(revoked.id))
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(revokedToken)"]).status == 401)
        // `other` removed from config: its credentials stop working.
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(otherToken)"]).status == 200)
        _ = try f.store.syncWorkspaces([AuthFixture.definition("demo")])
        #expect(f.request("GET", "/api/v1/me", headers: ["Authorization": "Bearer \(otherToken)"]).status == 401)
    }
}

@Suite struct AuthRateLimitTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    @Test func fiveWrongPasswordsLockTheAccountForFifteenMinutes() throws {
        try f.addUser("titi@bakery.ng")
        for _ in 0..<5 { #expect(f.login("titi@bakery.ng", "guess-guess").status == 401) }
        // Even the right password is refused now, from any address.
        let locked = f.login("titi@bakery.ng", from: "198.51.100.4")
        #expect(locked.status == 429)
        #expect(locked.headers["Retry-After"] == "900")
        #expect(AuthFixture.errorText(locked) == "too many failed logins; try again in 900 seconds")
        // Other accounts are not affected.
        try f.addUser("ade@bakery.ng")
        #expect(f.login("ade@bakery.ng").status == 200)

        f.clock.advance(10 * 60)
        #expect(f.login("titi@bakery.ng").headers["Retry-After"] == "300")
        f.clock.advance(5 * 60)
        #expect(f.login("titi@bakery.ng").status == 200)
    }

    @Test func oneAddressGuessingAtManyAccountsIsLimited() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 { #expect(f.login("user\(i)@bakery.ng", from: "203.0.113.9").status == 401) }
        let limited = f.login("titi@bakery.ng", from: "203.0.113.9")
        #expect(limited.status == 429)
        #expect(limited.headers["Retry-After"] != nil)
        #expect(f.login("titi@bakery.ng", from: "203.0.113.10").status == 200)
    }

    /// X-Forwarded-For from a peer that is not a trusted proxy (none are by default) is
    /// ignored: rotating it does not give a guesser fresh attempts.
    @Test func withoutTrustedProxiesTheForwardedHeaderIsIgnored() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 {
            let r = f.request("POST", "/api/v1/login",
                              headers: ["Content-Type": "application/json", "X-Forwarded-For": "203.0.113.\(i)"],
                              body: "{\"email\":\"user\(i)@bakery.ng\",\"password\":\"guess\",\"workspace\":\"demo\"}",
                              from: "127.0.0.1")
            #expect(r.status == 401)
        }
        let rotated = f.request("POST", "/api/v1/login",
                                headers: ["Content-Type": "application/json", "X-Forwarded-For": "198.51.100.99"],
                                body: "{\"email\":\"titi@bakery.ng\",\"password\":\"\(AuthFixture.password)\",\"workspace\":\"demo\"}",
                                from: "127.0.0.1")
        #expect(rotated.status == 429)
    }
}

/// `server.trusted_proxies`: behind a trusted proxy, the right-most address in
/// X-Forwarded-For that is not itself a trusted proxy is the client.
@Suite struct AuthBehindProxyTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture(trustedProxies: ["127.0.0.1", "10.0.0.0/8"]) }

    func viaProxy(_ forwarded: String, _ email: String, password: String = AuthFixture.password,
                  peer: String = "127.0.0.1") -> HTTPResponse {
        f.request("POST", "/api/v1/login",
                  headers: ["Content-Type": "application/json", "X-Forwarded-For": forwarded],
                  body: "{\"email\":\"\(email)\",\"password\":\"\(password)\",\"workspace\":\"demo\"}",
                  from: peer)
    }

    @Test func theForwardedClientCounts() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 { #expect(viaProxy("10.9.9.9, 203.0.113.9", "user\(i)@bakery.ng").status == 401) }
        #expect(viaProxy("203.0.113.9", "titi@bakery.ng").status == 429)
        #expect(viaProxy("203.0.113.77", "titi@bakery.ng").status == 200)
    }

    /// What the client writes left of the address the proxy appended proves nothing.
    @Test func rotatingTheClientWrittenPartGainsNothing() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 { #expect(viaProxy("198.51.100.\(i), 203.0.113.9", "user\(i)@bakery.ng").status == 401) }
        #expect(viaProxy("198.51.100.200, 203.0.113.9", "titi@bakery.ng").status == 429)
    }

    /// Through two trusted proxies (127.0.0.1 received it from 10.1.2.3, which received
    /// it from the client), and with the header split over two lines.
    @Test func aChainOfTrustedProxiesIsWalkedFromTheRight() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 {
            let r = f.request("POST", "/api/v1/login",
                              headers: HTTPHeaders([(name: "Content-Type", value: "application/json"),
                                                    (name: "X-Forwarded-For", value: "192.0.2.\(i), 203.0.113.9"),
                                                    (name: "X-Forwarded-For", value: "10.1.2.3")]),
                              body: "{\"email\":\"user\(i)@bakery.ng\",\"password\":\"x\",\"workspace\":\"demo\"}",
                              from: "127.0.0.1")
            #expect(r.status == 401)
        }
        #expect(viaProxy("203.0.113.9, 10.1.2.3", "titi@bakery.ng").status == 429)
        #expect(viaProxy("203.0.113.10, 10.1.2.3", "titi@bakery.ng").status == 200)
    }

    /// A peer that is not a trusted proxy is the client, whatever it forwards.
    @Test func anUntrustedPeersForwardedHeaderIsIgnored() throws {
        try f.addUser("titi@bakery.ng")
        for i in 0..<20 { #expect(viaProxy("203.0.113.\(i)", "user\(i)@bakery.ng", peer: "192.0.2.50").status == 401) }
        #expect(viaProxy("203.0.113.200", "titi@bakery.ng", peer: "192.0.2.50").status == 429)
    }
}

/// The no-oracle and atomicity guarantees of login, through the real `Authenticator`.
@Suite struct AuthLoginHardeningTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    /// How many times scrypt runs for one login.
    func derivations(_ login: () -> HTTPResponse) -> (status: Int, scrypt: Int) {
        let counter = DerivationCounter()
        let status = PasswordHasher.$derivationCounter.withValue(counter) { login().status }
        return (status, counter.count)
    }

    /// An over-long password is refused before scrypt for an unknown e-mail exactly as
    /// for a real account (scrypt for one and not the other tells which e-mails exist);
    /// an ordinary wrong password runs scrypt once on both.
    @Test func knownAndUnknownAccountsDoTheSameWork() throws {
        try f.addUser("titi@bakery.ng")
        let long = String(repeating: "p", count: PasswordHasher.maxPasswordBytes + 1)
        #expect(derivations { f.login("titi@bakery.ng", long) } == (401, 0))
        #expect(derivations { f.login("nobody@bakery.ng", long) } == (401, 0))
        #expect(derivations { f.login("titi@bakery.ng", "wrong-pass") } == (401, 1))
        #expect(derivations { f.login("nobody@bakery.ng", "wrong-pass") } == (401, 1))
        #expect(derivations { f.login("nobody@bakery.ng", "wrong-pass", workspace: "no-such-ws") } == (401, 1))
        #expect(derivations { f.login("titi@bakery.ng") } == (200, 1))
    }

    /// 16 wrong passwords at once: the account allows 5 failures, and no more than 5 are
    /// even tried (the rest are refused before scrypt).
    @Test func sixteenParallelGuessesGetNoMoreThanFiveTries() throws {
        try f.addUser("titi@bakery.ng")
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let s = f.login("titi@bakery.ng", "guess-\(i)", from: "198.51.100.\(i)").status
            statuses.withLock { $0.append(s) }
        }
        let all = statuses.withLock { $0 }
        #expect(all.filter { $0 == 401 }.count == 5, "\(all)")
        #expect(all.filter { $0 == 429 }.count == 11, "\(all)")
    }
}
