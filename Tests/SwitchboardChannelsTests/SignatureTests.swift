import Foundation
import SwitchboardChannels
import SwitchboardTestSupport
import Testing

@Suite struct SignatureTests {
    let secret = "app-secret-0123456789"

    @Test func acceptsMetasSignatureOverRawBytes() throws {
        let hook = WhatsAppFixtures.signedInbound([FixtureMessage(content: .text("hello"))], appSecret: secret)
        try WhatsAppSignature.verify(body: hook.body, header: hook.signature, appSecret: secret)
    }

    @Test func missingHeaderIsMissingSignature() {
        let hook = WhatsAppFixtures.signedInbound([FixtureMessage(content: .text("hello"))], appSecret: secret)
        for header in [nil, ""] as [String?] {
            let error = #expect(throws: WhatsAppWebhookError.self) {
                try WhatsAppSignature.verify(body: hook.body, header: header, appSecret: secret)
            }
            #expect(error?.code == .missingSignature)
            #expect(error?.httpStatus == 401)
        }
    }

    @Test func wrongSecretTamperedBodyOrBadHeaderIsBadSignature() {
        let hook = WhatsAppFixtures.signedInbound([FixtureMessage(content: .text("hello"))], appSecret: secret)
        var tampered = hook.body
        tampered[tampered.count - 3] ^= 0x01
        let hexOnly = String(hook.signature.dropFirst("sha256=".count))
        let cases: [([UInt8], String, String)] = [
            (hook.body, hook.signature, "another-secret"),
            (tampered, hook.signature, secret),
            (hook.body, hexOnly, secret),                                   // no sha256= prefix
            (hook.body, "sha1=" + hexOnly, secret),
            (hook.body, "sha256=" + hexOnly.dropLast(2), secret),            // too short
            (hook.body, "sha256=" + hexOnly.dropLast(1) + "g", secret),      // not hex
        ]
        for (body, header, key) in cases {
            let error = #expect(throws: WhatsAppWebhookError.self) {
                try WhatsAppSignature.verify(body: body, header: header, appSecret: key)
            }
            #expect(error?.code == .badSignature, "header \(header)")
            #expect(error?.httpStatus == 403)
        }
    }

    @Test func uppercaseHexIsTheSameDigest() throws {
        let hook = WhatsAppFixtures.signedInbound([FixtureMessage(content: .text("hello"))], appSecret: secret)
        let upper = "sha256=" + hook.signature.dropFirst(7).uppercased()
        try WhatsAppSignature.verify(body: hook.body, header: upper, appSecret: secret)
    }

    /// Meta signs `\u00e9`-escaped text. Parsing and re-serialising gives UTF-8 bytes and
    /// a different signature: the check must run on the raw bytes, and does.
    @Test func nonASCIIBodyVerifiesOnlyOnRawBytes() throws {
        let hook = WhatsAppFixtures.signedInbound(
            [FixtureMessage(name: "Zoë Ångström", content: .text("Olá, café às 8h? 🙏 https://x.y/z"))], appSecret: secret)
        #expect(!hook.text.contains("é"))
        #expect(hook.text.contains("\\u00e9"))
        #expect(hook.text.contains("\\ud83d\\ude4f"))
        try WhatsAppSignature.verify(body: hook.body, header: hook.signature, appSecret: secret)

        let object = try JSONSerialization.jsonObject(with: hook.data)
        let reserialised = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        #expect(Array(reserialised) != hook.body)
        #expect(throws: WhatsAppWebhookError.self) {
            try WhatsAppSignature.verify(body: reserialised, header: hook.signature, appSecret: secret)
        }

        let payload = try WhatsAppWebhook.verifyAndParse(body: hook.data, signatureHeader: hook.signature,
                                                         appSecret: secret, channelFor: { _ in "wa-main" })
        #expect(payload.messages.first?.text == "Olá, café às 8h? 🙏 https://x.y/z")
        #expect(payload.messages.first?.profileName == "Zoë Ångström")
    }

    @Test func signatureIsCheckedBeforeParsing() {
        let body = Array("not json at all".utf8)
        let error = #expect(throws: WhatsAppWebhookError.self) {
            try WhatsAppWebhook.verifyAndParse(body: Data(body), signatureHeader: "sha256=" + String(repeating: "0", count: 64),
                                               appSecret: secret, channelFor: { _ in "wa-main" })
        }
        #expect(error?.code == .badSignature)
    }

    @Test func ourSignMatchesTheIndependentSigner() {
        let body = Array("{\"a\":\"\\u00e9\"}".utf8)
        #expect(WhatsAppSignature.sign(body: body, appSecret: secret) == WebhookSigner.signature(body: body, appSecret: secret))
    }

    @Test func handshake() {
        let ok = WhatsAppHandshake.respond(mode: "subscribe", token: "verify-me", challenge: "1158201444", expectedToken: "verify-me")
        #expect(ok == WhatsAppHandshake(status: 200, body: "1158201444"))
        #expect(WhatsAppHandshake.respond(mode: "subscribe", token: "wrong", challenge: "1", expectedToken: "verify-me").status == 403)
        #expect(WhatsAppHandshake.respond(mode: "unsubscribe", token: "verify-me", challenge: "1", expectedToken: "verify-me").status == 403)
        #expect(WhatsAppHandshake.respond(mode: nil, token: "verify-me", challenge: "1", expectedToken: "verify-me").status == 403)
        #expect(WhatsAppHandshake.respond(mode: "subscribe", token: nil, challenge: "1", expectedToken: "verify-me").status == 403)
        #expect(WhatsAppHandshake.respond(mode: "subscribe", token: "", challenge: "1", expectedToken: "").status == 403)
        #expect(WhatsAppHandshake.respond(mode: "subscribe", token: "verify-me", challenge: nil, expectedToken: "verify-me").status == 403)
        let query = ["hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"]
        #expect(WhatsAppHandshake.respond(query: query, expectedToken: "verify-me").body == "42")
    }
}
