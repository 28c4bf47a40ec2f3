import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport

/// Administration of the running binary: config changes applied without a restart, the
/// files as the one source of truth, token revocation and roles route by route.
@Suite(.serialized) struct LiveAdminTests {
    static let sharedNumber = """
        channels:
          - id: wa-main
            type: whatsapp
            app: main
            phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
            access_token: \(PipelineHarness.accessToken)
            fallback_workspace: demo
        """

    static let shop = """
        id: shop
        name: Corner Shop
        region: NG
        timezone: Africa/Lagos
        senders: ["+2348090000001"]
        fallback: "Corner Shop here, how can we help?"
        """

    static func workspaceFile(_ h: PipelineHarness, _ id: String) -> String {
        h.host.dir.appendingPathComponent("workspaces/\(id).yaml").path
    }

    static func replies(_ h: PipelineHarness, to: String) -> [RecordedSend] {
        h.replies.filter { $0.to == to }
    }

    /// A workspace file added while one customer keeps writing: after `switchboard
    /// reload` the new business answers its first message; the customer's messages are
    /// each answered exactly once, and the process never restarted.
    @Test func aWorkspaceAddedWhileTrafficFlowsAnswersWithoutARestart() throws {
        // WhatsApp's pair spacing (1 s per customer) would make one writing customer a
        // queue of minutes; the test is about routing and chains, not that limit.
        let h = try PipelineHarness(channels: Self.sharedNumber, extraHostYAML: "outbox:\n  pair_spacing_ms: 0")
        try h.start()
        let pid = h.host.process.processIdentifier
        let posted = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stop.load(ordering: .relaxed) {
                // Closed loop: at most 10 of the customer's messages unanswered at a time.
                let sent = posted.load(ordering: .relaxed)
                _ = h.graph.wait(timeout: .seconds(10)) { _ in Self.replies(h, to: "2348031111111").count >= sent - 10 }
                let status = (try? h.post([h.text("order \(posted.load(ordering: .relaxed))", from: "2348031111111")]))?.status
                if status == 200 { posted.add(1, ordering: .relaxed) } else { failures.add(1, ordering: .relaxed) }
            }
            done.signal()
        }
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in Self.replies(h, to: "2348031111111").count >= 5 })

        try Self.shop.write(toFile: Self.workspaceFile(h, "shop"), atomically: true, encoding: .utf8)
        let reload = try runSwitchboard(["reload", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("workspaces added: shop"), "\(reload.stdout)")

        #expect(try h.post([h.text("hello, do you sell bread?", from: "2348090000001")]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in !Self.replies(h, to: "2348090000001").isEmpty })
        #expect(Self.replies(h, to: "2348090000001").map(\.text) == ["Corner Shop here, how can we help?"])

        // More traffic after the reload, then stop and count.
        let afterReload = posted.load(ordering: .relaxed)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in posted.load(ordering: .relaxed) >= afterReload + 5 })
        stop.store(true, ordering: .relaxed)
        done.wait()
        let n = posted.load(ordering: .relaxed)
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(h.graph.wait(timeout: .seconds(20)) { _ in Self.replies(h, to: "2348031111111").count >= n })
        // A last message is the barrier: a doubled reply would be sent before its answer.
        #expect(try h.post([h.text("last one", from: "2348031111111")]).status == 200)
        #expect(h.graph.wait(timeout: .seconds(10)) { _ in Self.replies(h, to: "2348031111111").count >= n + 1 })
        let toCustomer = Self.replies(h, to: "2348031111111")
        #expect(toCustomer.count == n + 1)
        #expect(toCustomer.allSatisfy { $0.text == "Thanks! We will get back to you shortly." })
        #expect(h.host.process.processIdentifier == pid && h.host.process.isRunning)
        #expect(h.host.logLines.filter { $0["message"] as? String == "switchboard started" }.count == 1)
    }

    func ownerToken(_ h: PipelineHarness, role: String = "owner") throws -> String {
        let r = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "\(role)-t", "--role", role,
                                    "--config", h.host.configPath], cwd: h.host.dir)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(r.stdout.split(separator: "\n").last.map(String.init))
    }

    func answer(_ h: PipelineHarness, from: String, text: String = "hi") throws -> String? {
        let before = Self.replies(h, to: from).count
        #expect(try h.post([h.text(text, from: from)]).status == 200)
        _ = h.graph.wait(timeout: .seconds(10)) { _ in Self.replies(h, to: from).count > before }
        return Self.replies(h, to: from).last?.text
    }

    /// A broken edit (by hand with SIGHUP or `reload`, or through the API) is refused
    /// with the file's line and column, and the running config stays; a good API edit
    /// applies at once and survives a restart; a hand edit shows in the API.
    @Test func editsThroughTheAPIAndTheFilesNeverFight() throws {
        let h = try PipelineHarness()
        try h.start()
        let owner = try ownerToken(h)
        let auth = ["Authorization": "Bearer \(owner)"]
        let file = Self.workspaceFile(h, "demo")
        let original = try String(contentsOfFile: file, encoding: .utf8)
        #expect(try answer(h, from: "2348031000001") == "Thanks! We will get back to you shortly.")

        // Through the API: refused, with the file's position; the file is as it was.
        let broken = original + "\nfallbak: typo\n"
        let refused = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: auth, body: Array(broken.utf8))
        #expect(refused.status == 422, "\(refused.text)")
        let errors = (try refused.json() as? [String: Any])?["errors"] as? [String] ?? []
        #expect(errors.contains { $0.contains("demo.yaml:") && $0.contains("fallbak") }, "\(errors)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == original)
        #expect(try answer(h, from: "2348031000001") == "Thanks! We will get back to you shortly.")

        // A library or a file on the server is not the workspace admin's to name.
        let library = original + "\nplugins:\n  - name: faq\n    file: /tmp/libanything.so\n"
        let server = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: auth, body: Array(library.utf8))
        #expect(server.status == 422)
        #expect(server.text.contains("on the server"), "\(server.text)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == original)

        // By hand: `reload` checks first and does not ask the host; SIGHUP is refused.
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        let cli = try runSwitchboard(["reload", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(cli.status == 1)
        #expect(cli.stderr.contains("demo.yaml:") && cli.stderr.contains("fallbak"), "\(cli.stderr)")
        h.host.signal(SIGHUP)
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "config reload refused; the running config stays" }
        #expect(try answer(h, from: "2348031000001") == "Thanks! We will get back to you shortly.")
        try original.write(toFile: file, atomically: true, encoding: .utf8)

        // A good edit through the API applies at once ...
        let edited = original.replacingOccurrences(of: "Thanks! We will get back to you shortly.", with: "Edited through the API.")
        let ok = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: auth, body: Array(edited.utf8))
        #expect(ok.status == 200, "\(ok.text)")
        #expect(try answer(h, from: "2348031000001") == "Edited through the API.")
        #expect(try String(contentsOfFile: file + ".prev", encoding: .utf8) == original)
        // ... and survives a restart (it is the file).
        try h.restart()
        #expect(try h.host.client.get("/api/v1/workspace/config", headers: auth).text == edited)
        #expect(try answer(h, from: "2348031000002") == "Edited through the API.")

        // A hand edit and `switchboard reload`: the API shows it, the customer gets it.
        let byHand = original.replacingOccurrences(of: "Thanks! We will get back to you shortly.", with: "Edited by hand.")
        try byHand.write(toFile: file, atomically: true, encoding: .utf8)
        let reload = try runSwitchboard(["reload", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("changed: demo"), "\(reload.stdout)")
        #expect(try h.host.client.get("/api/v1/workspace/config", headers: auth).text == byHand)
        #expect(try answer(h, from: "2348031000003") == "Edited by hand.")

        // The audit trail says who did what.
        let trail = try h.host.client.get("/api/v1/audit?limit=100", headers: auth)
        let entries = (try trail.json() as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(entries.contains { ($0["actor"] as? String)?.hasPrefix("token:") == true && $0["action"] as? String == "config_refused" })
        #expect(entries.contains { ($0["actor"] as? String)?.hasPrefix("token:") == true && $0["action"] as? String == "config_reload" })
        #expect(entries.contains { $0["actor"] as? String == "file" && $0["action"] as? String == "config_reload" })
        // An admin may edit settings; an agent may not.
        let agent = try ownerToken(h, role: "agent")
        let denied = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: ["Authorization": "Bearer \(agent)"],
                                               body: Array(edited.utf8))
        #expect(denied.status == 403)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == byHand)
    }

    @Test func aRevokedTokenIsRefusedOnItsNextRequest() throws {
        let h = try PipelineHarness()
        try h.start()
        let token = try ownerToken(h, role: "agent")
        let auth = ["Authorization": "Bearer \(token)"]
        #expect(try h.host.client.get("/api/v1/conversations", headers: auth).status == 200)
        let list = try runSwitchboard(["token", "list", "--workspace", "demo", "--config", h.host.configPath], cwd: h.host.dir)
        let id = try #require(list.stdout.split(separator: "\n").first { $0.contains("agent-t") }.map { String($0.split(separator: "\t")[0]) })
        let revoke = try runSwitchboard(["token", "revoke", "--workspace", "demo", id, "--config", h.host.configPath], cwd: h.host.dir)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let refused = try h.host.client.get("/api/v1/conversations", headers: auth)
        #expect(refused.status == 401)
        #expect(refused.text.contains("unknown or revoked"))
        let audit = try runSwitchboard(["audit", "--workspace", "demo", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(audit.stdout.contains("token_revoked"), "\(audit.stdout)")
    }

    /// The served OpenAPI document, walked with a token of each role and an operator's:
    /// 403 exactly below each operation's `x-minimum-role`.
    @Test func rolesRouteByRoute() throws {
        let h = try PipelineHarness()
        try h.start()
        var tokens: [String: String] = [:]
        for role in ["owner", "admin", "agent"] { tokens[role] = try ownerToken(h, role: role) }
        let op = try runSwitchboard(["operator", "add", "--email", "ops@agency.ng", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(op.status == 0, "\(op.stderr)")
        let operatorToken = try #require(op.stdout.split(separator: "\n").last.map(String.init))
        let doc = try #require(try h.host.client.get("/api/v1/openapi.json").json() as? [String: Any])
        let rank = ["agent": 0, "admin": 1, "owner": 2]
        var walked = 0
        for (path, item) in doc["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let minimum = (operation as? [String: Any])?["x-minimum-role"] as? String, path != "/api/v1/events" else { continue }
                let target = path.replacingOccurrences(of: "{id}", with: "nope")
                for (role, token) in tokens {
                    let r = try h.host.client.request(method.uppercased(), target, headers: ["Authorization": "Bearer \(token)"], body: [])
                    let allowed = minimum != "operator" && rank[role]! >= rank[minimum]!
                    #expect(allowed ? (r.status != 403 && r.status != 401) : r.status == 403,
                            "\(role) \(method) \(path): \(r.status) \(r.text)")
                }
                let r = try h.host.client.request(method.uppercased(), target, headers: ["Authorization": "Bearer \(operatorToken)"], body: [])
                // Let in (a POST without its body: 400) or, outside the operator's routes, unknown.
                #expect(minimum == "operator" ? (r.status == 200 || r.status == 400) : r.status == 401,
                        "operator \(method) \(path): \(r.status) \(r.text)")
                walked += 1
            }
        }
        #expect(walked >= 29)   // every route but the event stream
        // The operator sees channel health across workspaces.
        let health = try h.host.client.get("/api/v1/operator/channels", headers: ["Authorization": "Bearer \(operatorToken)"])
        #expect(health.text.contains("wa-main"))
    }

    static func faqWorkspace(_ id: String, hours: String) -> String {
        """
        id: \(id)
        name: Shop \(id)
        region: NG
        timezone: Africa/Lagos
        plugins:
          - name: faq
            config:
              entries:
                - {id: hours, questions: ["When are you open?"], answer: "\(hours)"}
        """
    }

    /// An operator's reload: only the workspace whose plugins changed gets new plugin
    /// instances, the other keeps answering on its own; a changed listen address is
    /// named as needing a restart, not ignored.
    @Test func onlyTheChangedWorkspaceGetsNewPluginInstances() throws {
        let h = try PipelineHarness(workspaces: ["demo": Self.faqWorkspace("demo", hours: "Demo opens at 8."),
                                                 "other": Self.faqWorkspace("other", hours: "Other opens at 9.")])
        try h.start()
        let op = try runSwitchboard(["operator", "add", "--email", "ops@agency.ng", "--config", h.host.configPath], cwd: h.host.dir)
        let token = try #require(op.stdout.split(separator: "\n").last.map(String.init))
        try Self.faqWorkspace("other", hours: "Other opens at 10 now.").write(toFile: Self.workspaceFile(h, "other"), atomically: true, encoding: .utf8)
        let host = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        try host.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:18080")
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)

        let r = try h.host.client.request("POST", "/api/v1/operator/reload", headers: ["Authorization": "Bearer \(token)"], body: [])
        #expect(r.status == 200, "\(r.text)")
        let outcome = try #require(try r.json() as? [String: Any])
        #expect(outcome["changed"] as? [String] == ["other"])
        #expect(outcome["new_plugin_instances"] as? [String] == ["other"])
        #expect((outcome["needs_restart"] as? [String])?.contains("server.listen") == true, "\(outcome)")
        #expect(try answer(h, from: "2348031000009", text: "When are you open?") == "Demo opens at 8.")
        let trail = try h.host.client.get("/api/v1/operator/audit", headers: ["Authorization": "Bearer \(token)"]).text
        #expect(trail.contains("operator:") && trail.contains("config_reload"), "\(trail)")
    }

    /// Onboarding without touching the server: an operator creates a workspace through
    /// the API and gets the owner's invite link; the owner sets a password, logs in,
    /// writes the business's FAQ and number through the API, and the business answers its
    /// first customer, all while the host runs. `workspace add` does the same from the CLI.
    @Test func anOperatorOnboardsABusinessThatAnswersWithoutARestart() throws {
        let h = try PipelineHarness(channels: Self.sharedNumber)
        try h.start()
        let op = try runSwitchboard(["operator", "add", "--email", "ops@agency.ng", "--config", h.host.configPath], cwd: h.host.dir)
        let opAuth = ["Authorization": "Bearer " + (try #require(op.stdout.split(separator: "\n").last.map(String.init)))]
        let body = #"{"id":"salon","name":"Ada's Salon","timezone":"Africa/Lagos","owner_email":"Ada@Salon.ng"}"#
        let created = try h.host.client.request("POST", "/api/v1/operator/workspaces", headers: opAuth.merging(["Content-Type": "application/json"]) { a, _ in a },
                                                body: Array(body.utf8))
        #expect(created.status == 201, "\(created.text)")
        let url = try #require((try created.json() as? [String: Any])?["url"] as? String)
        let token = String(url.dropFirst("/invite/".count))
        // The same id again: refused.
        #expect(try h.host.client.request("POST", "/api/v1/operator/workspaces", headers: opAuth, body: Array(body.utf8)).status == 409)

        // The owner opens the link (a page under the strict CSP, reading the API), sets a
        // password, logs in.
        let page = try h.host.client.get(url)
        #expect(page.status == 200 && page.text.contains("/invite/invite.js"))
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(try h.host.client.get("/invite/invite.js").text.contains("/api/v1/invite/"))
        let invite = try h.host.client.get("/api/v1/invite/\(token)")
        #expect(invite.status == 200)
        #expect(invite.text.contains("Ada's Salon") && invite.text.contains("ada@salon.ng") && invite.text.contains("owner"))
        #expect(try h.host.client.request("POST", "/api/v1/invite/\(token)/accept", headers: ["Content-Type": "application/json"],
                                          body: Array(#"{"password":"short"}"#.utf8)).status == 400)
        let accepted = try h.host.client.request("POST", "/api/v1/invite/\(token)/accept", headers: ["Content-Type": "application/json"],
                                                 body: Array(#"{"password":"salon-owner-pass"}"#.utf8))
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(try h.host.client.request("POST", "/api/v1/invite/\(token)/accept", headers: ["Content-Type": "application/json"],
                                          body: Array(#"{"password":"salon-owner-pass"}"#.utf8)).status == 404)
        let login = try h.host.client.request("POST", "/api/v1/login", headers: ["Content-Type": "application/json"],
                                              body: Array(#"{"email":"ada@salon.ng","password":"salon-owner-pass","workspace":"salon"}"#.utf8))
        #expect(login.status == 200, "\(login.text)")
        let cookie = try #require(login.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let csrf = try #require((try login.json() as? [String: Any])?["csrf_token"] as? String)
        let me = ["Cookie": cookie, "X-CSRF-Token": csrf]

        // The owner sets up the FAQ and the number customers write from.
        var file = try h.host.client.get("/api/v1/workspace/config", headers: me).text
        #expect(file.contains("Ada's Salon"))
        file += """
            senders: ["+2348090000002"]
            plugins:
              - name: faq
                config:
                  entries:
                    - {id: braids, questions: ["Do you do braids?"], answer: "Yes, braids from 5000 naira."}

            """
        let saved = try h.host.client.request("PUT", "/api/v1/workspace/config", headers: me, body: Array(file.utf8))
        #expect(saved.status == 200, "\(saved.text)")
        #expect(try answer(h, from: "2348090000002", text: "do you do braids?") == "Yes, braids from 5000 naira.")

        // From the CLI, with the host running: the link works at once.
        let cli = try runSwitchboard(["workspace", "add", "--id", "barber", "--name", "Barber", "--owner-email", "sam@barber.ng",
                                      "--base-url", "https://switchboard.example", "--config", h.host.configPath], cwd: h.host.dir)
        #expect(cli.status == 0, "\(cli.stderr)")
        let link = try #require(cli.stdout.split(separator: "\n").last.map(String.init))
        #expect(link.hasPrefix("https://switchboard.example/invite/"))
        #expect(try h.host.client.get("/api/v1/invite/" + link.split(separator: "/").last!).status == 200)
        let trail = try h.host.client.get("/api/v1/operator/audit", headers: opAuth).text
        #expect(trail.contains("workspace_created"))
    }

    /// A web chat channel added to the host config takes visitors after a reload: its page,
    /// its messages and the answer on its stream, without a restart.
    @Test func aWebChatAddedToTheHostConfigAnswersWithoutARestart() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        #expect(try host.client.get("/chat/demo").status == 404)
        let text = try String(contentsOfFile: host.configPath, encoding: .utf8)
        try (text + "\nchannels:\n  - id: web-demo\n    type: webchat\n    workspace: demo\n")
            .write(toFile: host.configPath, atomically: true, encoding: .utf8)
        let reload = try runSwitchboard(["reload", "--config", host.configPath], cwd: host.dir)
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(!reload.stdout.contains("needs a restart"), "\(reload.stdout)")
        #expect(try host.client.get("/chat/demo").status == 200)
        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        let posted = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"hello\"}".utf8),
                                          headers: ["Content-Type": "application/json"])
        #expect(posted.status == 202)
        #expect(stream.read(timeout: 10) { lines in lines.contains { $0.contains("We will get back to you shortly") } }, "\(stream.text)")
    }

    /// `switchboard user list|role|reset-password|remove` against a running host: a reset
    /// password or a removed user ends their sessions at once, a new role applies at the
    /// next request, and the last owner stays.
    @Test func userCommandsEndSessionsOfTheRunningHost() throws {
        let h = try PipelineHarness()
        try h.start()
        func cli(_ args: [String], stdin: String? = nil) throws -> CommandResult {
            try runSwitchboard(args + ["--workspace", "demo", "--config", h.host.configPath], cwd: h.host.dir, stdin: stdin)
        }
        #expect(try cli(["user", "add", "--email", "boss@bakery.ng", "--role", "owner", "--password-stdin"], stdin: "boss-password-1\n").status == 0)
        #expect(try cli(["user", "add", "--email", "ada@bakery.ng", "--role", "agent", "--password-stdin"], stdin: "ada-password-1\n").status == 0)
        func login(_ email: String, _ password: String) throws -> [String: String]? {
            let r = try h.host.client.request("POST", "/api/v1/login", headers: ["Content-Type": "application/json"],
                                              body: Array(#"{"email":"\#(email)","password":"\#(password)","workspace":"demo"}"#.utf8))
            guard r.status == 200, let cookie = r.headers["set-cookie"]?.split(separator: ";").first else { return nil }
            return ["Cookie": String(cookie)]
        }
        let ada = try #require(try login("ada@bakery.ng", "ada-password-1"))
        #expect(try h.host.client.get("/api/v1/tokens", headers: ada).status == 403)
        let list = try cli(["user", "list"])
        #expect(list.stdout.contains("ada@bakery.ng\tagent") && list.stdout.contains("boss@bakery.ng\towner"), "\(list.stdout)")

        #expect(try cli(["user", "role", "--email", "ada@bakery.ng", "--role", "owner"]).status == 0)
        #expect(try h.host.client.get("/api/v1/tokens", headers: ada).status == 200)

        let reset = try cli(["user", "reset-password", "--email", "ada@bakery.ng"])
        #expect(reset.status == 0 && reset.stdout.contains("sessions ended"), "\(reset.stdout)\(reset.stderr)")
        #expect(try h.host.client.get("/api/v1/conversations", headers: ada).status == 401)
        let newPassword = try #require(reset.stdout.split(separator: "\n").last.map { String($0.dropFirst("password: ".count)) })
        let again = try #require(try login("ada@bakery.ng", newPassword))

        #expect(try cli(["user", "remove", "--email", "ada@bakery.ng"]).status == 0)
        #expect(try h.host.client.get("/api/v1/conversations", headers: again).status == 401)
        let last = try cli(["user", "remove", "--email", "boss@bakery.ng"])
        #expect(last.status == 1 && last.stderr.contains("last owner"), "\(last.stderr)")
        let audit = try runSwitchboard(["audit", "--workspace", "demo", "--config", h.host.configPath], cwd: h.host.dir)
        for action in ["user_added", "user_role", "password_reset", "user_removed"] {
            #expect(audit.stdout.contains("cli\t\(action)"), "\(action): \(audit.stdout)")
        }
    }
}
