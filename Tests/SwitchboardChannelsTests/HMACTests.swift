import Foundation
@testable import SwitchboardChannels
import SwitchboardTestSupport
import Testing

/// HMAC-SHA256 with the key states made once (`HMACSHA256Key`), against RFC 4231's test
/// vectors and against libcrypto's one-shot HMAC (the independent `WebhookSigner`).
@Suite struct HMACTests {
    func bytes(_ hex: String) -> [UInt8] {
        WhatsAppSignature.decodeHex(hex.utf8)!
    }

    func hex(_ b: [UInt8]) -> String {
        b.map { String(format: "%02x", $0) }.joined()
    }

    func mac(key: [UInt8], data: [UInt8]) -> String? {
        HMACSHA256Key(key: key).flatMap { k in data.withUnsafeBytes { k.authenticate($0) } }.map(hex)
    }

    @Test func rfc4231TestVectors() {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            // 1: a 20-byte key
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            // 2: a key shorter than the output
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            // 3: data of 0xdd
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            // 4: a 25-byte key
            (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            // 6: a 131-byte key, longer than the 64-byte block (hashed first)
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            // 7: a long key and long data
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (i, c) in cases.enumerated() {
            #expect(mac(key: c.key, data: c.data) == c.mac, "case \(i)")
        }
    }

    @Test func edgeLengthsMatchTheOneShotHMAC() {
        // Keys of 0, 63, 64 (exactly a block) and 65 bytes; empty and multi-block bodies.
        for keyLength in [0, 1, 63, 64, 65, 200] {
            let secret = String(repeating: "k", count: keyLength)
            for bodyLength in [0, 1, 55, 56, 64, 1000, 70_000] {
                let body = (0..<bodyLength).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                #expect(WhatsAppSignature.sign(body: body, appSecret: secret) == WebhookSigner.signature(body: body, appSecret: secret),
                        "key \(keyLength), body \(bodyLength)")
            }
        }
    }

    @Test func theSameKeyIsReusedAndManySecretsStayCorrect() {
        let body = Array("{}".utf8)
        #expect(HMACSHA256Key.cached("app-secret-A") === HMACSHA256Key.cached("app-secret-A"))
        // More secrets than the cache holds: it empties and refills, signatures stay right.
        for i in 0..<(HMACSHA256Key.cacheLimit * 2 + 3) {
            let secret = "secret-\(i)"
            #expect(WhatsAppSignature.sign(body: body, appSecret: secret) == WebhookSigner.signature(body: body, appSecret: secret))
        }
    }

    @Test func concurrentCallersWithSeveralSecretsGetTheRightSignatures() async {
        let secrets = ["alpha", "beta", String(repeating: "long-secret-", count: 10)]
        let bodies = (0..<8).map { i in WhatsAppFixtures.inboundBody([FixtureMessage(id: "wamid.C\(i)", content: .text("msg \(i)"))]) }
        let expected = secrets.map { s in bodies.map { WebhookSigner.signature(body: $0, appSecret: s) } }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for t in 0..<16 {
                group.addTask {
                    var bad = 0
                    for n in 0..<300 {
                        let s = (t + n) % secrets.count, b = n % bodies.count
                        if WhatsAppSignature.sign(body: bodies[b], appSecret: secrets[s]) != expected[s][b] { bad += 1 }
                        do {
                            try WhatsAppSignature.verify(body: bodies[b], header: expected[s][b], appSecret: secrets[s])
                        } catch {
                            bad += 1
                        }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}
