import Foundation
import Testing
import SwitchboardTestSupport

/// Message templates through the running host and the fake Graph API: synced at start,
/// sent after the 24-hour window closed, parameters checked before the Graph call, the
/// provider's template errors recorded, status webhooks applied.
@Suite struct TemplateServeTests {
    static let waba = WhatsAppFixtures.businessAccountID

    /// A harness whose channel has a business account, a token, and one conversation
    /// whose customer last wrote two days ago.
    struct Setup {
        let h: PipelineHarness
        let auth: [String: String]
        let conversation: String
        let db: TestDatabase

        func get(_ path: String) throws -> HTTPClient.Response { try h.host.client.get(path, headers: auth) }
        func post(_ path: String, _ json: String) throws -> HTTPClient.Response {
            try h.host.client.post(path, body: Array(json.utf8), headers: auth.merging(["Content-Type": "application/json"]) { a, _ in a })
        }
        func messages() throws -> [[String: Any]] {
            ((try get("/api/v1/conversations/\(conversation)").json() as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        }
        var templateSends: [RecordedSend] { h.graph.sends.filter { $0.type == "template" } }
    }

    static func setUp(templates: [FakeTemplate], role: String? = nil) throws -> Setup {
        let h = try PipelineHarness(channels: """
            channels:
              - id: wa-main
                type: whatsapp
                app: main
                phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
                access_token: \(PipelineHarness.accessToken)
                waba_id: "\(waba)"
                workspace: demo
            """, workspaces: ["demo": TestWorkspaces.demo])
        h.graph.setTemplates(templates, waba: waba)
        h.graph.setTemplatePageSize(2)   // the sync follows the pages
        let created = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", h.host.configPath],
                                         cwd: h.host.dir)
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        try h.start()
        #expect(try h.post([h.text("is my cake ready?")]).status == 200)
        let auth = ["Authorization": "Bearer \(token)"]
        var id: String?
        for _ in 0..<500 where id == nil {
            let list = try h.host.client.get("/api/v1/conversations", headers: auth)
            id = ((try? list.json()) as? [String: Any]).flatMap { $0["items"] as? [[String: Any]] }?.first?["id"] as? String
            if id == nil { usleep(10_000) }
        }
        let conversation = try #require(id)
        let db = try TestDatabase(path: h.host.dir.appendingPathComponent("switchboard.db").path)
        // The customer last wrote two days ago: the window is closed.
        let twoDaysAgo = Int64((Date().timeIntervalSince1970 - 2 * 86_400) * 1000)
        try db.execute("UPDATE conversations SET last_inbound_at = \(twoDaysAgo) WHERE id = '\(conversation)'")
        // The start-up sync has stored the templates.
        let s = Setup(h: h, auth: auth, conversation: conversation, db: db)
        #expect(h.graph.wait(timeout: .seconds(30)) { _ in
            ((try? s.get("/api/v1/conversations/\(conversation)/templates").json() as? [String: Any])?["items"] as? [Any])?.count == templates.count
        })
        return s
    }

    static let orderReady = FakeTemplate(name: "order_ready", language: "en_US", body: "Hi {{1}}, your order {{2}} is ready for pickup.")

    @Test func aTemplateIsSentAfterTheWindowClosedAndFreeTextIsStillRefused() throws {
        let s = try Self.setUp(templates: [Self.orderReady,
                                           FakeTemplate(name: "cake_promo", status: "REJECTED", category: "MARKETING", body: "Sale!"),
                                           FakeTemplate(name: "welcome", language: "es", body: "Hola")])
        // Free text: refused, the composer must offer a template.
        let refused = try s.post("/api/v1/conversations/\(s.conversation)/reply", #"{"text":"your cake is ready"}"#)
        #expect(refused.status == 409)
        #expect(refused.text.contains("outside_window"))

        let list = try #require(try s.get("/api/v1/conversations/\(s.conversation)/templates").json() as? [String: Any])
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.map { $0["name"] as? String } == ["cake_promo", "order_ready", "welcome"])
        let ready = try #require(items.first { $0["name"] as? String == "order_ready" })
        #expect(ready["body_parameters"] as? Int == 2)
        #expect(ready["unavailable"] is NSNull)
        #expect((items.first { $0["name"] as? String == "cake_promo" }?["unavailable"] as? String)?.contains("rejected") == true)

        let sent = try s.post("/api/v1/conversations/\(s.conversation)/template",
                              ##"{"name":"order_ready","language":"en_US","body":["Ana","#1234"]}"##)
        #expect(sent.status == 202, "\(sent.text)")
        let message = try #require(sent.json() as? [String: Any])
        #expect(message["kind"] as? String == "template")
        #expect(message["text"] as? String == "Hi Ana, your order #1234 is ready for pickup.")
        #expect(s.h.graph.wait(timeout: .seconds(30)) { $0.acceptedSends.contains { $0.type == "template" } })
        let body = try #require(s.templateSends.first?.json["template"] as? [String: Any])
        #expect(body["name"] as? String == "order_ready")
        #expect((body["language"] as? [String: Any])?["code"] as? String == "en_US")
        let components = try #require(body["components"] as? [[String: Any]])
        #expect(components.count == 1)
        #expect(components[0]["type"] as? String == "body")
        #expect((components[0]["parameters"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["Ana", "#1234"])
        // The message is sent (the fake's status webhooks arrive), and free text stays refused.
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in
            (try? s.messages())?.first { $0["id"] as? String == message["id"] as? String }?["status"] as? String == "read"
        })
        #expect(try s.post("/api/v1/conversations/\(s.conversation)/reply", #"{"text":"hi"}"#).status == 409)
    }

    @Test func missingParametersAreRefusedBeforeTheGraphCallAndNothingIsStored() throws {
        let s = try Self.setUp(templates: [Self.orderReady])
        let before = try s.messages().count
        for body in [#"{"name":"order_ready","language":"en_US","body":["Ana"]}"#,
                     #"{"name":"order_ready","language":"en_US"}"#,
                     #"{"name":"order_ready","language":"en_US","body":["Ana",""]}"#,
                     #"{"name":"order_ready","language":"en_US","body":["Ana","two\nlines"]}"#] {
            let r = try s.post("/api/v1/conversations/\(s.conversation)/template", body)
            #expect(r.status == 400, "\(body): \(r.text)")
            #expect(r.text.contains("invalid_parameters"), "\(r.text)")
        }
        let unknown = try s.post("/api/v1/conversations/\(s.conversation)/template", #"{"name":"nope","language":"en_US"}"#)
        #expect(unknown.status == 404)
        #expect(unknown.text.contains("template_not_found"))
        #expect(try s.post("/api/v1/conversations/\(s.conversation)/template", #"{"name":"order_ready"}"#).status == 400)
        #expect(s.templateSends.isEmpty)
        #expect(try s.messages().count == before)
        #expect(try s.db.rows("SELECT count(*) FROM outbox WHERE body_json LIKE '%template%'") == [["0"]])
    }

    @Test func theProvidersTemplateErrorIsRecordedOnTheMessage() throws {
        let s = try Self.setUp(templates: [Self.orderReady])
        // Meta paused the template after our sync: the send fails with 132015, for good.
        s.h.graph.setTemplates([FakeTemplate(name: "order_ready", status: "PAUSED", body: Self.orderReady.body)], waba: Self.waba)
        let r = try s.post("/api/v1/conversations/\(s.conversation)/template",
                           ##"{"name":"order_ready","language":"en_US","body":["Ana","#1"]}"##)
        #expect(r.status == 202)
        let id = try #require((try r.json() as? [String: Any])?["id"] as? String)
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in
            (try? s.messages())?.first { $0["id"] as? String == id }?["status"] as? String == "failed"
        })
        let failed = try #require(try s.messages().first { $0["id"] as? String == id })
        #expect(failed["error_code"] as? String == "132015")
        #expect(s.templateSends.count == 1)   // permanent: not retried
    }

    @Test func aStatusWebhookDisablesATemplateAndASyncBringsItBack() throws {
        let s = try Self.setUp(templates: [Self.orderReady])
        let hook = WhatsAppFixtures.signedTemplateStatus(name: "order_ready", language: "en_US", event: "DISABLED",
                                                         reason: "LOW_QUALITY", appSecret: PipelineHarness.appSecret)
        let posted = try s.h.host.client.post("/webhooks/whatsapp/main", body: hook.body,
                                              headers: ["X-Hub-Signature-256": hook.signature, "Content-Type": "application/json"])
        #expect(posted.status == 200)
        func status() throws -> String? {
            let items = (try s.get("/api/v1/conversations/\(s.conversation)/templates").json() as? [String: Any])?["items"]
            return (items as? [[String: Any]])?.first?["status"] as? String
        }
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in (try? status()) == "DISABLED" })
        let refused = try s.post("/api/v1/conversations/\(s.conversation)/template",
                                 ##"{"name":"order_ready","language":"en_US","body":["Ana","#1"]}"##)
        #expect(refused.status == 409)
        #expect(refused.text.contains("template_not_approved"))
        #expect(s.templateSends.isEmpty)
        // On demand: an API token (admin) syncs the list again.
        let synced = try s.post("/api/v1/conversations/\(s.conversation)/templates/sync", "{}")
        #expect(synced.status == 200, "\(synced.text)")
        #expect(try status() == "APPROVED")

        // A template approved since (one this host never saw): the webhook makes it read the list.
        s.h.graph.setTemplates([Self.orderReady, FakeTemplate(name: "pickup_reminder", body: "See you at {{1}}")], waba: Self.waba)
        let approved = WhatsAppFixtures.signedTemplateStatus(name: "pickup_reminder", language: "en_US", event: "APPROVED",
                                                             appSecret: PipelineHarness.appSecret)
        #expect(try s.h.host.client.post("/webhooks/whatsapp/main", body: approved.body,
                                         headers: ["X-Hub-Signature-256": approved.signature, "Content-Type": "application/json"]).status == 200)
        #expect(s.h.graph.wait(timeout: .seconds(30)) { _ in
            let items = (try? s.get("/api/v1/conversations/\(s.conversation)/templates").json() as? [String: Any])?["items"]
            return (items as? [[String: Any]])?.contains { $0["name"] as? String == "pickup_reminder" } == true
        })
    }
}

