import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// Prints what one call across the plugin boundary costs (debug build; the release
/// figure comes from `swift run -c release switchboard-plugin-bench`). Reports, does
/// not assert timing.
@Suite struct BoundaryBenchmarkTests {
    @Test func perCallOverheadIsPrinted() throws {
        let dir = TestSupport.tempDir()
        try TestSupport.buildTestPlugin("benchc", in: dir)
        let host = PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: InMemoryPluginStateStore())
        let chain = try host.load(workspace: "ws-a", specs: [PluginSpec(name: "benchc")])
        let instance = try #require(chain.instances.first)
        let prepared = PreparedPluginMessage(TestSupport.message("nothing to see"))
        let n = 20_000
        for _ in 0..<1000 { _ = instance.invoke(prepared) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { _ = instance.invoke(prepared) }
        let perCall = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n)
        let outcome = instance.invoke(prepared)
        #expect(outcome.succeeded && outcome.verdict == .pass)
        print("plugin boundary (debug build): \(String(format: "%.0f", perCall)) ns per handle call (C plugin, pass)")
    }
}
