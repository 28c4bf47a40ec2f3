import FuzzSupport
import SwitchboardCore

// fuzz-json: JSONReader (webhook bodies, Graph API answers, outbox entries).
// Properties checked on every input, beyond "does not crash":
// - an error's offset lies within the input (0...count) and its text is not empty;
// - a value read back from its own JSON text (written here with JSONText.quoted, the
//   writer the host uses) is the same value;
// - the `source` range of every object and array is its exact text: it starts with
//   `{`/`[`, ends with `}`/`]`, and reads back as the same value (the webhook parser
//   keeps each message as that slice of the body).

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    FuzzMain.writeSeedsIfAsked(FuzzJSON.seeds)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzJSON.test(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum Replay {
    static func main() { FuzzMain.replay(seeds: FuzzJSON.seeds, FuzzJSON.test) }
}
#endif

enum FuzzJSON {
    static func test(_ input: UnsafeRawBufferPointer) {
        check(Array(input))
    }

    static func check(_ bytes: [UInt8]) {
        let value: JSONValue
        do {
            value = try JSONReader.read(bytes)
        } catch {
            fuzzCheck((0...bytes.count).contains(error.offset), "error offset \(error.offset) outside 0...\(bytes.count)")
            fuzzCheck(!error.description.isEmpty)
            return
        }
        var text = ""
        write(value, to: &text)
        let again: JSONValue
        do {
            again = try JSONReader.read(Array(text.utf8))
        } catch {
            fuzzFail("own output does not read back: \(error) in \(text.prefix(200))")
        }
        fuzzCheck(same(value, again), "round trip changed the value: \(text.prefix(200))")
        checkSources(value, in: bytes)
    }

    static func checkSources(_ v: JSONValue, in bytes: [UInt8]) {
        switch v {
        case .array(let items, let range):
            fuzzCheck(bytes[range.lowerBound] == UInt8(ascii: "[") && bytes[range.upperBound - 1] == UInt8(ascii: "]"))
            fuzzCheck(sliceReadsBack(v, bytes, range))
            for item in items { checkSources(item, in: bytes) }
        case .object(let members, let range):
            fuzzCheck(bytes[range.lowerBound] == UInt8(ascii: "{") && bytes[range.upperBound - 1] == UInt8(ascii: "}"))
            fuzzCheck(sliceReadsBack(v, bytes, range))
            for m in members { checkSources(m.value, in: bytes) }
        default:
            break
        }
    }

    static func sliceReadsBack(_ v: JSONValue, _ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard let again = try? JSONReader.read(Array(bytes[range])) else { return false }
        return same(v, again)
    }

    static func write(_ v: JSONValue, to out: inout String) {
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let literal): out += literal
        case .string(let s): JSONText.appendQuoted(s, to: &out)
        case .array(let items, _):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members, _):
            out += "{"
            for (i, m) in members.enumerated() {
                if i > 0 { out += "," }
                JSONText.appendQuoted(m.key, to: &out)
                out += ":"
                write(m.value, to: &out)
            }
            out += "}"
        }
    }

    /// Equal as JSON values, ignoring where they were in their input.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
        case (.array(let x, _), .array(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.object(let x, _), .object(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { Array($0.key.utf8) == Array($1.key.utf8) && same($0.value, $1.value) }
        default: return false
        }
    }

    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let texts = [
            #"{"a":[1,-2.5e+3,true,false,null,"x",{},[]],"b":{"c":0}}"#,
            #""q\"b\\s\/b\bf\fn\nr\rt\tA\u0041é\u00e9中\u4E2D🙏\ud83d\ude4f nul\u0000""#,
            #"["\ud800"]"#, #"["x\udc00"]"#, "123456789012345678901234", "1.7976931348623157e308", "1e400",
            #"{"a":1,"b":2,"a":3}"#, "\u{FEFF}[1]", "[[[[[[[[]]]]]]]]", "-0", "0.1e-5",
            #"{"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030,"error_data":{"messaging_product":"whatsapp","details":"Recipient phone number not in allowed list"},"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}"#,
            #"{"messaging_product":"whatsapp","contacts":[{"input":"+5511987654321","wa_id":"5511987654321"}],"messages":[{"id":"wamid.HBgLMTU1NTA3ODM4ODEVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]}"#,
        ]
        return texts.enumerated().map { (name: "seed-\($0.offset).json", bytes: Array($0.element.utf8)) }
    }
}
