import Foundation
import Testing
import SwitchboardCore

/// `PhoneNumber` from SwitchboardCore: the syntactic check for stored values.
@Suite struct PhoneNumberValueTests {
    @Test func wellFormed() throws {
        for s in ["+2348031234567", "+12015550123", "+6837012", "+989601", "+498001234567890"] {
            let n = try #require(PhoneNumber(e164: s))
            #expect(n.e164 == s)
            #expect(n.description == s)
            #expect("+" + n.digits == s)
        }
    }

    @Test func malformed() {
        for s in ["", "+", "2348031234567", "+0348031234567", "+234 803 123 4567", "+234-803-1234567",
                  "+23480", "+1234567890123456", "++2348031234567", "+234803123456a", " +2348031234567",
                  "+2348031234567\n", "+٢٣٤٨٠٣١٢٣٤٥٦٧", "+２３４８０３１２３４５６７"] {
            #expect(PhoneNumber(e164: s) == nil, "\(s.debugDescription)")
        }
    }

    @Test func codableAsABareString() throws {
        let n = try #require(PhoneNumber(e164: "+2348031234567"))
        let data = try JSONEncoder().encode(["sender": n])
        #expect(String(decoding: data, as: UTF8.self) == #"{"sender":"+2348031234567"}"#)
        #expect(try JSONDecoder().decode([String: PhoneNumber].self, from: data) == ["sender": n])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: PhoneNumber].self, from: Data(#"{"sender":"0803 123 4567"}"#.utf8))
        }
    }

    @Test func equalityIsOnTheE164Form() throws {
        let a = try #require(PhoneNumber(e164: "+2348031234567"))
        let b = try #require(PhoneNumber(e164: "+2348031234567"))
        let c = try #require(PhoneNumber(e164: "+2348031234568"))
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }
}
