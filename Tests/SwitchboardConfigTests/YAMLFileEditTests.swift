import Foundation
import Testing
@testable import SwitchboardConfig

/// Edits of one top-level key of a workspace file, as the setup walk makes them: the other
/// lines stay byte for byte, the rewritten block parses back to the same values, and a
/// `${VAR}` is written back as itself.
@Suite struct YAMLFileEditTests {
    static let file = """
        # A bakery.
        id: demo
        name: Demo Bakery   # shown to customers
        timezone: Africa/Lagos

        # The chain.
        plugins:
          - name: faq
            deadline_ms: 500
            config:
              entries:
                - {id: hours, questions: ["When are you open?", "Hours, please"], answer: "8am: daily."}
          - name: llm
            config:
              providers:
                - {id: local, api: openai, base_url: "http://127.0.0.1:8000/v1", api_key: "${LLM_KEY}"}
              budget: {daily_usd: 1.00}
        fallback: "Thanks!"
        """

    @Test func aScalarIsReplacedAndEverythingElseStays() throws {
        let out = try YAMLFileEdit.setting("name", to: YAMLFileEdit.string("Ada's \"Best\""), in: Self.file, file: "d.yaml")
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[2] == #"name: "Ada's \"Best\"""#)
        #expect(out.replacingOccurrences(of: String(lines[2]), with: "name: Demo Bakery   # shown to customers") == Self.file + "\n")
        #expect(try YAMLFileEdit.root(out, file: "d.yaml")["name"]?.scalarValue == "Ada's \"Best\"")
    }

    @Test func theChainRewrittenKeepsItsValuesAndVariables() throws {
        let root = try YAMLFileEdit.root(Self.file, file: "d.yaml")
        let plugins = try #require(root["plugins"])
        let out = try YAMLFileEdit.setting("plugins", to: plugins, in: Self.file, file: "d.yaml")
        #expect(out.contains(#"api_key: "${LLM_KEY}""#))
        #expect(out.contains("# The chain.") && out.hasSuffix("fallback: \"Thanks!\"\n"))
        let again = try YAMLFileEdit.root(out, file: "d.yaml")
        #expect(try again["plugins"]?.jsonText().get() == plugins.jsonText().get())
        #expect(again["fallback"]?.scalarValue == "Thanks!")
        // Types kept: a plain number stays a number.
        #expect(try again["plugins"]?.jsonText().get().contains(#""deadline_ms":500"#) == true)
    }

    @Test func anAbsentKeyIsAddedAndNilRemoves() throws {
        let added = try YAMLFileEdit.setting("mark_read", to: YAMLFileEdit.plain("true"), in: "id: x\nname: X\n", file: "x.yaml")
        #expect(added == "id: x\nname: X\nmark_read: true\n")
        let removed = try YAMLFileEdit.setting("name", to: nil, in: added, file: "x.yaml")
        #expect(removed == "id: x\nmark_read: true\n")
    }

    @Test func aFileInFlowStyleIsRefused() throws {
        #expect(throws: YAMLFileEdit.Refusal.self) {
            try YAMLFileEdit.setting("name", to: YAMLFileEdit.string("Y"), in: "{id: x, name: X}\n", file: "x.yaml")
        }
    }
}
