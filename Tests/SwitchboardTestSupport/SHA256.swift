import CCrypto

extension FakeGraphAPI {
    /// Lowercase hex SHA-256, as the media lookup reports it.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var md = [UInt8](repeating: 0, count: 32)
        _ = SHA256(bytes, bytes.count, &md)
        return md.map { b -> String in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }
}
