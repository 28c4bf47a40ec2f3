import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// ABI 1.4's SB_PLUGIN_FLAG_DROP_CONFIG: a plugin that reads its config text only in
/// `create` lets the host free it once `create` returned (at 10,000 workspaces with a
/// 20-entry FAQ each, ~28 MB). Without the flag, or from a plugin declaring an older ABI,
/// the text stays valid until `destroy`, as before. After the drop, `config_json` and
/// `host->config` are the empty string, not freed memory.
@Suite struct ConfigDropTests {
    let dir = TestSupport.tempDir()
    let store = InMemoryPluginStateStore()

    func host(_ paths: [String]) -> PluginHost {
        PluginHost(searchPaths: paths, logger: TestSupport.quietLogger, stateStore: store)
    }

    /// Loads `name` with a config the caller does not keep, and returns the chain with a
    /// weak reference to the config text (nil once nothing holds it any more).
    func load(_ name: String, config: String, paths: [String]? = nil) throws -> (ResponderChain, () -> SharedUTF8?) {
        weak var weakText: SharedUTF8?
        let chain = try {
            let text = SharedUTF8(config)
            weakText = text
            return try host(paths ?? [dir]).load(workspace: "ws-a", timezone: "Africa/Lagos",
                                                 specs: [PluginSpec(name: name, configText: text)])
        }()
        return (chain, { weakText })
    }

    func run(_ c: ResponderChain, _ text: String) -> ChainResult {
        c.runBlocking(message: TestSupport.message(text))
    }

    @Test func aPluginThatDropsItsConfigHasItFreedAfterCreate() throws {
        try TestSupport.buildTestPlugin("dropper", in: dir, defines: [#"TEST_ID="dropper""#, "TEST_DROP_CONFIG"])
        let (c, text) = try load("dropper", config: #"{"greeting": "hello"}"#)
        #expect(c.instances.first?.info.dropsConfig == true)
        #expect(c.instances.first?.info.abi == PluginHost.abiVersion)
        // Nothing keeps the text: not the instance context, not the instance's spec.
        #expect(text() == nil)
        #expect(c.instances.first?.spec.configText.count == 0)
        // host->config (read by "whoami") is the empty string now, not freed memory.
        #expect(run(c, "whoami").verdict == .reply(text: "ws-a|Africa/Lagos|", buttons: []))
        c.shutdown()
    }

    @Test func createStillReadsTheConfig() throws {
        try TestSupport.buildTestPlugin("dropper", in: dir, defines: [#"TEST_ID="dropper""#, "TEST_DROP_CONFIG"])
        #expect(throws: PluginLoadError.self) {
            _ = try load("dropper", config: #"{"fail_create":true}"#)
        }
    }

    @Test func aPluginWithoutTheFlagKeepsItsConfigUntilDestroy() throws {
        try TestSupport.buildTestPlugin("keeper", in: dir, defines: [#"TEST_ID="keeper""#])
        let (c, text) = try load("keeper", config: #"{"greeting": "hello"}"#)
        #expect(c.instances.first?.info.dropsConfig == false)
        #expect(text() != nil)
        #expect(run(c, "whoami").verdict == .reply(text: #"ws-a|Africa/Lagos|{"greeting": "hello"}"#, buttons: []))
        c.shutdown()
    }

    @Test func theFlagCountsOnlyFromABI14() throws {
        // The bit set by a plugin declaring 1.3: an older plugin never promised anything.
        try TestSupport.buildTestPlugin("older", in: dir, defines: [#"TEST_ID="older""#, "TEST_DROP_CONFIG", "TEST_ABI_MINOR=3"])
        let (c, text) = try load("older", config: #"{"greeting": "hi"}"#)
        #expect(c.instances.first?.info.abi == "1.3")
        #expect(c.instances.first?.info.dropsConfig == false)
        #expect(text() != nil)
        #expect(run(c, "whoami").verdict == .reply(text: #"ws-a|Africa/Lagos|{"greeting": "hi"}"#, buttons: []))
        c.shutdown()
    }

    /// The bundled Swift plugins are built with SwitchboardPluginKit, which copies the
    /// config before the responder's init: they drop it, and still answer from it.
    @Test func theSwiftPluginsDropTheirConfigAndStillAnswer() throws {
        guard FileManager.default.fileExists(atPath: TestSupport.buildDir + "/libfaq.so") else {
            throw TestSupport.CommandFailed(description: "libfaq.so is not in \(TestSupport.buildDir): build the plugin products first (swift build)")
        }
        let (c, text) = try load("faq", config: SwiftPluginTests.faqConfig, paths: [TestSupport.buildDir])
        #expect(c.instances.first?.info.dropsConfig == true)
        #expect(text() == nil)
        #expect(run(c, "When are you open?").verdict == .reply(text: "We are open 8am to 7pm, Monday to Saturday.", buttons: []))
        c.shutdown()
    }
}
