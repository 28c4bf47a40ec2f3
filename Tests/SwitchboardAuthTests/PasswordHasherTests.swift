import Foundation
import Testing
import SwitchboardAuth

/// Password hashing with the parameters every stored hash uses (N = 2^15, r = 8, p = 1).
@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher.standard

    @Test func aHashVerifiesItsPasswordAndNoOther() throws {
        let stored = try hasher.hash("correct horse battery staple")
        #expect(try hasher.verify("correct horse battery staple", against: stored))
        #expect(try !hasher.verify("correct horse battery stapl", against: stored))
        #expect(try !hasher.verify("Correct horse battery staple", against: stored))
        #expect(try !hasher.verify("", against: stored))
    }

    @Test func theStoredFormCarriesSchemeParametersSaltAndKey() throws {
        let stored = try hasher.hash("pässwörd ✓")
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 6)
        #expect(Array(parts[0...3]) == ["scrypt", "32768", "8", "1"])
        #expect(Data(base64Encoded: parts[4])?.count == 16)
        #expect(Data(base64Encoded: parts[5])?.count == 32)
        #expect(!stored.contains("pässwörd"))
        #expect(try hasher.verify("pässwörd ✓", against: stored))
    }

    @Test func twoUsersWithTheSamePasswordGetDifferentSaltsAndHashes() throws {
        let a = try hasher.hash("same-password-1")
        let b = try hasher.hash("same-password-1")
        #expect(a != b)
        let saltA = a.split(separator: "$")[4], saltB = b.split(separator: "$")[4]
        #expect(saltA != saltB)
        #expect(try hasher.verify("same-password-1", against: a))
        #expect(try hasher.verify("same-password-1", against: b))
    }

    @Test func storedParametersAreUsedWhenVerifying() throws {
        // A hash made with other (cheaper) parameters still verifies with the standard hasher.
        let cheap = PasswordHasher(n: 1 << 10, r: 8, p: 1)
        let stored = try cheap.hash("older hash")
        #expect(stored.hasPrefix("scrypt$1024$8$1$"))
        #expect(try hasher.verify("older hash", against: stored))
        #expect(try !hasher.verify("other", against: stored))
    }

    @Test func unreadableOrDangerousStoredHashesAreErrorsNotMatches() throws {
        for bad in ["", "plain", "bcrypt$10$x$y$z$w", "scrypt$32768$8$1$AAAA",
                    "scrypt$abc$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    // N not a power of two
                    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    // 2^30 · 128 · 8 bytes: far beyond the memory bound
                    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                    "scrypt$32768$8$1$not base64!$AAAA"] {
            do {
                _ = try hasher.verify("anything", against: bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == .malformedHash, "\(bad): \(error)")
            }
        }
    }

    @Test func emptyAndOverlongPasswordsAreRefusedWhenHashing() {
        #expect(throws: AuthError.self) { try hasher.hash("") }
        #expect(throws: AuthError.self) { try hasher.hash(String(repeating: "x", count: PasswordHasher.maxPasswordBytes + 1)) }
    }
}
