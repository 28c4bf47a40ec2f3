import CCrypto
import Synchronization

/// An HMAC-SHA256 key made ready once (RFC 2104): the SHA-256 states after absorbing
/// `key ⊕ ipad` and `key ⊕ opad` are kept, so a MAC costs two context copies and the
/// hashing of the data itself. The one-shot `HMAC(EVP_sha256(), ...)` fetched the
/// algorithm and keyed new contexts on every call (`EVP_Q_mac`), which under load cost
/// more than hashing a webhook body.
///
/// Thread-safe: the kept states are only read (copied) after `init`.
final class HMACSHA256Key: @unchecked Sendable {
    static let blockSize = 64
    private let inner: OpaquePointer
    private let outer: OpaquePointer

    /// Nil only when libcrypto cannot give SHA-256 contexts (no default provider).
    init?(key: [UInt8]) {
        var k = key
        if k.count > HMACSHA256Key.blockSize {
            var digest = [UInt8](repeating: 0, count: 32)
            _ = SHA256(k, k.count, &digest)
            k = digest
        }
        k += [UInt8](repeating: 0, count: HMACSHA256Key.blockSize - k.count)
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { return nil }
        defer { EVP_MD_free(md) } // each context keeps its own reference
        func state(_ pad: UInt8) -> OpaquePointer? {
            guard let ctx = EVP_MD_CTX_new() else { return nil }
            let block = k.map { $0 ^ pad }
            guard EVP_DigestInit_ex(ctx, md, nil) == 1, EVP_DigestUpdate(ctx, block, block.count) == 1 else {
                EVP_MD_CTX_free(ctx)
                return nil
            }
            return ctx
        }
        guard let i = state(0x36) else { return nil }
        guard let o = state(0x5C) else {
            EVP_MD_CTX_free(i)
            return nil
        }
        inner = i
        outer = o
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }

    /// The 32-byte MAC of `data`; nil if libcrypto fails (out of memory).
    func authenticate(_ data: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(ctx) }
        var ok = true
        let mac = [UInt8](unsafeUninitializedCapacity: 32) { out, initialized in
            var length: UInt32 = 0
            ok = EVP_MD_CTX_copy_ex(ctx, inner) == 1
                && EVP_DigestUpdate(ctx, data.baseAddress, data.count) == 1
                && EVP_DigestFinal_ex(ctx, out.baseAddress, &length) == 1
                && EVP_MD_CTX_copy_ex(ctx, outer) == 1
                && EVP_DigestUpdate(ctx, out.baseAddress, 32) == 1
                && EVP_DigestFinal_ex(ctx, out.baseAddress, &length) == 1
                && length == 32
            if !ok { out.initialize(repeating: 0) }
            initialized = 32
        }
        return ok ? mac : nil
    }

    // MARK: - Keys by secret

    private static let cache = Mutex<[String: HMACSHA256Key]>([:])
    /// More distinct secrets than this (a configuration has one per Meta app) empties
    /// the cache rather than letting it grow.
    static let cacheLimit = 64

    /// The key for `secret` (UTF-8), made once and then shared by every thread.
    static func cached(_ secret: String) -> HMACSHA256Key? {
        if let key = cache.withLock({ $0[secret] }) { return key }
        guard let key = HMACSHA256Key(key: Array(secret.utf8)) else { return nil }
        cache.withLock { keys in
            if keys.count >= cacheLimit { keys.removeAll() }
            keys[secret] = key
        }
        return key
    }
}
