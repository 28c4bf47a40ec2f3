import Foundation
import Testing
import SwitchboardTestSupport

/// Two `switchboard serve` hosts on one PostgreSQL database: a stream connected to one
/// host shows what was written through the other (the journal's appends are announced
/// with NOTIFY and each host listens), and a listener whose connection the server ends
/// comes back and misses nothing.
@Suite(.serialized) struct PostgresStreamsTests {
    /// The harness's WhatsApp number and a web chat.
    static let channels = """
        channels:
          - id: wa-main
            type: whatsapp
            app: main
            phone_number_id: "\(WhatsAppFixtures.phoneNumberID)"
            access_token: \(PipelineHarness.accessToken)
            workspace: demo
          - id: web-demo
            type: webchat
            workspace: demo
        """

    /// Host A (the harness's, with the fake Graph API) and host B on the same database
    /// with the same config (A's workspace folder), both started.
    struct TwoHosts {
        let a: PipelineHarness
        let b: TestHost
        let url: String

        init() throws {
            url = try TestPostgres.freshDatabase(prefix: "streams")
            a = try PostgresServeTests().harness(url: url, channels: PostgresStreamsTests.channels)
            try a.start()
            b = try TestHost(hostYAML: try String(contentsOfFile: a.host.configPath, encoding: .utf8))
            try b.start()
        }

        /// Posts a signed inbound WhatsApp message to host B's webhook.
        func postToB(_ message: FixtureMessage) throws -> Int {
            let signed = WhatsAppFixtures.signedInbound([message], phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                        appSecret: PipelineHarness.appSecret)
            return try b.client.post("/webhooks/whatsapp/main", body: signed.body,
                                     headers: ["X-Hub-Signature-256": signed.signature, "Content-Type": "application/json"]).status
        }
    }

    /// Whether the stream shows a `received` event within `timeout` beyond the first `after`.
    static func waitForReceived(_ stream: SSEClient, count: Int, timeout: Double) -> Bool {
        stream.read(timeout: timeout) { lines in lines.filter { $0.contains("\"kind\":\"received\"") }.count >= count }
    }

    /// An agent's inbox stream on A gets, live, the messages whose webhooks arrived on B.
    /// The stream's poll on PostgreSQL is a safety net once a heartbeat (15 s), so the
    /// second message arriving within 5 s is the announcement's doing. Then the server
    /// ends both hosts' listening connections (`pg_terminate_backend`): they connect
    /// again, and a message posted meanwhile still reaches the stream.
    @Test func anInboxStreamOnOneHostSeesWebhooksOfTheOther() throws {
        let hosts = try TwoHosts()
        let agent = try InboxSession(hosts.a.host)
        let stream = try SSEClient(port: hosts.a.host.port, path: "/api/v1/events", headers: agent.auth)
        #expect(stream.read(timeout: 5) { _ in stream.text.contains("200 OK") }, "\(stream.text)")

        #expect(try hosts.postToB(hosts.a.text("first, through b")) == 200)
        #expect(Self.waitForReceived(stream, count: 1, timeout: 10), "\(stream.text)")
        // The feed has read; its next poll is a heartbeat away: only a wake-up is faster.
        let second = try hosts.postToB(hosts.a.text("second, through b"))
        #expect(second == 200, "\(second): \(hosts.b.logText.split(separator: "\n").filter { $0.contains("\"warn\"") || $0.contains("\"error\"") })")
        #expect(Self.waitForReceived(stream, count: 2, timeout: 5), "\(stream.text)")

        // The server drops the listeners; a message is written at once, maybe while
        // nobody listens.
        try TestPostgres.execute(hosts.url, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'switchboard journal listener'
            """)
        #expect(try hosts.postToB(hosts.a.text("third, while the listeners reconnect")) == 200)
        _ = try hosts.a.host.waitForLog(timeout: 10) {
            $0["message"] as? String == "journal listener connected again; streams catch up from their cursors"
        }
        #expect(Self.waitForReceived(stream, count: 3, timeout: 5), "\(stream.text)")
        // And the listener still hears what comes after.
        #expect(try hosts.postToB(hosts.a.text("fourth, after")) == 200)
        #expect(Self.waitForReceived(stream, count: 4, timeout: 5), "\(stream.text)")
        let received = stream.dataLines.filter { $0.contains("\"kind\":\"received\"") }
        #expect(received.count == 4, "each once: \(received)")
    }

    /// A web chat visitor connected to A sees their own message posted through B, the
    /// FAQ's answer, and an agent's reply sent through B's inbox API.
    @Test func aWebChatVisitorOnOneHostSeesRepliesSentThroughTheOther() throws {
        let hosts = try TwoHosts()
        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        let stream = try SSEClient(port: hosts.a.host.port, path: "/chat/demo/events?visitor=\(visitor)")
        #expect(stream.read(timeout: 5) { _ in stream.text.contains("connected") }, "\(stream.text)")
        let posted = try hosts.b.client.post("/chat/demo/messages",
                                             body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"wen r u open?\",\"id\":\"m0000001\"}".utf8),
                                             headers: ["Content-Type": "application/json"])
        #expect(posted.status == 202)
        #expect(stream.read(timeout: 10) { $0.contains { $0.contains("wen r u open?") } }, "\(stream.text)")
        #expect(stream.read(timeout: 10) { $0.contains { $0.contains("Monday to Saturday") } }, "\(stream.text)")

        let agent = try InboxSession(hosts.b)
        let conversation = try agent.waitForMessage { $0["text"] as? String == "wen r u open?" }.conversation
        let reply = try hosts.b.client.post("/api/v1/conversations/\(conversation)/reply",
                                            body: Array(#"{"text":"an agent here: see you on saturday"}"#.utf8),
                                            headers: agent.auth.merging(["Content-Type": "application/json"]) { a, _ in a })
        #expect(reply.status == 202, "\(reply.text)")
        #expect(stream.read(timeout: 10) { $0.contains { $0.contains("see you on saturday") } }, "\(stream.text)")
        let lines = stream.dataLines
        #expect(lines.filter { $0.contains("see you on saturday") }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains("wen r u open?") }.count == 1, "\(lines)")
    }
}