/// A plugin answers with a template (`host->send_template`, ABI 1.4): hello-swift's
/// `ready_template`, checked against the channel's templates when queued.
@Suite struct PluginTemplateServeTests {
    func harness(template: String) throws -> PipelineHarness {
        let workspace = TestWorkspaces.demo + """

            plugins:
              - name: hello-swift
                config:
                  ready_template: \(template)
            """
        let h = try PipelineHarness(channels: """
            channels:
              - id: wa-main
                type: whatsapp
                app: main
                phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
                access_token: \(PipelineHarness.accessToken)
                waba_id: "\(TemplateServeTests.waba)"
                workspace: demo
            """, workspaces: ["demo": workspace])
        h.graph.setTemplates([FakeTemplate(name: "order_ready", body: "Hi {{1}}, your order is ready.")], waba: TemplateServeTests.waba)
        try h.start()
        // The start-up sync stored the list (its log line comes after the write).
        _ = try h.host.waitForLog(timeout: 10) { $0["message"] as? String == "message templates synced" }
        return h
    }

    @Test func aPluginsTemplateGoesOutThroughTheOutbox() throws {
        let h = try harness(template: "order_ready")
        #expect(try h.post([h.text("is my order ready?")]).status == 200)
        #expect(h.waitForReplies(1))
        let template = try #require(h.replies.last?.json["template"] as? [String: Any], "\(h.replies.map(\.body))")
        #expect(template["name"] as? String == "order_ready")
        let parameters = (template["components"] as? [[String: Any]])?.first?["parameters"] as? [[String: Any]]
        #expect(parameters?.compactMap { $0["text"] as? String } == ["Titi"])
    }

    @Test func aTemplateThatDoesNotFitIsNotSentAndTheFallbackAnswers() throws {
        let h = try harness(template: "no_such_template")
        #expect(try h.post([h.text("is my order ready?")]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(h.replies.last?.text == "Thanks! We will get back to you shortly.")
        #expect(h.graph.sends.filter { $0.type == "template" }.isEmpty)
        let events = try h.events()
        #expect(events.contains { $0.contains(" plugin_error ") && $0.contains("no_such_template") }, "\(events)")
    }
}
