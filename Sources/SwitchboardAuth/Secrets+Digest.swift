import CCrypto

extension Secrets {
    /// Lower-case hex SHA-256 of bytes (the media store names files by it).
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(bytes, bytes.count, &digest)
        return hex(digest)
    }
}
