import CCrypto

/// Random secrets and their stored form. A secret (API token, session id) is shown to its
/// owner once and stored only as its SHA-256: a copy of the database does not let anyone
/// call the API. Secrets carry 256 bits from OpenSSL's CSPRNG, so a plain hash (no salt,
/// no slow KDF) is enough: there is nothing to guess.
public enum Secrets {
    /// The prefix of API tokens: recognisable in logs, config and secret scanners.
    public static let apiTokenPrefix = "sbt_"

    /// `count` bytes from OpenSSL's CSPRNG (`RAND_bytes`).
    public static func randomBytes(_ count: Int) throws(AuthError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        let rc = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard rc == 1 else { throw AuthError(.random, "the random number generator failed (RAND_bytes returned \(rc))") }
        return bytes
    }

    /// 32 random bytes as URL-safe base64 (43 characters), with `prefix` in front.
    public static func token(prefix: String = "") throws(AuthError) -> String {
        prefix + Base64URL.encode(try randomBytes(32))
    }

    /// A new API token: `sbt_` and 43 URL-safe base64 characters.
    public static func apiToken() throws(AuthError) -> String { try token(prefix: apiTokenPrefix) }

    /// What is stored for a secret: lower-case hex SHA-256 of its UTF-8 bytes.
    public static func hash(_ secret: String) -> String {
        let input = Array(secret.utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(input, input.count, &digest)
        return hex(digest)
    }

    /// Compares two strings in time that depends only on their lengths (`CRYPTO_memcmp`).
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        constantTimeEqual(Array(a.utf8), Array(b.utf8))
    }

    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
