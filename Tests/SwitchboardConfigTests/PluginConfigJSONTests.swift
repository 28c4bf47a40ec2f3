import Foundation
import Testing
@testable import SwitchboardConfig

@Suite struct PluginConfigJSONTests {
    func json(_ yaml: String, environment: [String: String] = [:]) throws -> String {
        // `yaml` is written two spaces in; `config` needs its keys six spaces in.
        let indented = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
        let text = "id: demo\nname: D\nregion: NG\ntimezone: UTC\nplugins:\n  - name: p\n    config:\n" + indented
        return try #require(try ConfigLoader.parseWorkspace(text, file: "demo.yaml", environment: environment).plugins.first).configJSON
    }

    @Test func plainScalarsAreTypedByTheYAML12CoreSchema() throws {
        let yaml = """
              nothing: null
              tilde: ~
              empty:
              yes_is_text: yes
              on: True
              off: FALSE
              int: 42
              negative: -7
              padded: 007
              hex: 0x1F
              octal: 0o17
              float: 2.5
              exp: 1e3
              dot: .5
              big: 123456789012345678901234567890
              version: 1.2.3
              phone: +2348031234567
            """
        #expect(try json(yaml) == #"{"nothing":null,"tilde":null,"empty":null,"yes_is_text":"yes","on":true,"off":false,"int":42,"negative":-7,"padded":7,"hex":31,"octal":15,"float":2.5,"exp":1000.0,"dot":0.5,"big":123456789012345678901234567890,"version":"1.2.3","phone":2348031234567}"#)
    }

    @Test func quotedScalarsAreAlwaysStrings() throws {
        let yaml = """
              a: "42"
              b: 'true'
              c: "null"
              d: !!str 7
              e: |
                line one
                line "two"\\
              f: "tab\\there"
            """
        let got = try json(yaml)
        #expect(got == #"{"a":"42","b":"true","c":"null","d":"7","e":"line one\nline \"two\"\\\n","f":"tab\there"}"#)
    }

    @Test func nestingAndKeyOrderArePreserved() throws {
        let yaml = """
              zeta: [1, [2, {k: v}], "3"]
              alpha:
                - id: hours
                  questions: ["When are you open?"]
            """
        let text = try json(yaml)
        #expect(text == #"{"zeta":[1,[2,{"k":"v"}],"3"],"alpha":[{"id":"hours","questions":["When are you open?"]}]}"#)
        // And it is JSON Foundation reads back.
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
    }

    @Test func interpolationHappensBeforeTyping() throws {
        #expect(try json("  limit: ${LIMIT:-10}\n  key: \"${KEY}\"\n", environment: ["KEY": "sk-1"]) == #"{"limit":10,"key":"sk-1"}"#)
    }

    @Test func nonFiniteNumbersAreRefusedAtTheirNode() {
        do {
            _ = try json("  ratio: .inf\n")
            Issue.record("expected an error")
        } catch {
            #expect((error as? ConfigError)?.description == "demo.yaml:8:14: error: '.inf' cannot be passed to a plugin as JSON; quote it to pass it as text")
        }
    }

    @Test func aScalarOrListConfigIsPassedAsIs() throws {
        let base = "id: demo\nname: D\nregion: NG\ntimezone: UTC\nplugins:\n"
        let w = try ConfigLoader.parseWorkspace(base + "  - {name: a, config: [x, 1]}\n  - {name: b, config: hello}\n  - {name: c}\n", file: "demo.yaml")
        #expect(w.plugins.map(\.configJSON) == [#"["x",1]"#, #""hello""#, "{}"])
    }
}
