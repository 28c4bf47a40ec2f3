import Foundation
import Testing
import SwitchboardAuth

@Suite struct SecretsTests {
    static let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test func apiTokensArePrefixedURLSafeAnd256Bits() throws {
        let token = try Secrets.apiToken()
        #expect(token.hasPrefix("sbt_"))
        let body = token.dropFirst(4)
        #expect(body.count == 43)  // 32 bytes, base64 without padding
        #expect(body.allSatisfy { Self.urlSafe.contains($0) })
    }

    @Test func tokensDoNotRepeat() throws {
        var seen = Set<String>()
        for _ in 0..<2000 { seen.insert(try Secrets.apiToken()) }
        #expect(seen.count == 2000)
    }

    @Test func theStoredHashIsSHA256Hex() {
        // FIPS 180-2 test vector.
        #expect(Secrets.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let h = Secrets.hash("sbt_example")
        #expect(h.count == 64)
        #expect(h != Secrets.hash("sbt_examplf"))
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(Secrets.constantTimeEqual("csrf-abc", "csrf-abc"))
        #expect(!Secrets.constantTimeEqual("csrf-abc", "csrf-abd"))
        #expect(!Secrets.constantTimeEqual("csrf-abc", "csrf-ab"))
        #expect(!Secrets.constantTimeEqual("", "x"))
        #expect(Secrets.constantTimeEqual("", ""))
    }

    @Test func emailAddressesAreNormalisedAsLoginNames() {
        #expect(EmailAddress.normalize("  Titi@Example.COM ") == "titi@example.com")
        #expect(EmailAddress.normalize("no-at-sign") == nil)
        #expect(EmailAddress.normalize("@example.com") == nil)
        #expect(EmailAddress.normalize("a@") == nil)
        #expect(EmailAddress.normalize("a b@example.com") == nil)
        #expect(EmailAddress.normalize("a@b@c") == nil)
    }
}
