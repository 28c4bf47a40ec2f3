import CCrypto

extension Secrets {
    /// Lower-case hex SHA-256 of bytes (the media store names files by it).
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(bytes, bytes.count, &digest)
        return hex(digest)
    }
}

/// SHA-256 over pieces (OpenSSL's EVP digest), for files written as they arrive.
public final class SHA256Hasher {
    private let ctx = EVP_MD_CTX_new()

    public init() { _ = EVP_DigestInit_ex(ctx, EVP_sha256(), nil) }
    deinit { EVP_MD_CTX_free(ctx) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress, bytes.count > 0 { _ = EVP_DigestUpdate(ctx, base, bytes.count) }
    }

    /// The lower-case hex digest; call once.
    public func finishHex() -> String {
        var md = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        _ = EVP_DigestFinal_ex(ctx, &md, &n)
        return Secrets.hex(md)
    }
}
