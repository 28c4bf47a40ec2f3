import CCrypto
import Foundation

/// A webhook body and the `X-Hub-Signature-256` value Meta would send with it.
/// Computed here with libcrypto directly, independently of the code under test.
public struct SignedWebhook: Sendable, Equatable {
    public var body: [UInt8]
    /// `sha256=<lowercase hex>`.
    public var signature: String

    public init(body: [UInt8], appSecret: String) {
        self.body = body
        self.signature = WebhookSigner.signature(body: body, appSecret: appSecret)
    }

    public var data: Data { Data(body) }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

public enum WebhookSigner {
    /// `sha256=` and the lowercase hex HMAC-SHA256 of `body` keyed with `appSecret`.
    public static func signature(body: [UInt8], appSecret: String) -> String {
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let key = Array(appSecret.utf8)
        _ = HMAC(EVP_sha256(), key, Int32(key.count), body, body.count, &md, &length)
        let hex = md.prefix(Int(length)).map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
        return "sha256=" + hex
    }
}
