import Foundation
import SwitchboardChannels
import SwitchboardLog
import SwitchboardTestSupport
import Testing

/// The client against the fake Graph API over real HTTP on 127.0.0.1.
@Suite struct GraphAPIClientTests {
    let fake: FakeGraphAPI
    let client: GraphAPIClient

    init() throws {
        fake = try FakeGraphAPI(accessToken: "token-abc")
        client = GraphAPIClient(configuration: .init(
            graphURL: fake.graphURL + "/", phoneNumberID: WhatsAppFixtures.phoneNumberID, accessToken: "token-abc",
            connectTimeout: .seconds(2), requestTimeout: .seconds(3)))
    }

    func sendHello() throws(GraphError) -> GraphSendReceipt {
        try client.sendText(to: .phone("5511987654321"), body: "Olá! Seu pedido saiu 🚚")
    }

    @Test func sendTextSucceedsWithTheBodyOfTheWireFormat() throws {
        let receipt = try client.sendText(to: .phone("5511987654321"), body: "Olá! Seu pedido saiu 🚚", replyTo: "wamid.IN1")
        #expect(receipt.providerMessageID.hasPrefix("wamid."))
        #expect(receipt.waID == "5511987654321")

        let sends = fake.sends
        #expect(sends.count == 1)
        let s = sends[0]
        #expect(s.phoneNumberID == WhatsAppFixtures.phoneNumberID)
        #expect(s.providerMessageID == receipt.providerMessageID)
        let json = s.json
        #expect(json["messaging_product"] as? String == "whatsapp")
        #expect(json["recipient_type"] as? String == "individual")
        #expect(json["to"] as? String == "5511987654321")
        #expect(json["type"] as? String == "text")
        #expect((json["text"] as? [String: Any])?["body"] as? String == "Olá! Seu pedido saiu 🚚")
        #expect((json["text"] as? [String: Any])?["preview_url"] as? Bool == false)
        #expect((json["context"] as? [String: Any])?["message_id"] as? String == "wamid.IN1")
        #expect(Set(json.keys) == ["messaging_product", "recipient_type", "to", "type", "text", "context"])
        #expect(fake.requests.first?.version == "v21.0")
        #expect(fake.requests.first?.authorization == "Bearer token-abc")
    }

    @Test func keepAliveReusesTheConnectionForManySends() throws {
        var ids = Set<String>()
        for _ in 0..<20 { ids.insert(try sendHello().providerMessageID) }
        #expect(ids.count == 20)
        #expect(fake.acceptedSends.count == 20)
        #expect(client.connectionsOpened == 1)
    }

    @Test func bsuidRecipientUsesTheRecipientField() throws {
        _ = try client.sendText(to: .userID("US.1349120865"), body: "hi")
        let json = try #require(fake.sends.first).json
        #expect(json["recipient"] as? String == "US.1349120865")
        #expect(json["to"] == nil)
    }

    @Test func quickReplyButtonsBecomeAnInteractiveMessage() throws {
        _ = try client.sendText(to: .phone("5511987654321"), body: "Confirma o endereço?",
                                buttons: [.init(id: "addr_yes", title: "Sim"), .init(id: "addr_no", title: "Não")])
        let s = try #require(fake.sends.first)
        #expect(s.type == "interactive")
        #expect(s.text == "Confirma o endereço?")
        let interactive = try #require(s.json["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "button")
        let buttons = try #require((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]])
        #expect(buttons.map { $0["type"] as? String } == ["reply", "reply"])
        #expect(buttons.map { ($0["reply"] as? [String: Any])?["id"] as? String } == ["addr_yes", "addr_no"])
        #expect(buttons.map { ($0["reply"] as? [String: Any])?["title"] as? String } == ["Sim", "Não"])
    }

