import Foundation
import Testing

/// The web chat channel through the running host: a visitor's message goes through the
/// responder chain, and the reply reaches the visitor's event stream.
@Suite(.serialized) struct WebChatTests {
    static let hostExtra = """
        channels:
          - id: web-demo
            type: webchat
            workspace: demo
        """

    @Test func aVisitorAsksAndTheAnswerArrivesOnTheStream() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: Self.hostExtra),
                                workspaces: ["demo": ResponderPipelineTests.bakery])
        try host.start()
        let visitor = "visitor-\(UUID().uuidString.prefix(8))"
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        let r = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"wen r u open?\",\"id\":\"m0000001\"}".utf8),
                                     headers: ["Content-Type": "application/json"])
        #expect(r.status == 202)
        let got = stream.read(timeout: 10) { lines in lines.contains { $0.contains("Monday to Saturday") } }
        #expect(got, "stream: \(stream.text)")
        let messages = stream.dataLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(messages.contains { $0["direction"] as? String == "inbound" && $0["text"] as? String == "wen r u open?" })
        #expect(messages.contains { $0["direction"] as? String == "outbound" && ($0["text"] as? String)?.contains("8am to 7pm") == true })

        // A retried POST with the same id is stored once.
        let again = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"wen r u open?\",\"id\":\"m0000001\"}".utf8))
        #expect(again.status == 202)
        #expect(again.text.contains("duplicate"))

        // A new stream for the same visitor starts with the history.
        let later = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        #expect(later.read(timeout: 5) { $0.count >= 2 })
    }

    @Test func badInputIsRefusedClearly() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: Self.hostExtra), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let c = host.client
        #expect(try c.post("/chat/nope/messages", body: Array("{}".utf8)).status == 404)
        #expect(try c.post("/chat/demo/messages", body: Array("not json".utf8)).status == 400)
        let short = try c.post("/chat/demo/messages", body: Array("{\"visitor\":\"x\",\"text\":\"hi\"}".utf8))
        #expect(short.status == 400)
        #expect(short.text.contains("visitor"))
        #expect(try c.post("/chat/demo/messages", body: Array("{\"visitor\":\"abcdefgh12\",\"text\":\"   \"}".utf8)).status == 400)
        #expect(try c.get("/chat/demo/events").status == 400)
    }

    @Test func openingAStreamStoresNothing() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: Self.hostExtra), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let token = try runSwitchboard(["token", "create", "--workspace", "demo", "--name", "t", "--config", host.configPath], cwd: host.dir)
        let bearer = try #require(token.stdout.split(separator: "\n").last.map(String.init))
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=crawler-12345678")
        #expect(stream.read(timeout: 2) { _ in stream.text.contains("connected") })
        let contacts = try host.client.get("/api/v1/contacts", headers: ["Authorization": "Bearer \(bearer)"])
        #expect(contacts.status == 200)
        #expect(((try contacts.json() as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
    }

    /// By default no proxy is trusted: X-Forwarded-For is ignored, so rotating it does not
    /// get a flooder past the limit of its own address.
    @Test func oneAddressCannotFloodTheChatByRotatingXForwardedFor() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(extra: Self.hostExtra), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        var statuses: [Int] = []
        for i in 0..<40 {
            let body = Array("{\"visitor\":\"flooder-0001\",\"text\":\"spam \(i)\"}".utf8)
            statuses.append(try host.client.post("/chat/demo/messages", body: body,
                                                 headers: ["X-Forwarded-For": "203.0.113.\(i)"]).status)
        }
        #expect(statuses.prefix(20).allSatisfy { $0 == 202 }, "\(statuses)")
        // 2 posts a second refill the bucket: 40 posts that take under 5 s see 10+ refused.
        #expect(statuses.filter { $0 == 429 }.count >= 10, "\(statuses)")
    }

    /// Behind a trusted proxy (`server.trusted_proxies`) each forwarded client has its own
    /// limit; what a client writes left of the proxy's entry does not count.
    @Test func behindATrustedProxyEachForwardedClientHasItsOwnLimit() throws {
        let yaml = TestHost.minimalHostYAML(extra: Self.hostExtra)
            .replacingOccurrences(of: "  listen: 127.0.0.1:0\n", with: "  listen: 127.0.0.1:0\n  trusted_proxies: [127.0.0.1]\n")
        #expect(yaml.contains("trusted_proxies"))
        let host = try TestHost(hostYAML: yaml, workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        var statuses: [Int] = []
        for i in 0..<40 {
            let body = Array("{\"visitor\":\"flooder-0001\",\"text\":\"spam \(i)\"}".utf8)
            statuses.append(try host.client.post("/chat/demo/messages", body: body,
                                                 headers: ["X-Forwarded-For": "198.51.100.\(i), 203.0.113.9"]).status)
        }
        #expect(statuses.prefix(20).allSatisfy { $0 == 202 }, "\(statuses)")
        // 2 posts a second refill the bucket: 40 posts that take under 5 s see 10+ refused.
        #expect(statuses.filter { $0 == 429 }.count >= 10, "\(statuses)")
        // Another client behind the same proxy is not affected.
        let other = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"visitor-0002\",\"text\":\"hi\"}".utf8),
                                         headers: ["X-Forwarded-For": "198.51.100.7"])
        #expect(other.status == 202)
    }
}
