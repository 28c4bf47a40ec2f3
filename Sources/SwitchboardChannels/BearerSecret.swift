import CCrypto

/// A shared secret a provider sends back as `Authorization: Bearer <secret>` (Evolution API
/// has no body signature: we set this header in the instance's webhook `headers`).
///
/// Compared in constant time over SHA-256 digests of both sides, so neither the position
/// of the first wrong byte nor the secret's length shows in the timing.
public struct BearerSecret: Sendable {
    private let digest: [UInt8]

    public init(_ secret: String) {
        digest = Self.sha256(Array(secret.utf8))
    }

    /// Whether `header` (the `Authorization` value, nil when absent) is `Bearer <secret>`.
    /// The scheme is case-insensitive, as HTTP says.
    public func matches(authorizationHeader header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        guard bytes.count > 7, String(decoding: bytes[0..<7], as: UTF8.self).lowercased() == "bearer " else { return false }
        let given = Self.sha256(Array(bytes[7...]))
        return given.withUnsafeBytes { a in digest.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, 32) } } == 0
    }

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, $0.count, &out) }
        return out
    }
}
