import Foundation
import Testing
@testable import SwitchboardConfig

/// `config_file` on a plugin: its settings read from a YAML file (a long FAQ), joined
/// with the inline `config`, with errors at their place in that file.
@Suite struct PluginConfigFileTests {
    static let host = "workspaces:\n  dir: workspaces\n"

    func load(_ tmp: TempDir, workspace: String) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.load(path: "switchboard.yaml", environment: [:], workingDirectory: tmp.path)
    }

    func setUp(plugin: String, files: [String: String]) throws -> TempDir {
        let tmp = try TempDir()
        try tmp.write("switchboard.yaml", Self.host)
        try tmp.write("workspaces/shop.yaml", "id: shop\nname: Shop\nregion: NG\ntimezone: Africa/Lagos\nplugins:\n" + plugin)
        for (name, text) in files { try tmp.write(name, text) }
        return tmp
    }

    @Test func aYAMLFileJoinsTheInlineConfig() throws {
        let tmp = try setUp(plugin: """
              - name: faq
                config:
                  threshold: 0.5
                config_file: faq/shop.yaml
            """, files: ["faq/shop.yaml": """
            entries:
              - id: hours
                questions: ["When are you open?"]
                answer: "9 to 5."
            """])
        defer { tmp.cleanup() }
        let loaded = try load(tmp, workspace: "shop")
        let json = try #require(loaded.workspaces.first?.plugins.first?.configJSON)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["threshold"] as? Double == 0.5)
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.first?["answer"] as? String == "9 to 5.")
        #expect(entries.first?["questions"] as? [String] == ["When are you open?"])
    }

    @Test func problemsAreReportedWhereTheyAre() throws {
        let missing = try setUp(plugin: "  - name: faq\n    config_file: faq/nope.yaml\n", files: [:])
        defer { missing.cleanup() }
        #expect(throws: ConfigError.self) { try load(missing, workspace: "shop") }
        do { _ = try load(missing, workspace: "shop") } catch {
            #expect(error.description.contains("workspaces/shop.yaml:7:18: error: plugin config file 'faq/nope.yaml' cannot be read"))
        }

        let broken = try setUp(plugin: "  - name: faq\n    config_file: faq/x.yaml\n", files: ["faq/x.yaml": "entries:\n  - id: a\n    questions: [unclosed\n"])
        defer { broken.cleanup() }
        do { _ = try load(broken, workspace: "shop"); Issue.record("expected an error") } catch {
            #expect(error.description.contains("faq/x.yaml:"))
        }

        let twice = try setUp(plugin: "  - name: faq\n    config:\n      threshold: 0.4\n    config_file: faq/t.yaml\n",
                              files: ["faq/t.yaml": "threshold: 0.6\n"])
        defer { twice.cleanup() }
        do { _ = try load(twice, workspace: "shop"); Issue.record("expected an error") } catch {
            #expect(error.description.contains("'threshold' is set both in config and in config_file 'faq/t.yaml'"))
        }

        let list = try setUp(plugin: "  - name: faq\n    config_file: faq/l.yaml\n", files: ["faq/l.yaml": "- a\n- b\n"])
        defer { list.cleanup() }
        do { _ = try load(list, workspace: "shop"); Issue.record("expected an error") } catch {
            #expect(error.description.contains("must hold a mapping"))
        }
    }
}
