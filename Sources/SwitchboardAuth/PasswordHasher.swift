import CCrypto
import Foundation
import Synchronization

/// Password hashing with scrypt (OpenSSL's `EVP_PBE_scrypt`): memory-hard, so a stolen
/// database costs an attacker 32 MiB and about 0.1 s per guess at the default
/// parameters (N = 2^15, r = 8, p = 1).
///
/// Each hash gets its own 16 random bytes of salt and is stored with its parameters:
///
///     scrypt$32768$8$1$<salt, base64>$<32-byte key, base64>
///
/// so that raising the parameters later leaves existing hashes verifiable. `verify`
/// compares in constant time (`CRYPTO_memcmp`) and refuses stored parameters outside
/// sane bounds (a damaged row must not make a login allocate gigabytes).
public struct PasswordHasher: Sendable, Equatable {
    public let n: UInt64
    public let r: UInt64
    public let p: UInt64

    /// N = 2^15, r = 8, p = 1: the parameters every new hash uses.
    public static let standard = PasswordHasher(n: 1 << 15, r: 8, p: 1)

    static let scheme = "scrypt"
    static let saltLength = 16
    static let keyLength = 32
    /// Longer passwords are refused (a pass phrase needs far less).
    public static let maxPasswordBytes = 1024
    /// The most memory a stored hash may ask for (128 · r · N bytes): 256 MiB.
    static let maxMemoryBytes: UInt64 = 256 << 20

    public init(n: UInt64, r: UInt64, p: UInt64) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// Hashes `password` with a new random salt.
    public func hash(_ password: String) throws(AuthError) -> String {
        try Self.check(password)
        let salt = try Secrets.randomBytes(Self.saltLength)
        let key = try Self.derive(password, salt: salt, n: n, r: r, p: p, length: Self.keyLength)
        return [Self.scheme, String(n), String(r), String(p),
                Data(salt).base64EncodedString(), Data(key).base64EncodedString()].joined(separator: "$")
    }

    /// Whether `password` is the one `encoded` was made from. Throws only when `encoded`
    /// is not a hash this program can read (`malformedHash`), or scrypt itself fails.
    public func verify(_ password: String, against encoded: String) throws(AuthError) -> Bool {
        try verifyLogin(password, storedHash: encoded)
    }

    /// A login's check, the same steps whether the account exists or not: with no stored
    /// hash (an unknown e-mail) the password is checked against a placeholder hash with
    /// this hasher's parameters, so the work, and the time, tell nothing about which
    /// e-mails have accounts. An empty or over-long password is refused before scrypt on
    /// both paths alike. Always false without a stored hash.
    public func verifyLogin(_ password: String, storedHash: String?) throws(AuthError) -> Bool {
        let parsed = try storedHash.map { (s: String) throws(AuthError) -> Parsed in try Self.parse(s) } ?? placeholder
        guard !password.isEmpty, password.utf8.count <= Self.maxPasswordBytes else { return false }
        let key = try Self.derive(password, salt: parsed.salt, n: parsed.n, r: parsed.r, p: parsed.p,
                                  length: parsed.key.count)
        return storedHash != nil && Secrets.constantTimeEqual(key, parsed.key)
    }

    /// What an unknown account is checked against: this hasher's parameters, a fixed
    /// salt, a key nothing derives to in practice.
    private var placeholder: Parsed {
        Parsed(n: n, r: r, p: p, salt: [UInt8](repeating: 0x5A, count: Self.saltLength),
               key: [UInt8](repeating: 0, count: Self.keyLength))
    }

    /// Counts key derivations (scrypt runs) in the current task, for tests that a path
    /// does or does not run scrypt; nil (the default) counts nothing.
    @TaskLocal public static var derivationCounter: DerivationCounter?

    static func check(_ password: String) throws(AuthError) {
        guard !password.isEmpty else { throw AuthError(.unacceptablePassword, "the password is empty") }
        guard password.utf8.count <= maxPasswordBytes else {
            throw AuthError(.unacceptablePassword, "the password is longer than \(maxPasswordBytes) bytes")
        }
    }

    struct Parsed {
        let n: UInt64, r: UInt64, p: UInt64
        let salt: [UInt8]
        let key: [UInt8]
    }

    static func parse(_ encoded: String) throws(AuthError) -> Parsed {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == scheme else {
            throw AuthError(.malformedHash, "stored password hash is not in the form scrypt$N$r$p$salt$hash")
        }
        guard let n = UInt64(parts[1]), let r = UInt64(parts[2]), let p = UInt64(parts[3]) else {
            throw AuthError(.malformedHash, "stored password hash has non-numeric scrypt parameters")
        }
        guard n >= 2, n & (n - 1) == 0, r >= 1, r <= 64, p >= 1, p <= 16,
              n <= maxMemoryBytes / (128 * r)
        else {
            throw AuthError(.malformedHash, "stored password hash has scrypt parameters out of range (N=\(n) r=\(r) p=\(p))")
        }
        guard let salt = Data(base64Encoded: String(parts[4])), !salt.isEmpty,
              let key = Data(base64Encoded: String(parts[5])), key.count >= 16, key.count <= 64
        else {
            throw AuthError(.malformedHash, "stored password hash has an unreadable salt or key")
        }
        return Parsed(n: n, r: r, p: p, salt: Array(salt), key: Array(key))
    }

    static func derive(_ password: String, salt: [UInt8], n: UInt64, r: UInt64, p: UInt64,
                       length: Int) throws(AuthError) -> [UInt8] {
        derivationCounter?.increment()
        let pass = Array(password.utf8)
        var key = [UInt8](repeating: 0, count: length)
        // scrypt needs 128·r·N bytes for V and 128·r·p for B, plus a little; OpenSSL's
        // default cap (32 MiB) is just below what N = 2^15, r = 8 needs.
        let maxmem = 128 * r * (n + p + 2) + (1 << 20)
        let rc = pass.withUnsafeBufferPointer { pw in
            pw.withMemoryRebound(to: CChar.self) { pwc in
                EVP_PBE_scrypt(pwc.baseAddress, pwc.count, salt, salt.count, n, r, p, maxmem, &key, key.count)
            }
        }
        guard rc == 1 else {
            throw AuthError(.kdf, "scrypt failed (N=\(n) r=\(r) p=\(p)): out of memory or parameters refused")
        }
        return key
    }
}

/// Counts scrypt runs (see `PasswordHasher.derivationCounter`).
public final class DerivationCounter: Sendable {
    private let value = Mutex(0)
    public init() {}
    public var count: Int { value.withLock { $0 } }
    func increment() { value.withLock { $0 += 1 } }
}
