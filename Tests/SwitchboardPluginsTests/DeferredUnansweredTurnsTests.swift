import Testing
import SwitchboardCore
@testable import SwitchboardPlugins

/// A caller that records the chain's outcome in a transaction of its own (the host's
/// workers) saves the count of unanswered messages itself, in that transaction: the run
/// must then leave the state store alone and hand the new count back.
@Suite struct DeferredUnansweredTurnsTests {
    let dir = TestSupport.tempDir()
    let store = InMemoryPluginStateStore()

    init() throws {
        try TestSupport.buildTestPlugin("first", in: dir, defines: [#"TEST_ID="first""#])
    }

    func chain() throws -> ResponderChain {
        try PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: store)
            .load(workspace: "ws-a", specs: [PluginSpec(name: "first")])
    }

    func stored(_ conversation: String) throws -> String? {
        try store.get(workspace: "ws-a", plugin: ResponderChain.statePlugin, key: "unanswered:" + conversation)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aRunThatLeavesTheCountToItsCallerWritesNothing() throws {
        let c = try chain()
        let first = c.runBlocking(message: TestSupport.message("?", conversation: "q"), savingUnansweredTurns: false)
        #expect(first.verdict == .pass)
        #expect(first.unansweredTurns == 1)
        #expect(try stored("q") == nil)
        // Not saved, so the next run still sees none.
        #expect(c.runBlocking(message: TestSupport.message("?", conversation: "q"), savingUnansweredTurns: false).unansweredTurns == 1)

        try c.saveUnansweredTurns(2, conversation: ConversationID("q"))
        #expect(try stored("q") == "2")
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "q"), savingUnansweredTurns: false).verdict
            == .reply(text: "turns=2", buttons: []))
    }

    @Test func aReplyAfterUnansweredMessagesAsksToForgetTheCount() throws {
        let c = try chain()
        try c.saveUnansweredTurns(3, conversation: ConversationID("q"))
        let r = c.runBlocking(message: TestSupport.message("turns", conversation: "q"), savingUnansweredTurns: false)
        #expect(r.unansweredTurns == 0)
        #expect(try stored("q") == "3")
        try c.saveUnansweredTurns(0, conversation: ConversationID("q"))
        #expect(try stored("q") == nil)
        // A reply with no count to forget changes nothing.
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "q"), savingUnansweredTurns: false).unansweredTurns == nil)
    }

    @Test func byDefaultTheChainSavesTheCountItself() throws {
        let c = try chain()
        let r = c.runBlocking(message: TestSupport.message("?", conversation: "q"))
        #expect(r.unansweredTurns == nil)
        #expect(try stored("q") == "1")
    }
}
