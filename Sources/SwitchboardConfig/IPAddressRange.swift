import Glibc

/// An IP address or a CIDR block (`10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`), as
/// `server.trusted_proxies` lists them. IPv4 is kept as its IPv4-mapped IPv6 form
/// (`::ffff:a.b.c.d`), so `10.0.0.5` matches a peer reported as `::ffff:10.0.0.5`.
public struct IPAddressRange: Sendable, Equatable, CustomStringConvertible {
    /// The network address, 16 bytes (IPv4 mapped), host bits zero.
    let network: [UInt8]
    /// Leading bits that must match, 0...128 (an IPv4 /24 is 120 here).
    let prefixLength: Int
    /// As written in the config.
    public let description: String

    /// Parses an address or `address/prefix`; the error says what is wrong.
    public static func parse(_ text: String) -> Result<IPAddressRange, ConfigProblem> {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let (bytes, isV4) = IPAddressRange.bytes(String(parts[0])) else {
            return .failure(.init(message: "'\(text)' is not an IP address or a CIDR block (10.0.0.0/8, 192.0.2.7, fd00::/8)"))
        }
        let maxBits = isV4 ? 32 : 128
        var bits = maxBits
        if parts.count == 2 {
            guard let n = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...maxBits).contains(n) else {
                return .failure(.init(message: "the prefix length in '\(text)' must be a number from 0 to \(maxBits)"))
            }
            bits = n
        }
        let prefix = isV4 ? 96 + bits : bits
        return .success(IPAddressRange(network: IPAddressRange.masked(bytes, prefix), prefixLength: prefix, description: text))
    }

    /// Whether `address` (as text, IPv4 or IPv6) is in this range; false for text that is
    /// not an address.
    public func contains(_ address: String) -> Bool {
        guard let (bytes, _) = IPAddressRange.bytes(address) else { return false }
        return IPAddressRange.masked(bytes, prefixLength) == network
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    public static func isAddress(_ text: String) -> Bool { bytes(text) != nil }

    /// 16 bytes and whether it was written as IPv4, for a textual address (IPv6 may carry a zone
    /// `%eth0`, dropped); nil when it is not one.
    static func bytes(_ text: String) -> ([UInt8], Bool)? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + withUnsafeBytes(of: &v4) { Array($0) }, true)
        }
        var v6 = in6_addr()
        let plain = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        if inet_pton(AF_INET6, plain, &v6) == 1 {
            // An IPv4-mapped address (::ffff:10.0.0.5) has the same bytes as the IPv4 one.
            return (withUnsafeBytes(of: &v6) { Array($0) }, false)
        }
        return nil
    }

    static func masked(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        var out = bytes
        for i in 0..<16 {
            let keep = max(0, min(8, prefix - i * 8))
            out[i] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return out
    }
}
