import Foundation
import Testing
import SwitchboardConfig
import SwitchboardCore
@testable import SwitchboardHost

/// What the host keeps of its config once the plugin chains are built: no plugin config
/// texts (a plugin that drops its config after `create`, ABI 1.4, must not have it kept
/// alive by the host's own copy), and everything else as loaded.
@Suite struct StartupMemoryTests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test func theKeptConfigHasNoPluginConfigTextsAndFreesThem() throws {
        var loaded: LoadedConfig? = try ConfigLoader.load(path: "config/switchboard.yaml", environment: [:], workingDirectory: Self.root)
        weak var faqText: SharedUTF8?
        let (names, deadlines, file) = try {
            let demo = try #require(loaded?.workspaces.first)
            #expect(demo.plugins.allSatisfy { $0.configText.count > 2 })
            faqText = demo.plugins[0].configText
            return (demo.plugins.map(\.name), demo.plugins.map(\.deadlineMilliseconds), demo.file)
        }()
        #expect(names == ["faq", "llm", "handoff"])

        let kept = loaded!.releasingPluginConfigTexts()
        #expect(faqText != nil) // the loaded config still has it
        loaded = nil
        // Nothing holds the text any more.
        #expect(faqText == nil)
        let keptDemo = try #require(kept.workspaces.first)
        #expect(keptDemo.plugins.map(\.configJSON) == ["", "", ""])
        // The rest of the config is as loaded.
        #expect(keptDemo.plugins.map(\.name) == names)
        #expect(keptDemo.plugins.map(\.deadlineMilliseconds) == deadlines)
        #expect(keptDemo.id == "demo" && keptDemo.file == file)
        #expect(kept.host.server.listen.description == "127.0.0.1:8080")
    }
}
