import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardPlugins

/// The chain: order, failures, deadlines, isolation between workspaces, host services.
@Suite struct ResponderChainTests {
    let dir = TestSupport.tempDir()
    let store = InMemoryPluginStateStore()

    init() throws {
        try TestSupport.buildTestPlugin("first", in: dir, defines: [#"TEST_ID="first""#])
        try TestSupport.buildTestPlugin("second", in: dir, defines: [#"TEST_ID="second""#])
    }

    func host(logger: Logger = TestSupport.quietLogger, poolThreads: Int = 4) -> PluginHost {
        PluginHost(searchPaths: [dir], logger: logger, stateStore: store, poolThreads: poolThreads)
    }

    /// `first` with the given deadline, then `second` which replies to "...reply:X" texts
    /// only when the first passes or fails.
    func chain(_ workspace: WorkspaceID = "ws-a", deadline: Int = 2000, config: String = "{}", timezone: String? = nil) throws -> ResponderChain {
        try host().load(workspace: workspace, timezone: timezone, specs: [
            PluginSpec(name: "first", deadlineMilliseconds: deadline, configJSON: config),
            PluginSpec(name: "second"),
        ])
    }

    @Test func firstReplyWinsAndPassFallsThrough() throws {
        let c = try chain()
        let r = c.runBlocking(message: TestSupport.message("reply:from first"))
        #expect(r.verdict == .reply(text: "from first", buttons: []))
        #expect(r.plugin == "first")
        #expect(r.errors.isEmpty)
        let none = c.runBlocking(message: TestSupport.message("nobody knows this"))
        #expect(none.verdict == .pass)
        #expect(none.plugin == nil)
    }

    @Test func handoffEndsTheChain() throws {
        let r = try chain().runBlocking(message: TestSupport.message("handoff:angry customer"))
        #expect(r.verdict == .handoff(reason: "angry customer", message: nil))
        #expect(r.plugin == "first")
    }

    @Test func quickReplyButtonsUpToThree() throws {
        let c = try chain()
        #expect(c.runBlocking(message: TestSupport.message("buttons:3")).verdict == .reply(text: "choose", buttons: ["b0", "b1", "b2"]))
        // A fourth is refused by the host; the plugin reports it and the chain goes on.
        let r = c.runBlocking(message: TestSupport.message("buttons:4"))
        #expect(r.verdict == .pass)
        #expect(r.errors.map(\.kind) == [.permanent, .permanent])
        #expect(r.errors.first?.message == "too many buttons")
    }

    @Test func pluginErrorsAreReportedAndTheChainGoesOn() throws {
        let dir2 = TestSupport.tempDir()
        try TestSupport.buildTestPlugin("failer", in: dir2)
        // A plugin that fails, then one that answers every "fail-*" text? Use two
        // instances of the test plugin: the first fails, the second answers "reply:".
        let h = PluginHost(searchPaths: [dir2, dir], logger: TestSupport.quietLogger, stateStore: store)
        let c = try h.load(workspace: "ws-a", specs: [PluginSpec(name: "failer"), PluginSpec(name: "first")])
        let r = c.runBlocking(message: TestSupport.message("fail-retry"))
        #expect(r.verdict == .pass)
        #expect(r.errors.count == 2)
        #expect(r.errors[0].plugin == "failer")
        #expect(r.errors[0].kind == .retryable)
        #expect(r.errors[0].message == "upstream timed out")
        #expect(r.errors[0].workspace == "ws-a")
        let p = c.runBlocking(message: TestSupport.message("fail-perm"))
        #expect(p.errors.map(\.kind) == [.permanent, .permanent])
        #expect(p.errors[0].message == "cannot handle this")
    }

    @Test func aCallPastItsDeadlineIsSkippedAndTheChainGoesOnInTime() async throws {
        let c = try chain(deadline: 200)
        let gate = TestSupport.tempDir() + "/gate"
        defer { FileManager.default.createFile(atPath: gate, contents: nil) }
        // first blocks until the gate opens, which happens only after the chain answered:
        // the chain gave up on it at its deadline and went on to second, which replied.
        let r = c.runBlocking(message: TestSupport.message("block:first:\(gate)", conversation: "slow"))
        #expect(!FileManager.default.fileExists(atPath: gate))
        #expect(r.verdict == .reply(text: "slept", buttons: []))
        #expect(r.plugin == "second")
        #expect(r.errors.count == 1)
        #expect(r.errors.first?.kind == .deadlineExceeded)
        #expect(r.errors.first?.plugin == "first")
        #expect((r.errors.first?.elapsedMilliseconds ?? 0) >= 200)
    }

    /// Opens a gate of the test plugin's `block:` command (the blocked calls return).
    func open(_ gate: String) { FileManager.default.createFile(atPath: gate, contents: nil) }

    @Test func aBlockingPluginDoesNotStallOtherConversations() async throws {
        let c = try host(poolThreads: 2).load(workspace: "ws-a", specs: [PluginSpec(name: "first", deadlineMilliseconds: 150)])
        let gate = TestSupport.tempDir() + "/gate"
        defer { open(gate) }
        // Occupy both pool threads with calls that block until the gate opens.
        let a = c.runBlocking(message: TestSupport.message("block:first:\(gate)", conversation: "stuck-1"))
        let b = c.runBlocking(message: TestSupport.message("block:first:\(gate)", conversation: "stuck-2"))
        #expect(a.errors.first?.kind == .deadlineExceeded)
        #expect(b.errors.first?.kind == .deadlineExceeded)
        // Another conversation still gets an answer, while both are still blocked.
        let r = c.runBlocking(message: TestSupport.message("reply:still here", conversation: "other"))
        #expect(r.verdict == .reply(text: "still here", buttons: []))
        #expect(!FileManager.default.fileExists(atPath: gate))
        // The stuck conversation's next message is not sent to the plugin while its
        // previous call still runs (never two calls for one conversation at once).
        let again = c.runBlocking(message: TestSupport.message("reply:x", conversation: "stuck-1"))
        #expect(again.verdict == .pass)
        #expect(again.errors.first?.kind == .skipped)
        // Once the late calls return, the conversation is served again.
        open(gate)
        var later = ChainResult(verdict: .pass, plugin: nil, errors: [])
        for _ in 0..<1000 where later.verdict == .pass {
            later = c.runBlocking(message: TestSupport.message("reply:back", conversation: "stuck-1"))
            if later.verdict == .pass { try await Task.sleep(for: .milliseconds(10)) } // until the late call returned
        }
        #expect(later.verdict == .reply(text: "back", buttons: []))
    }

    @Test func differentConversationsRunInParallel() throws {
        let c = try host(poolThreads: 4).load(workspace: "ws-a", specs: [PluginSpec(name: "first", deadlineMilliseconds: 20_000)])
        let meeting = TestSupport.tempDir()
        let group = DispatchGroup()
        let results = Mutex<[ChainResult]>([])
        for conversation in ["p1", "p2", "p3"] {
            group.enter()
            Thread.detachNewThread {
                // Each call waits until all three are in the plugin at once ("met"); one
                // after the other, the first would wait alone and answer "alone".
                let r = c.runBlocking(message: TestSupport.message("meet:3:\(meeting)", conversation: conversation))
                results.withLock { $0.append(r) }
                group.leave()
            }
        }
        group.wait()
        #expect(results.withLock { $0.map(\.verdict) } == Array(repeating: .reply(text: "met", buttons: []), count: 3))
    }

    @Test func anInstanceWithTooManyOverrunningCallsIsSkipped() async throws {
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "first", deadlineMilliseconds: 50)])
        let gate = TestSupport.tempDir() + "/gate"
        defer { open(gate) }
        for i in 0..<PluginInstance.maxOverrunning {
            let r = c.runBlocking(message: TestSupport.message("block:first:\(gate)", conversation: "s\(i)"))
            #expect(r.errors.map(\.kind) == [.deadlineExceeded])
        }
        let r = c.runBlocking(message: TestSupport.message("reply:x", conversation: "fresh"))
        #expect(r.verdict == .pass)
        #expect(r.errors.first?.kind == .skipped)
        #expect(r.errors.first?.message == "4 calls are still running past their deadline")
        // Once they return, the instance is called again.
        open(gate)
        var again = r
        for _ in 0..<1000 where again.verdict == .pass {
            again = c.runBlocking(message: TestSupport.message("reply:x", conversation: "fresh"))
            if again.verdict == .pass { try await Task.sleep(for: .milliseconds(10)) } // until the late calls returned
        }
        #expect(again.verdict == .reply(text: "x", buttons: []))
    }

    @Test func resettingTheUnansweredCount() throws {
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "first")])
        _ = c.runBlocking(message: TestSupport.message("?", conversation: "r"))
        c.resetUnansweredTurns(conversation: ConversationID("r"))
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "r")).verdict == .reply(text: "turns=0", buttons: []))
    }

    @Test func theAsyncRunHonoursDeadlinesToo() async throws {
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "first", deadlineMilliseconds: 150)])
        // The plugin blocks until a gate opens, which happens only after the chain
        // answered: it gave up on the plugin at the deadline instead of waiting for it.
        let gate = TestSupport.tempDir() + "/gate"
        defer { open(gate) }
        let r = await c.run(message: TestSupport.message("block:first:\(gate)"))
        #expect(!FileManager.default.fileExists(atPath: gate))
        #expect(r.verdict == .pass)
        #expect(r.errors.map(\.kind) == [.deadlineExceeded])
        #expect(r.errors.first?.message == "no answer within 150 ms")
    }

    @Test func aLateVerdictIsDiscarded() async throws {
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "first", deadlineMilliseconds: 100)])
        // The plugin replies "too late" after 300 ms: the chain has already passed.
        let r = await c.run(message: TestSupport.message("late-reply"))
        #expect(r.verdict == .pass)
        #expect(r.errors.map(\.kind) == [.deadlineExceeded])
    }

    @Test func workspacesHaveTheirOwnInstancesConfigAndState() throws {
        let a = try chain("ws-a", config: #"{"greeting":"A"}"#, timezone: "Africa/Lagos")
        let b = try chain("ws-b", config: #"{"greeting":"B"}"#)
        #expect(a.runBlocking(message: TestSupport.message("whoami", workspace: "ws-a")).verdict
            == .reply(text: #"ws-a|Africa/Lagos|{"greeting":"A"}"#, buttons: []))
        #expect(b.runBlocking(message: TestSupport.message("whoami", workspace: "ws-b")).verdict
            == .reply(text: #"ws-b||{"greeting":"B"}"#, buttons: []))

        #expect(a.runBlocking(message: TestSupport.message("set:plan=gold", workspace: "ws-a")).verdict == .reply(text: "ok", buttons: []))
        #expect(a.runBlocking(message: TestSupport.message("get:plan", workspace: "ws-a")).verdict == .reply(text: "gold", buttons: []))
        #expect(b.runBlocking(message: TestSupport.message("get:plan", workspace: "ws-b")).verdict == .reply(text: "none", buttons: []))
        // The store holds it under ws-a and the plugin's name, and nowhere else.
        #expect(try store.get(workspace: "ws-a", plugin: "first", key: "plan") == Array("gold".utf8))
        #expect(try store.get(workspace: "ws-b", plugin: "first", key: "plan") == nil)
        #expect(try store.get(workspace: "ws-a", plugin: "second", key: "plan") == nil)
    }

    @Test func aMessageOfAnotherWorkspaceNeverReachesPlugins() throws {
        let a = try chain("ws-a")
        let r = a.runBlocking(message: TestSupport.message("reply:leak", workspace: "ws-b"))
        #expect(r.verdict == .pass)
        #expect(r.errors.first?.kind == .skipped)
        #expect(r.errors.first?.message.contains("ws-b") == true)
    }

    @Test func historyIsServedOnRequest() throws {
        let c = try chain()
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        let msg = TestSupport.message("history") { limit in
            [
                PluginHistoryEntry(direction: .inbound, text: "do you deliver?", timestamp: t),
                PluginHistoryEntry(direction: .outbound, text: "Yes, in Lagos.", author: "bot", timestamp: t),
            ]
        }
        #expect(c.runBlocking(message: msg).verdict == .reply(text: "2 do you deliver?", buttons: []))
        #expect(c.runBlocking(message: TestSupport.message("history")).verdict == .reply(text: "0 ", buttons: []))
    }

    @Test func unansweredTurnsAreCountedPerConversationAndResetByAReply() throws {
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "first")])
        for _ in 0..<2 { #expect(c.runBlocking(message: TestSupport.message("?", conversation: "q")).verdict == .pass) }
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "q")).verdict == .reply(text: "turns=2", buttons: []))
        // That reply reset the count; another conversation has its own.
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "q")).verdict == .reply(text: "turns=0", buttons: []))
        #expect(c.runBlocking(message: TestSupport.message("turns", conversation: "other")).verdict == .reply(text: "turns=0", buttons: []))
    }

    @Test func pluginLogLinesCarryPluginAndWorkspaceWhichThePluginCannotOverride() throws {
        let logDir = TestSupport.tempDir()
        let (logger, path) = try TestSupport.fileLogger(logDir)
        let c = try host(logger: logger).load(workspace: "ws-a", specs: [PluginSpec(name: "first")])
        _ = c.runBlocking(message: TestSupport.message("log"))
        let line = try #require(TestSupport.lines(path).first { $0["message"] == "test plugin line" })
        #expect(line["level"] == "warn")
        #expect(line["plugin"] == "first")
        #expect(line["workspace"] == "ws-a")
        #expect(line["plugin_workspace"] == "someone-else")
        #expect(line["detail"] == "x1")
    }
}
