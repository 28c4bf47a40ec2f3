import Foundation
import Synchronization
import Testing
import CSwitchboardPlugin
import SwitchboardCore
@testable import SwitchboardPlugins

/// ABI 1.3: `host->journal` and `host->count`, through the C fixture. A plugin's events
/// reach the chain's result (for every plugin called, in order, whatever its verdict),
/// its counters reach the host's sink, and bad input is refused with SB_ERR_INVALID.
@Suite struct PluginJournalTests {
    let dir = TestSupport.tempDir()

    final class Counters: PluginCounterSink {
        let added = Mutex<[String: Double]>([:])
        func add(plugin: String, workspace: WorkspaceID, name: String, value: Double) {
            added.withLock { $0["\(plugin)|\(workspace)|\(name)", default: 0] += value }
        }
    }

    init() throws {
        try TestSupport.buildTestPlugin("first", in: dir, defines: [#"TEST_ID="first""#])
        try TestSupport.buildTestPlugin("second", in: dir, defines: [#"TEST_ID="second""#])
    }

    func chain(_ names: [String], counters: Counters) throws -> ResponderChain {
        try PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: InMemoryPluginStateStore(),
                       poolThreads: 2, counters: counters)
            .load(workspace: "ws-a", specs: names.map { PluginSpec(name: $0) })
    }

    @Test func eventsOfEveryPluginCalledReachTheChainResultInOrder() throws {
        let counters = Counters()
        let c = try chain(["first", "second"], counters: counters)
        let r = c.runBlocking(message: TestSupport.message("journal"))
        #expect(r.verdict == .pass)
        #expect(r.errors.isEmpty)
        #expect(r.events == [
            PluginJournalEntry(plugin: "first", event: "decision", fields: ["tier": "faq", "field_plugin": "mine"]),
            PluginJournalEntry(plugin: "first", event: "second", fields: [:]),
            PluginJournalEntry(plugin: "second", event: "decision", fields: ["tier": "faq", "field_plugin": "mine"]),
            PluginJournalEntry(plugin: "second", event: "second", fields: [:]),
        ])
        #expect(r.events[0].detail == ["plugin": "first", "event": "decision", "tier": "faq", "field_plugin": "mine"])
        #expect(counters.added.withLock { $0 } == ["first|ws-a|answers": 2.5, "second|ws-a|answers": 2.5])
    }

    @Test func aFailingPluginsEventsAreKeptAndTheNextPluginsVerdictWins() throws {
        let c = try chain(["first"], counters: Counters())
        let r = c.runBlocking(message: TestSupport.message("journal-fail"))
        #expect(r.errors.first?.message == "failed after journalling")
        #expect(r.events == [PluginJournalEntry(plugin: "first", event: "before.failure", fields: ["n": "1"])])
    }

    @Test func badEventsAndCountsAreRefusedAsInvalid() throws {
        let counters = Counters()
        let r = try chain(["first"], counters: counters).runBlocking(message: TestSupport.message("journal-bad"))
        let bad = SB_ERR_INVALID
        #expect(r.verdict == .reply(text: "event=\(bad) empty=\(bad) fields=\(bad) value=\(bad) key=\(bad) many=\(bad) name=\(bad) neg=\(bad) nan=\(bad) names=\(bad)",
                                    buttons: []))
        // Only the 16 good events of the call; none of the refused ones.
        #expect(r.events.count == Int(SB_MAX_EVENTS_PER_CALL))
        #expect(r.events.allSatisfy { $0.event == "fill" && $0.fields.count == 16 })
        let added = counters.added.withLock { $0 }
        #expect(added.count == Int(SB_MAX_COUNTERS))
        #expect(added["first|ws-a|name_64"] == nil)
        #expect(added["first|ws-a|neg"] == nil && added["first|ws-a|nan"] == nil)
    }

    @Test func theHostTableOffersJournalAndCountFromABI13() throws {
        #expect(PluginHost.abiVersion == "1.5")
        #expect(hostTable.pointee.abi_minor == 5)
        #expect(hostTable.pointee.journal != nil && hostTable.pointee.count != nil && hostTable.pointee.send_template != nil)
        #expect(MemoryLayout<sb_host>.size == 8 + 18 * MemoryLayout<UnsafeRawPointer>.size)
    }
}
