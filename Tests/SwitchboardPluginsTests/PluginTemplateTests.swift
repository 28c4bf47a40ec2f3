import Foundation
import Testing
import CSwitchboardPlugin
import SwitchboardCore
@testable import SwitchboardPlugins

/// ABI 1.4: `host->send_template`, through the C fixture. The template replaces a text
/// reply given before it and is the chain's verdict; bad input is refused as invalid and
/// leaves the text reply standing.
@Suite struct PluginTemplateTests {
    let dir = TestSupport.tempDir()

    init() throws {
        try TestSupport.buildTestPlugin("tpl", in: dir, defines: [#"TEST_ID="tpl""#])
    }

    func chain() throws -> ResponderChain {
        try PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: InMemoryPluginStateStore(), poolThreads: 2)
            .load(workspace: "ws-a", specs: [PluginSpec(name: "tpl")])
    }

    @Test func aTemplateIsTheVerdictInPlaceOfTheTextGivenBefore() throws {
        let r = try chain().runBlocking(message: TestSupport.message("template"))
        #expect(r.errors.isEmpty)
        #expect(r.verdict == .template(PluginTemplate(name: "order_ready", language: "en_US", parameters: ["Ana", "#12"])))
        #expect(r.plugin == "tpl")
    }

    @Test func badTemplateCallsAreRefusedAsInvalid() throws {
        let r = try chain().runBlocking(message: TestSupport.message("template-bad"))
        let bad = SB_ERR_INVALID
        #expect(r.verdict == .reply(text: "name=\(bad) lang=\(bad) count=\(bad) empty=\(bad) newline=\(bad)", buttons: []))
    }

    @Test func theHostDeclaresABI14() {
        #expect(PluginHost.abiVersion == "1.5")
    }
}
