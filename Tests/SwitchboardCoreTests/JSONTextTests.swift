import Foundation
import Testing
import SwitchboardCore

@Suite struct JSONTextTests {
    /// What a JSON parser reads back is the string written, escaped or not.
    @Test(arguments: [
        "", "plain text", "Olá, preciso de ajuda ✓ 🍰", "quote \" backslash \\ slash /",
        "line\nbreak\r\ttab", "nul \u{0} bell \u{7} unit \u{1F} del \u{7F}", "\u{1F}", "\"",
        String(repeating: "long plain ", count: 200), String(repeating: "é\"", count: 100),
    ])
    func roundTripsThroughAParser(_ s: String) throws {
        let quoted = JSONText.quoted(s)
        let back = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed]) as? String
        #expect(back == s)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        #expect(JSONText.quoted("café ✓") == "\"café ✓\"")
        #expect(JSONText.quoted("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
        #expect(EventDetail.json(["b": "2", "a": "x\"y"]) == #"{"a":"x\"y","b":"2"}"#)
    }
}
