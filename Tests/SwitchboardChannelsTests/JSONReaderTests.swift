import Foundation
@testable import SwitchboardChannels
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct JSONReaderTests {
    func read(_ text: String) throws(JSONReadError) -> JSONValue {
        try JSONReader.read(Array(text.utf8))
    }

    func error(_ bytes: [UInt8]) -> JSONReadError? {
        do {
            _ = try JSONReader.read(bytes)
            return nil
        } catch {
            return error
        }
    }

    func error(_ text: String) -> JSONReadError? { error(Array(text.utf8)) }

    /// Whether `v` is what `JSONSerialization` built from the same text (`f`).
    func matches(_ v: JSONValue, _ f: Any) -> Bool {
        switch v {
        case .null: return f is NSNull
        case .bool(let b): return (f as? Bool) == b
        case .number(let literal): return (f as? NSNumber)?.doubleValue == Double(literal)
        case .string(let s): return (f as? String) == s
        case .array(let items, _):
            guard let a = f as? [Any], a.count == items.count else { return false }
            return zip(items, a).allSatisfy { matches($0, $1) }
        case .object(let members, _):
            guard let d = f as? [String: Any], Set(d.keys) == Set(members.map(\.key)) else { return false }
            return d.allSatisfy { key, value in v[key].map { matches($0, value) } ?? false }
        }
    }

    func sameAsFoundation(_ bytes: [UInt8]) throws -> Bool {
        let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return matches(try JSONReader.read(bytes), theirs)
    }

    // MARK: - Values

    @Test func everyKindOfValueWithWhitespace() throws {
        let v = try read(" \t\r\n{ \"a\" : [ 1 , -2.5e+3 , true , false , null , \"x\" , { } , [ ] ] , \"b\":{\"c\":0}}\n ")
        let a = try #require(v["a"]?.array)
        #expect(a.count == 8)
        #expect(a[0].stringOrNumber == "1")
        if case .number(let literal) = a[1] { #expect(literal == "-2.5e+3") } else { Issue.record("not a number: \(a[1])") }
        #expect(a[1].double == -2500)
        #expect(a[2].bool == true)
        #expect(a[3].bool == false)
        if case .null = a[4] {} else { Issue.record("not null: \(a[4])") }
        #expect(a[5].string == "x")
        #expect(a[6].isObject)
        #expect(a[7].array?.isEmpty == true)
        #expect(v["b"]?["c"]?.int == 0)
        #expect(v["missing"] == nil)
        #expect(a[0]["key"] == nil)
    }

    @Test func scalarsAtTopLevel() throws {
        #expect(try read("\"hi\"").string == "hi")
        #expect(try read(" 42 ").int == 42)
        #expect(try read("true").bool == true)
        if case .null = try read("null") {} else { Issue.record("null expected") }
    }

    @Test func everyEscape() throws {
        let v = try read(#""q\"b\\s\/b\bf\fn\nr\rt\tA\u0041é\u00e9中\u4E2D🙏\ud83d\ude4f nul\u0000""#)
        #expect(v.string == "q\"b\\s/b\u{8}f\u{c}n\nr\rt\tAAéé中中🙏🙏 nul\u{0}")
        // Non-ASCII written as UTF-8, unescaped.
        #expect(try read("\"Olá 👍\"").string == "Olá 👍")
        // Escapes after a long unescaped run, and an escape first.
        #expect(try read(#""\nabc""#).string == "\nabc")
        #expect(try read(#""abcdefghijklmnopqrstuvwxyz\"""#).string == "abcdefghijklmnopqrstuvwxyz\"")
    }

    @Test func loneSurrogatesAreErrorsAsInJSONSerialization() {
        let high = error(#"["\ud800"]"#)
        #expect(high?.offset == 2)
        #expect(high?.reason.contains("lone surrogate \\ud800") == true)
        let highThenLetter = error(#"["\ud800\u0041"]"#)
        #expect(highThenLetter?.offset == 2)
        let low = error(#"["x\udc00"]"#)
        #expect(low?.offset == 3)
        #expect(low?.reason.contains("low surrogate") == true)
        // Foundation refuses them too: the same bodies are refused before and after.
        for text in [#"["\ud800"]"#, #"["x\udc00"]"#] {
            #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: Data(text.utf8)) }
        }
    }

    @Test func numbersKeepTheirTextAndReadAsJSONSerializationsStrings() throws {
        for literal in ["12345", "-0", "0", "15550783881", "-7", "1.0", "1.5", "1e3", "1E+2", "-12.50", "0.1", "3.0e-5",
                        "123456789012345678901234", "1.7976931348623157e308"] {
            let mine = try read("[\(literal)]").array?.first
            if case .number(let text)? = mine { #expect(text == literal) } else { Issue.record("\(literal) not a number") }
            let theirs = try #require((try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [Any])?.first as? NSNumber)
            #expect(mine?.stringOrNumber == theirs.stringValue, "\(literal)")
        }
        #expect(try read("1.9").int == 1)
        #expect(try read("-1.9").int == -1)
        #expect(try read("\"42\"").int == 42)
        #expect(try read("1e300").int == nil)
        #expect(try read("0.5").bool == false)
        #expect(try read("2").bool == true)
        #expect(try read("\"true\"").bool == nil)
        #expect(try read("true").stringOrNumber == nil)
        #expect(try read("\"1.5\"").double == 1.5)
    }

    @Test func duplicateKeysLastWinsAndBothAreKept() throws {
        let v = try read(#"{"a":1,"b":2,"a":3}"#)
        #expect(v["a"]?.int == 3)
        if case .object(let members, _) = v { #expect(members.map(\.key) == ["a", "b", "a"]) }
    }

    @Test func containersRememberTheirBytes() throws {
        let text = #"{"list": [ {"id":"x\u00e9" , "n":1} ,[]],"o":{}}"#
        let bytes = Array(text.utf8)
        let v = try JSONReader.read(bytes)
        #expect(v.source == 0..<bytes.count)
        let list = try #require(v["list"])
        #expect(String(decoding: bytes[try #require(list.source)], as: UTF8.self) == #"[ {"id":"x\u00e9" , "n":1} ,[]]"#)
        let first = try #require(list.array?.first)
        #expect(String(decoding: bytes[try #require(first.source)], as: UTF8.self) == #"{"id":"x\u00e9" , "n":1}"#)
        #expect(first["id"]?.source == nil)
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try JSONReader.read([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)).array?.count == 1)
    }

    // MARK: - Refusals

    @Test func malformedInputIsRefusedSayingWhere() {
        let cases: [(String, Int, String)] = [
            ("", 0, "empty input"),
            ("   ", 3, "unexpected end of input"),
            ("{", 1, "unexpected end of input"),
            ("[1,]", 3, "expected a value"),
            (#"{"a":1,}"#, 7, "expected a string key"),
            (#"{"a" 1}"#, 5, "expected ':'"),
            ("{a:1}", 1, "expected a string key"),
            ("[1 2]", 3, "expected ',' or ']'"),
            (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
            ("01", 1, "after the JSON value"),
            ("1.", 2, "unexpected end of input"),
            ("1.x", 2, "expected a digit after '.'"),
            (".5", 0, "expected a value"),
            ("+1", 0, "expected a value"),
            ("-", 1, "unexpected end of input"),
            ("-a", 1, "expected a digit"),
            ("1e", 2, "unexpected end of input"),
            ("1e+", 3, "unexpected end of input"),
            ("1e400", 0, "too large"),
            ("tru", 3, "unexpected end of input"),
            ("trUe", 0, "expected a value"),
            ("nul", 3, "unexpected end of input"),
            ("'a'", 0, "expected a value"),
            ("[1] x", 4, "unexpected 'x' after the JSON value"),
            ("{} {}", 3, "after the JSON value"),
            ("\"a\tb\"", 2, "control character 0x09"),
            ("\"a\nb\"", 2, "control character 0x0A"),
            (#""\x""#, 1, "invalid escape \\x"),
            (#""\u12G4""#, 1, "invalid \\u escape"),
            (#""\u12"#, 5, "unexpected end of input"),
            (#""abc"#, 4, "unexpected end of input"),
            (#""abc\"#, 5, "unexpected end of input"),
            ("[1,2", 4, "unexpected end of input"),
            ("/* c */ 1", 0, "expected a value"),
        ]
        for (text, offset, reason) in cases {
            let e = error(text)
            #expect(e != nil, "\(text.debugDescription) was accepted")
            #expect(e?.offset == offset, "\(text.debugDescription): \(e?.description ?? "")")
            #expect(e?.reason.contains(reason) == true, "\(text.debugDescription): \(e?.description ?? "") should say \(reason)")
            #expect(e?.description.hasSuffix("at byte \(offset)") == true)
        }
    }

    @Test func invalidUTF8IsRefused() {
        let q = UInt8(ascii: "\"")
        let cases: [[UInt8]] = [
            [q, 0xC3, q],                     // cut short
            [q, 0xC3],                        // cut short at the end
            [q, 0xC0, 0xAF, q],               // overlong "/"
            [q, 0xE0, 0x80, 0xAF, q],         // overlong, 3 bytes
            [q, 0xED, 0xA0, 0x80, q],         // an encoded surrogate (U+D800)
            [q, 0xF4, 0x90, 0x80, 0x80, q],   // above U+10FFFF
            [q, 0xF5, 0x80, 0x80, 0x80, q],
            [q, 0xFF, q],
            [q, 0x80, q],                     // a lone continuation byte
            [q, 0xE2, 0x82, q],               // 3-byte sequence missing its last byte
            [q, 0x61, 0x5C, 0x6E, 0xE2, 0x28, 0xA1, q], // after an escape
            [0xC3, 0xA9],                     // non-ASCII outside a string
        ]
        for bytes in cases {
            let e = error(bytes)
            #expect(e != nil, "\(bytes) was accepted")
            #expect(e?.reason.contains("UTF-8") == true || e?.reason.contains("expected a value") == true, "\(e?.description ?? "")")
        }
        // Every valid length is accepted: é (2), € (3), 🙏 (4), and U+10FFFF.
        #expect((try? JSONReader.read([q, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x99, 0x8F, 0xF4, 0x8F, 0xBF, 0xBF, q]))?.string
                == "é€🙏\u{10FFFF}")
    }

    @Test func nestingIsLimited() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(throws: Never.self) { try read(ok) }
        let deep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        let e = error(deep)
        #expect(e?.offset == 256)
        #expect(e?.reason == "nesting deeper than 256 levels")
        let objects = String(repeating: #"{"a":"#, count: 300) + "1" + String(repeating: "}", count: 300)
        #expect(error(objects)?.reason == "nesting deeper than 256 levels")
        // Far deeper than any stack would take without the limit.
        #expect(error(String(repeating: "[", count: 1_000_000)) != nil)
        #expect(try JSONReader.read(Array(objects.utf8), maxDepth: 300)["a"] != nil)
    }

    // MARK: - Against JSONSerialization

    @Test func readsWebhookBodiesAsJSONSerializationDoes() throws {
        let bodies: [[UInt8]] = [
            WhatsAppFixtures.inboundBody(WhatsAppFixtures.everyType()),
            WhatsAppFixtures.envelope([WhatsAppFixtures.change(messages: WhatsAppFixtures.everyType())]).bytes(metaEscaping: false),
            WhatsAppFixtures.statusBody([FixtureStatus(messageID: "wamid.1", status: "failed", errorCode: 131026)]),
            Array(#"{"a":[1,-0,2.50,1e2,-3E-2,true,false,null,"\"\\\/\b\f\n\r\t\u0001"],"b":{"a":1,"a":2}}"#.utf8),
        ]
        for body in bodies {
            #expect(try sameAsFoundation(body))
        }
    }

    /// Random, truncated and mutated bodies: the reader either reads them or throws,
    /// never traps, and whenever both it and `JSONSerialization` accept a text they read
    /// the same thing. The webhook parser on top of it likewise reads or refuses.
    @Test func fuzzedInputNeverCrashes() throws {
        var random = SeededRandom(seed: 0x5EED_150)
        let seeds: [[UInt8]] = [
            WhatsAppFixtures.inboundBody(WhatsAppFixtures.everyType()),
            WhatsAppFixtures.envelope([WhatsAppFixtures.change(messages: Array(WhatsAppFixtures.everyType().prefix(4)))])
                .bytes(metaEscaping: false),
            WhatsAppFixtures.statusBody([FixtureStatus(messageID: "wamid.1", status: "failed", errorCode: 131026)]),
        ]
        let alphabet = Array(#"{}[],:" \-+.eE0123456789tfnul\"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xED, 0xF0, 0xF4, 0xFF]
        var parsed = 0, refused = 0, agreed = 0

        func check(_ bytes: [UInt8]) {
            let mine = try? JSONReader.read(bytes)
            if mine != nil { parsed += 1 } else { refused += 1 }
            if let mine, let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) {
                #expect(matches(mine, theirs), "\(String(decoding: bytes, as: UTF8.self))")
                agreed += 1
            }
            do {
                _ = try WhatsAppWebhook.parse(body: Data(bytes), channelFor: { _ in "wa-main" })
            } catch {
                #expect(error.code == .malformed)
            }
        }

        // Every prefix of the first body.
        for n in 0..<seeds[0].count { check(Array(seeds[0].prefix(n))) }
        // Mutations: flip, insert, delete, duplicate a span.
        for round in 0..<6000 {
            var b = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<b.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: b[at] = alphabet.randomElement(using: &random)!
                case 1: b.insert(alphabet.randomElement(using: &random)!, at: at)
                case 2: b.remove(at: at)
                default:
                    let end = min(b.count, at + Int.random(in: 1...40, using: &random))
                    b.insert(contentsOf: b[at..<end], at: at)
                }
                if b.isEmpty { b = [0x7B] }
            }
            check(b)
        }
        // Random token soup.
        for _ in 0..<3000 {
            check((0..<Int.random(in: 0...60, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        #expect(parsed > 100)
        #expect(refused > 1000)
        #expect(agreed > 100)
    }
}