    @Test func invalidButtonsAndTextsAreRefusedBeforeSending() {
        let four = (1...4).map { WhatsAppReplyButton(id: "b\($0)", title: "B\($0)") }
        let cases: [(String, [WhatsAppReplyButton])] = [
            ("too many", four),
            ("long title", [.init(id: "x", title: String(repeating: "a", count: 21))]),
            ("duplicate ids", [.init(id: "x", title: "A"), .init(id: "x", title: "B")]),
        ]
        for (_, buttons) in cases {
            let error = #expect(throws: GraphError.self) {
                try client.sendText(to: .phone("1"), body: "pick", buttons: buttons)
            }
            #expect(error?.kind == .permanent)
        }
        #expect(throws: GraphError.self) { try client.sendText(to: .phone("1"), body: String(repeating: "a", count: 4097)) }
        #expect(throws: GraphError.self) { try client.sendText(to: .phone("1"), body: "") }
        #expect(fake.sends.isEmpty)
        // The limits themselves are fine.
        #expect(throws: Never.self) {
            _ = try client.sendText(to: .phone("1"), body: String(repeating: "a", count: 4096))
            _ = try client.sendText(to: .phone("1"), body: "ok", buttons: Array(four.prefix(3)) + [])
            _ = try client.sendText(to: .phone("1"), body: "ok", buttons: [.init(id: "y", title: String(repeating: "é", count: 20))])
        }
    }

    @Test func markRead() throws {
        try client.markRead(messageID: "wamid.IN7", typingIndicator: true)
        let s = try #require(fake.sends.first)
        #expect(s.isMarkRead)
        #expect(s.json["message_id"] as? String == "wamid.IN7")
        #expect((s.json["typing_indicator"] as? [String: Any])?["type"] as? String == "text")
    }

    @Test func eachGraphErrorClass() throws {
        let expectations: [(FakeGraphFailure, GraphError.Kind, Int, Int?)] = [
            (.serverError, .retryable, 500, 131000),
            (.htmlBadGateway, .retryable, 502, nil),
            (.throughputLimit, .rateLimited, 400, 130429),
            (.pairRateLimit, .pairRateLimited, 400, 131056),
            (.reengagement, .reengagement, 400, 131047),
            (.expiredToken, .auth, 401, 190),
            (.invalidParameter, .permanent, 400, 100),
            (.graph(httpStatus: 429, code: 80007, title: "Rate limit issues", details: "WABA limit", retryAfter: 7), .rateLimited, 429, 80007),
            (.graph(httpStatus: 400, code: 4, title: "Application request limit reached", details: ""), .rateLimited, 400, 4),
            (.graph(httpStatus: 503, code: 131016, title: "Service unavailable", details: ""), .retryable, 503, 131016),
            (.graph(httpStatus: 403, code: 368, title: "Temporarily blocked for policies violations", details: ""), .permanent, 403, 368),
        ]
        for (failure, kind, status, code) in expectations {
            fake.failNext(with: failure)
            let error = #expect(throws: GraphError.self) { try sendHello() }
            #expect(error?.kind == kind, "\(failure)")
            #expect(error?.httpStatus == status, "\(failure)")
            #expect(error?.code == code, "\(failure)")
        }
        // After the scripted failures, sending works again on the same handle.
        #expect(throws: Never.self) { try sendHello() }
    }

    @Test func errorDetailsAndRetryAfterAreKept() {
        fake.failNext(with: .graph(httpStatus: 400, code: 131056, title: "(Business Account, Consumer Account) pair rate limit hit",
                                   details: "too many messages", retryAfter: 9))
        let error = #expect(throws: GraphError.self) { try sendHello() }
        #expect(error?.kind == .pairRateLimited)
        #expect(error?.isRetryable == true)
        #expect(error?.title == "(#131056) (Business Account, Consumer Account) pair rate limit hit")
        #expect(error?.details == "too many messages")
        #expect(error?.retryAfter == .seconds(9))
    }

    @Test func htmlBadGatewayIsAmbiguous() {
        fake.failNext(with: .htmlBadGateway)
        let error = #expect(throws: GraphError.self) { try sendHello() }
        #expect(error?.ambiguous == true)
        #expect(error?.title.contains("502 Bad Gateway") == true)
    }

    @Test func wrongTokenIsAuth() throws {
        let bad = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                      accessToken: "stale"))
        let error = #expect(throws: GraphError.self) { try bad.sendText(to: .phone("1"), body: "hi") }
        #expect(error?.kind == .auth)
        #expect(error?.code == 190)
        #expect(error?.httpStatus == 401)
        #expect(fake.acceptedSends.isEmpty)
    }

    @Test func timeoutIsRetryableAndAmbiguous() throws {
        let quick = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: WhatsAppFixtures.phoneNumberID,
                                                        accessToken: "token-abc", requestTimeout: .milliseconds(300)))
        // The provider holds its answer until the test releases it, after the client
        // has given up: the error comes from the client's own timeout.
        fake.setHeld(true)
        defer { fake.setHeld(false) }
        let error = #expect(throws: GraphError.self) { try quick.sendText(to: .phone("1"), body: "hi") }
        fake.setHeld(false)
        #expect(error?.kind == .retryable)
        #expect(error?.curlCode == 28)
        #expect(error?.ambiguous == true)
        #expect(error?.httpStatus == nil)
        // The request did reach the provider: that is why the timeout is ambiguous.
        #expect(fake.wait { $0.sends.count == 1 })
    }

    /// On a kept-alive connection libcurl itself resends a request whose connection died
    /// before any answer byte (the provider may have closed it as idle): the caller sees
    /// the answer of the resend. Two requests reach the provider.
    @Test func resetOnAReusedConnectionIsResentByCurl() throws {
        _ = try sendHello()
        fake.failNext(with: .reset)
        _ = try sendHello()
        #expect(fake.sends.map(\.answeredStatus) == [200, 0, 200])
        #expect(client.connectionsOpened == 2)
    }

    @Test func connectionClosedWithoutAnswerIsRetryable() {
        fake.failNext(with: .reset)
        let error = #expect(throws: GraphError.self) { try sendHello() }
        #expect(error?.kind == .retryable)
        #expect(error?.curlCode == 52)
        #expect(error?.ambiguous == true)
        #expect(throws: Never.self) { try sendHello() }
    }

    @Test func downProviderIsRetryableThenRecovers() throws {
        _ = try sendHello() // a kept-alive connection exists
        try fake.setDown(true)
        let error = #expect(throws: GraphError.self) { try sendHello() }
        #expect(error?.kind == .retryable)
        #expect(error?.curlCode == 7)
        #expect(error?.ambiguous == false)
        try fake.setDown(false)
        #expect(throws: Never.self) { try sendHello() }
        #expect(fake.acceptedSends.count == 2)
        #expect(client.connectionsOpened == 2)
    }

    @Test func mediaLookupAndDownloadWithBearer() throws {
        let bytes: [UInt8] = Array("JPEG\u{0}\u{1}\u{2}binary".utf8)
        fake.addMedia(id: "1375245879353", bytes: bytes, mimeType: "image/jpeg")
        let (info, data) = try client.downloadMedia(id: "1375245879353")
        #expect(info.mimeType == "image/jpeg")
        #expect(info.fileSize == bytes.count)
        #expect(info.url.contains("/media-download/1375245879353"))
        #expect(data == bytes)
        let download = try #require(fake.requests.last)
        #expect(download.path == "/media-download/1375245879353")
        #expect(download.authorization == "Bearer token-abc")

        fake.expireMediaURLs()
        let error = #expect(throws: GraphError.self) { try client.downloadMedia(url: info.url) }
        #expect(error?.kind == .permanent)
        #expect(error?.httpStatus == 404)

        let missing = #expect(throws: GraphError.self) { try client.mediaInfo(id: "404404") }
        #expect(missing?.code == 100)
    }

    /// Media ids are digits: `..` or a slash would change the Graph API path they go in.
    @Test(arguments: ["..", "nope", "1/2", "12%2F3", "", "1 2"])
    func aMediaIDThatIsNotDigitsIsRefusedBeforeAnyRequest(bad: String) throws {
        let error = #expect(throws: GraphError.self) { try client.downloadMedia(id: bad) }
        #expect(error?.kind == .permanent)
        #expect(error?.title.contains("not a WhatsApp media id (digits only)") == true)
        #expect(fake.requests.isEmpty)
    }

    @Test func onlyHTTPSOnMetasHostsOrTheGraphURLsOriginGetsTheToken() {
        let graph = "https://graph.facebook.com/v21.0"
        for ok in ["https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3",
                   "https://scontent.xx.fbcdn.net/v/t1/abc.jpg", "https://graph.facebook.com/v21.0/media/1",
                   "https://mmg.whatsapp.net/x"] {
            #expect(GraphAPIClient.mayReceiveToken(mediaURL: ok, graphURL: graph), "\(ok)")
        }
        for bad in ["http://lookaside.fbsbx.com/x", "https://evil.example/x", "https://fbsbx.com.evil.example/x",
                    "https://evilfbsbx.com/x", "ftp://lookaside.fbsbx.com/x", "https://user:pw@lookaside.fbsbx.com/x",
                    "file:///etc/passwd", "not a url", "http://127.0.0.1:8080/media"] {
            #expect(!GraphAPIClient.mayReceiveToken(mediaURL: bad, graphURL: graph), "\(bad)")
        }
        // A local Graph API (tests, an egress proxy): its own origin, nothing else.
        let local = "http://127.0.0.1:4567/v21.0"
        #expect(GraphAPIClient.mayReceiveToken(mediaURL: "http://127.0.0.1:4567/media-download/1", graphURL: local))
        #expect(!GraphAPIClient.mayReceiveToken(mediaURL: "http://127.0.0.1:4568/media-download/1", graphURL: local))
        #expect(!GraphAPIClient.mayReceiveToken(mediaURL: "http://localhost:4567/media-download/1", graphURL: local))
        #expect(!GraphAPIClient.mayReceiveToken(mediaURL: "https://127.0.0.1:4567/media-download/1", graphURL: local))
    }

    @Test func aLookupPointingOffMetasHostsIsNotFetched() throws {
        fake.addMedia(id: "777", bytes: [1, 2, 3], mimeType: "image/png")
        fake.setMediaURLBase("http://localhost:\(fake.port)")
        let error = #expect(throws: GraphError.self) { try client.downloadMedia(id: "777") }
        #expect(error?.kind == .permanent)
        #expect(error?.title.contains("not an https URL on Meta's hosts") == true)
        #expect(!fake.requests.contains { $0.path.hasPrefix("/media-download/") })
    }

    @Test func corruptDownloadIsDetectedBySHA256() throws {
        fake.addMedia(id: "1001", bytes: [1, 2, 3], mimeType: "image/png", reportedSHA256: String(repeating: "ab", count: 32))
        let error = #expect(throws: GraphError.self) { try client.downloadMedia(id: "1001") }
        #expect(error?.kind == .retryable)
        #expect(error?.title.contains("sha256") == true)
        // A base64 digest (as webhooks carry) of the right bytes passes.
        fake.addMedia(id: "1002", bytes: [1, 2, 3], mimeType: "image/png",
                      reportedSHA256: "A5BYxvLAy0ksUzsKTRTvd8wPeKvMztUofYShogEc+4E=")
        #expect(try client.downloadMedia(id: "1002").bytes == [1, 2, 3])
    }

    @Test func tooLargeDownloadIsRefused() throws {
        fake.addMedia(id: "2001", bytes: [UInt8](repeating: 7, count: 100_000), mimeType: "video/mp4")
        let small = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: "1", accessToken: "token-abc",
                                                        maxDownloadBytes: 10_000))
        let error = #expect(throws: GraphError.self) { try small.downloadMedia(id: "2001") }
        #expect(error?.kind == .permanent)
        #expect(error?.title.contains("10000") == true)
    }

    @Test func concurrentCallersShareOneClientSafely() async throws {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try self.sendHello().providerMessageID }
            }
            var ids = Set<String>()
            for try await id in group { ids.insert(id) }
            #expect(ids.count == 8)
        }
    }

    @Test func statusWebhooksArePostedSignedToTheCallback() throws {
        // A second fake acts as the receiver: it records what it gets (any path).
        let receiver = try FakeGraphAPI(accessToken: "unused")
        fake.setStatusCallback(url: receiver.baseURL + "/webhooks/whatsapp/main", appSecret: "s3cret")
        let receipt = try sendHello()
        #expect(fake.wait { $0.statusPosts.count == 3 && $0.pendingStatusPosts == 0 })
        let posts = receiver.requests.filter { $0.path == "/webhooks/whatsapp/main" }
        #expect(posts.count == 3)
        let payloads = try posts.map { try WhatsAppWebhook.parse(body: Data($0.body.utf8), channelFor: { _ in "wa-main" }) }
        #expect(payloads.flatMap(\.statuses).map(\.status) == [.sent, .delivered, .read])
        #expect(payloads.flatMap(\.statuses).allSatisfy { $0.providerMessageID == receipt.providerMessageID })
    }

    @Test func scriptedOutOfOrderStatusesArriveInTheGivenOrder() throws {
        let receiver = try FakeGraphAPI(accessToken: "unused")
        let url = receiver.baseURL + "/webhooks/whatsapp/main"
        let answers = fake.postStatuses([FixtureStatus(messageID: "wamid.X", status: "read"),
                                         FixtureStatus(messageID: "wamid.X", status: "delivered")],
                                        to: url, appSecret: "s3cret")
        #expect(answers.map(\.status) == [404, 404]) // the receiver is a fake Graph API: no such route
        let posts = receiver.requests.filter { $0.path == "/webhooks/whatsapp/main" }
        let statuses = try posts.flatMap {
            try WhatsAppWebhook.parse(body: Data($0.body.utf8), channelFor: { _ in "wa-main" }).statuses.map(\.providerStatus)
        }
        #expect(statuses == ["read", "delivered"])
    }

    @Test func logsOneDebugLinePerCallWithoutTheToken() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let logger = Logger(sink: try LogSink(level: .debug, format: .json, path: path)).with(LogKey.channel, "wa-main")
        let logged = GraphAPIClient(configuration: .init(graphURL: fake.graphURL, phoneNumberID: "1", accessToken: "token-abc"),
                                    logger: logger)
        fake.failNext(with: .reset)
        _ = try? logged.sendText(to: .phone("1"), body: "hi")
        _ = try logged.sendText(to: .phone("1"), body: "hi")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("curl 52"))
        #expect(lines[1].contains("\"status\":\"200\""))
        #expect(lines.allSatisfy { $0.contains("\"channel\":\"wa-main\"") && !$0.contains("token-abc") })
    }
}
