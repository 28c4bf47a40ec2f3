import Foundation
import Testing

/// `switchboard user add` and `switchboard token create` run as an operator runs them,
/// before the host ever started, then the credentials used against a running `serve`.
@Suite struct AccessCommandTests {
    func run(_ host: TestHost, _ args: [String], stdin: String? = nil) throws -> CommandResult {
        try runSwitchboard(args + ["--config", host.configPath], cwd: host.dir, stdin: stdin)
    }

    @Test func usersAndTokensCreatedOfflineWorkAgainstTheRunningHost() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])

        // The host never ran: the commands store the configured workspace themselves.
        let add = try run(host, ["user", "add", "--workspace", "demo", "--email", "Titi@Bakery.ng", "--role", "owner"])
        #expect(add.status == 0, "\(add.stderr)")
        let lines = add.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("added user usr_") == true)
        #expect(lines.first?.hasSuffix(" titi@bakery.ng (owner) to workspace demo") == true)
        let password = try #require(lines.last?.split(separator: " ").last.map(String.init))
        #expect(lines.last == "password: \(password)")
        #expect(password.count == 24)

        let again = try run(host, ["user", "add", "--workspace", "demo", "--email", "titi@bakery.ng", "--role", "agent"])
        #expect(again.status == 1)
        #expect(again.stderr == "switchboard user add: a user with e-mail titi@bakery.ng already exists in workspace demo\n")

        let piped = try run(host, ["user", "add", "--workspace", "demo", "--email", "ade@bakery.ng", "--role", "agent",
                                   "--password-stdin"], stdin: "ade-chooses-this\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("password"))
        #expect(!piped.stdout.contains("ade-chooses-this"))

        let unknown = try run(host, ["user", "add", "--workspace", "nowhere", "--email", "x@y.ng", "--role", "agent"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("workspace 'nowhere' is not configured (configured: demo)"))
        let badRole = try run(host, ["user", "add", "--workspace", "demo", "--email", "x@y.ng", "--role", "boss"])
        #expect(badRole.status == 2)
        #expect(badRole.stderr.contains("--role must be owner, admin or agent, got 'boss'"))

        let created = try run(host, ["token", "create", "--workspace", "demo", "--name", "crm-sync"])
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("sbt_"))
        #expect(token.count == 47)

        try host.start()
        let c = host.client
        let me = try c.get("/api/v1/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(me.status == 200)
        let body = try #require(try me.json() as? [String: Any])
        #expect(body["workspace"] as? String == "demo")
        #expect((body["user"] as? [String: Any])?["name"] as? String == "crm-sync")
        #expect(try c.get("/api/v1/me").status == 401)
        #expect(try c.get("/api/v1/me", headers: ["Authorization": "Bearer \(token)x"]).status == 401)

        // The generated password logs in; the cookie then answers /me.
        let login = try c.post("/api/v1/login",
                               body: Array("{\"email\":\"titi@bakery.ng\",\"password\":\"\(password)\",\"workspace\":\"demo\"}".utf8),
                               headers: ["Content-Type": "application/json"])
        #expect(login.status == 200)
        let cookie = try #require(login.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let byCookie = try c.get("/api/v1/me", headers: ["Cookie": cookie])
        #expect(byCookie.status == 200)
        #expect(((try byCookie.json() as? [String: Any])?["user"] as? [String: Any])?["role"] as? String == "owner")

        // A token created while the host runs works at once.
        let second = try run(host, ["token", "create", "--workspace", "demo", "--name", "second"])
        #expect(second.status == 0, "\(second.stderr)")
        let token2 = try #require(second.stdout.split(separator: "\n").last.map(String.init))
        #expect(token2 != token)
        #expect(try c.get("/api/v1/me", headers: ["Authorization": "Bearer \(token2)"]).status == 200)

        // Neither the password nor the tokens reach the log.
        #expect(!host.logText.contains(password))
        #expect(!host.logText.contains(token))
    }
}
