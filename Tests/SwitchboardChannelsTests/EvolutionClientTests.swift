import Foundation
import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The Evolution API client against the fake gateway: what goes on the wire, and how each
/// failure is classified.
@Suite struct EvolutionClientTests {
    func client(_ fake: FakeEvolutionAPI, key: String? = nil, instance: String? = nil) -> EvolutionClient {
        EvolutionClient(configuration: .init(baseURL: fake.baseURL + "/", apiKey: key ?? fake.apiKey,
                                             instance: instance ?? fake.instance, requestTimeout: .seconds(5)))
    }

    func failure(_ body: () throws -> Void) -> EvolutionError? {
        do { try body(); return nil } catch let e as EvolutionError { return e } catch {
            Issue.record("not an EvolutionError: \(error)")
            return nil
        }
    }

    @Test func sendTextCarriesTheKeyAndAnswersTheMessageKey() throws {
        let fake = try FakeEvolutionAPI()
        let sent = try client(fake).sendText(number: "5511987654321", text: "Seu pedido saiu", quotedID: "3EB0AAAA")
        #expect(sent.keyID.hasPrefix("3EB0"))
        let s = try #require(fake.sends.first)
        #expect(s.answeredStatus == 201)
        #expect(s.number == "5511987654321")
        #expect(s.text == "Seu pedido saiu")
        #expect(s.quotedID == "3EB0AAAA")
        #expect(s.keyID == sent.keyID)
        #expect(fake.requests.first?.apikey == "evo-api-key")
        #expect(fake.requests.first?.path == "/message/sendText/demo")
        // A LID is sent as the JID the gateway accepts.
        _ = try client(fake).sendText(number: "123456789012345@lid", text: "hi")
        #expect(fake.sends.last?.number == "123456789012345@lid")
    }

    @Test func wrongKeyAndUnknownInstanceStopTheChannel() throws {
        let fake = try FakeEvolutionAPI()
        let wrongKey = failure { _ = try client(fake, key: "nope").sendText(number: "1", text: "x") }
        #expect(wrongKey?.kind == .auth)
        #expect(wrongKey?.httpStatus == 401)
        let wrongInstance = failure { _ = try client(fake, instance: "other").connectionState() }
        #expect(wrongInstance?.kind == .auth)
        #expect(wrongInstance?.title.contains("The \"other\" instance does not exist") == true)
    }

    @Test func failuresAreClassified() throws {
        let fake = try FakeEvolutionAPI()
        let c = client(fake)
        fake.setNotOnWhatsApp(["5511000000000"])
        let absent = failure { _ = try c.sendText(number: "5511000000000", text: "x") }
        #expect(absent?.kind == .permanent)
        #expect(absent?.notOnWhatsApp == true)

        fake.failNextSends(with: .tooManyRequests(retryAfter: 7))
        let throttled = failure { _ = try c.sendText(number: "5511987654321", text: "x") }
        #expect(throttled?.kind == .rateLimited)
        #expect(throttled?.retryAfter == .seconds(7))

        fake.failNextSends(with: .serverError)
        #expect(failure { _ = try c.sendText(number: "5511987654321", text: "x") }?.kind == .retryable)

        fake.failNextSends(with: .badGateway)
        let proxy = failure { _ = try c.sendText(number: "5511987654321", text: "x") }
        #expect(proxy?.kind == .retryable)
        #expect(proxy?.gatewayUnreachable == true)

        // Twice: libcurl sends again once, on a new connection, when a reused one closes
        // before answering.
        fake.failNextSends(2, with: .reset)
        let reset = failure { _ = try c.sendText(number: "5511987654321", text: "x") }
        #expect(reset?.kind == .retryable)
        #expect(reset?.gatewayUnreachable == true)

        fake.setConnectionState("close", reason: 428)
        let closed = failure { _ = try c.sendText(number: "5511987654321", text: "x") }
        #expect(closed?.kind == .retryable)
        #expect(closed?.sessionClosed == true)

        try fake.setDown(true)
        let gone = failure { _ = try c.connectionState() }
        #expect(gone?.gatewayUnreachable == true)
        #expect(gone?.kind == .retryable)
        #expect(fake.acceptedSends.isEmpty)
    }

    @Test func webhookIsSetWithTheBearerSecret() throws {
        let fake = try FakeEvolutionAPI()
        try client(fake).setWebhook(url: "http://127.0.0.1:9/webhooks/evolution/wa-web", secret: "s3cret")
        let hook = try #require(fake.webhook)
        #expect(hook.url == "http://127.0.0.1:9/webhooks/evolution/wa-web")
        #expect(hook.headers == ["Authorization": "Bearer s3cret"])
        #expect(hook.enabled)
        #expect(Set(hook.events) == ["MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED"])
    }

    @Test func stateAndConnect() throws {
        let fake = try FakeEvolutionAPI()
        let c = client(fake)
        #expect(try c.connectionState() == .open)
        #expect(try c.connect() == .state(.open))
        fake.goZombie()
        #expect(try c.connectionState() == .close(reason: nil))
        #expect(try c.connect() == .state(.connecting))
        #expect(fake.wait { $0.connectionState == "open" })
        fake.setConnectionState("close", reason: 401)
        fake.setConnectBehaviour(.showsQR)
        guard case .qrCode(let qr) = try c.connect() else { Issue.record("no QR"); return }
        #expect(qr.code?.hasPrefix("2@fakeQR") == true)
        fake.setConnectionState("close", reason: 440)
        fake.setConnectBehaviour(.staysClosed)
        #expect(failure { _ = try c.connect() }?.title == "instance is not connected")
        #expect(fake.connectCalls == 4)
        #expect(fake.stateCalls == 2)
    }

    @Test func mediaIsFetchedByMessageKey() throws {
        let fake = try FakeEvolutionAPI()
        let bytes: [UInt8] = Array(0..<200).map { UInt8($0) }
        fake.addMedia(keyID: "C1", bytes: bytes, mimeType: "image/jpeg", fileName: "cake.jpg")
        let m = try client(fake).fetchMedia(keyID: "C1")
        #expect(m.bytes == bytes)
        #expect(m.mimeType == "image/jpeg")
        #expect(m.fileName == "cake.jpg")
        #expect(failure { _ = try client(fake).fetchMedia(keyID: "nope") }?.kind == .permanent)
        let sent = try client(fake).sendMedia(number: "5511987654321", mediaType: "image", media: "https://example.com/a.jpg",
                                              mimeType: "image/jpeg", caption: "cake", fileName: nil)
        #expect(fake.sends.last?.endpoint == "sendMedia")
        #expect(fake.sends.last?.keyID == sent.keyID)
    }
}
