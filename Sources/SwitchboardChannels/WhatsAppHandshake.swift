import CCrypto

/// Meta's webhook verification: a GET with `hub.mode=subscribe`, `hub.verify_token` and
/// `hub.challenge`. When the mode is `subscribe` and the token is ours, the answer is 200
/// with the challenge as the plain-text body; anything else is 403.
public struct WhatsAppHandshake: Sendable, Equatable {
    public let status: Int
    /// The response body (`text/plain`): the challenge on 200, empty on 403.
    public let body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    public static func respond(mode: String?, token: String?, challenge: String?, expectedToken: String) -> WhatsAppHandshake {
        guard mode == "subscribe", let token, let challenge, !expectedToken.isEmpty,
              constantTimeEqual(token, expectedToken) else {
            return WhatsAppHandshake(status: 403, body: "")
        }
        return WhatsAppHandshake(status: 200, body: challenge)
    }

    /// The same, from the parsed query string (`hub.mode`, `hub.verify_token`, `hub.challenge`).
    public static func respond(query: [String: String], expectedToken: String) -> WhatsAppHandshake {
        respond(mode: query["hub.mode"], token: query["hub.verify_token"], challenge: query["hub.challenge"],
                expectedToken: expectedToken)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return x.withUnsafeBytes { p in y.withUnsafeBytes { q in CRYPTO_memcmp(p.baseAddress, q.baseAddress, x.count) } } == 0
    }
}
