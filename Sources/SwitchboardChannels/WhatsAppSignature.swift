import CCrypto
import Foundation

/// The `X-Hub-Signature-256` header of Meta's webhooks: `sha256=` and the lowercase hex
/// HMAC-SHA256 of the raw request body, keyed with the app secret.
///
/// The HMAC is computed over the bytes exactly as received. Meta signs its
/// escaped-unicode form (`é` arrives as `\u00e9`), so any parse-and-re-serialise before
/// this check breaks the signature on non-ASCII text.
public enum WhatsAppSignature {
    public static let headerName = "X-Hub-Signature-256"

    /// Checks `header` (the value of `X-Hub-Signature-256`, nil when absent) against the
    /// HMAC of `body`, in constant time.
    public static func verify(body: some ContiguousBytes, header: String?, appSecret: String) throws(WhatsAppWebhookError) {
        guard let header, !header.isEmpty else {
            throw WhatsAppWebhookError(.missingSignature, "no \(headerName) header")
        }
        let prefix = "sha256="
        guard header.hasPrefix(prefix) else {
            throw WhatsAppWebhookError(.badSignature, "\(headerName) does not start with \(prefix)")
        }
        var utf8 = header
        let digits = utf8.withUTF8 { decodeHex($0.dropFirst(prefix.utf8.count)) }
        guard let given = digits, given.count == 32 else {
            throw WhatsAppWebhookError(.badSignature, "\(headerName) is not 64 hex digits")
        }
        let expected = hmacSHA256(key: appSecret, body: body)
        let same = given.withUnsafeBytes { a in
            expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, 32) }
        }
        guard same == 0 else {
            throw WhatsAppWebhookError(.badSignature, "\(headerName) does not match the body signed with the app secret")
        }
    }

    /// The header value Meta would send for `body` (used by tests and fakes).
    public static func sign(body: some ContiguousBytes, appSecret: String) -> String {
        "sha256=" + hmacSHA256(key: appSecret, body: body).map { hexDigit($0 >> 4) + hexDigit($0 & 15) }.joined()
    }

    /// The HMAC with the app secret's key states made once and cached (see
    /// `HMACSHA256Key`); libcrypto's one-shot HMAC only if those could not be made.
    static func hmacSHA256(key: String, body: some ContiguousBytes) -> [UInt8] {
        if let keyed = HMACSHA256Key.cached(key), let mac = body.withUnsafeBytes({ keyed.authenticate($0) }) {
            return mac
        }
        var out = [UInt8](repeating: 0, count: 32)
        var outLength: UInt32 = 32
        let keyBytes = Array(key.utf8)
        body.withUnsafeBytes { data in
            keyBytes.withUnsafeBytes { k in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count),
                         data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count,
                         &out, &outLength)
            }
        }
        return out
    }

    private static func hexDigit(_ v: UInt8) -> String {
        String(UnicodeScalar(v < 10 ? 48 + v : 87 + v))
    }

    /// Hex (either case) to bytes; nil on an odd length or a non-hex character.
    static func decodeHex(_ s: some Collection<UInt8>) -> [UInt8]? {
        guard s.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2)
        var it = s.makeIterator()
        while let hi = it.next(), let lo = it.next() {
            guard let h = nibble(hi), let l = nibble(lo) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }
}
