import Testing
@testable import SwitchboardConfig

@Suite struct YAMLReaderTests {
    @Test func nodesKeepPositionsKeyOrderAndQuoting() throws {
        let text = """
            zeta: 1
            alpha: 'quoted'
            list:
              - "double"
              - plain
            """
        let root = try YAMLReader.parse(text, file: "t.yaml")
        let entries = try #require(root.entries)
        #expect(entries.map(\.name) == ["zeta", "alpha", "list"])
        #expect((entries[1].key.line, entries[1].key.column) == (2, 1))
        #expect((entries[1].value.line, entries[1].value.column) == (2, 8))
        #expect(entries[1].value.scalarStyle == .singleQuoted && entries[1].value.isQuotedString)
        #expect(entries[0].value.scalarStyle == .plain && !entries[0].value.isQuotedString)
        let items = try #require(root["list"]?.items)
        #expect(items.map(\.location) == ["t.yaml:4:5", "t.yaml:5:5"])
        #expect(items[0].scalarStyle == .doubleQuoted && items[1].scalarValue == "plain")
    }

    @Test func duplicateKeysAreAllReportedWithTheFirstPosition() {
        let text = """
            a: 1
            b:
              x: 1
              x: 2
            a: 3
            """
        #expect(throws: ConfigError.self) { try YAMLReader.parse(text, file: "d.yaml") }
        do { _ = try YAMLReader.parse(text, file: "d.yaml") } catch {
            #expect(error.description == """
                d.yaml:4:3: error: duplicate key 'x' (first defined at line 3, column 3)
                d.yaml:5:1: error: duplicate key 'a' (first defined at line 1, column 1)
                """)
        }
    }

    @Test func malformedYAMLGivesOneErrorWithLibyamlsProblemAndPosition() {
        let text = "server:\n  listen: [127.0.0.1\nlog: {}\n"
        do {
            _ = try YAMLReader.parse(text, file: "bad.yaml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.description == "bad.yaml:3:4: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 11)")
        }
    }

    @Test func mappingKeysMustBeScalars() {
        do {
            _ = try YAMLReader.parse("? [a, b]\n: 1\n", file: "k.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "k.yaml:1:3: error: mapping keys must be plain text, got a list")
        }
    }

    @Test func aliasesAreResolvedAndASecondDocumentIsRefused() throws {
        let root = try YAMLReader.parse("base: &b {x: 1}\ncopy: *b\n", file: "a.yaml")
        #expect(root["copy"]?["x"]?.scalarValue == "1")
        do {
            _ = try YAMLReader.parse("a: 1\n---\nb: 2\n", file: "m.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "m.yaml:2:1: error: a config file holds one YAML document; found a second one")
        }
    }

    @Test func anAliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: ConfigError.self) { try YAMLReader.parse(text, file: "bomb.yaml") }
    }

    @Test func anEmptyFileIsAnEmptyMapping() throws {
        let root = try YAMLReader.parse("", file: "e.yaml")
        #expect(root.entries?.isEmpty == true)
        let loaded = try ConfigLoader.parse(host: "", file: "e.yaml")
        #expect(loaded.host.server.listen.description == "127.0.0.1:8080")
        #expect(loaded.host.pluginPaths == [".build/release", "/usr/lib/switchboard/plugins"])
    }

    // Found by fuzzing (docs/fuzzing.md; the input is fuzz/regressions/fuzz-yaml/deep-flow-20000):
    // a value nested 20,000 lists deep crashed the loader (stack overflow in the
    // recursive passes after the reader) after libyaml spent seconds on it.
    @Test func nestingDeeperThanTheLimitIsRefusedWhereItStarts() {
        let text = "plugin:\n  config: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n"
        do {
            _ = try ConfigLoader.parse(host: text, file: "deep.yaml")
            Issue.record("expected an error")
        } catch {
            // The root mapping, `plugin`'s mapping, then 62 lists: the 63rd is one too many.
            #expect(error.description == "deep.yaml:2:73: error: lists and mappings nested more than 64 levels deep")
        }
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let depth = YAMLReader.maxDepth - 1    // under the root mapping
        let root = try YAMLReader.parse("a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth), file: "ok.yaml")
        var node = try #require(root["a"])
        var levels = 1
        while let first = node.items?.first {
            node = first
            levels += 1
        }
        #expect(levels == depth)
    }

    @Test func aliasesCannotNestBeyondTheLimit() {
        // Each line is 30 levels deep, and holds the one before: 90 levels once expanded.
        let open = String(repeating: "[", count: 30), close = String(repeating: "]", count: 30)
        let text = "a: &a \(open)x\(close)\nb: &b \(open)*a\(close)\nc: \(open)*b\(close)\n"
        do {
            _ = try YAMLReader.parse(text, file: "alias.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "alias.yaml:3:34: error: lists and mappings nested more than 64 levels deep")
        }
    }

    // Found by fuzzing: a list of 20,000 items or a mapping of 20,000 keys took minutes
    // (every item copied the list so far; every key was compared with every earlier one).
    /// The bug was time, not results (a 20,000-item list did not finish in 5 minutes):
    /// the limit makes it a failure instead of a hang.
    @Test(.timeLimit(.minutes(1))) func longListsAndManyKeysAreRead() throws {
        let list = "items:\n" + String(repeating: "  - x\n", count: 20_000)
        #expect(try YAMLReader.parse(list, file: "l.yaml")["items"]?.items?.count == 20_000)
        var keys = (0..<20_000).map { "k\($0): v\n" }.joined()
        keys += "k19999: again\n"
        do {
            _ = try YAMLReader.parse(keys, file: "k.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "k.yaml:20001:1: error: duplicate key 'k19999' (first defined at line 20000, column 1)")
        }
    }
}
