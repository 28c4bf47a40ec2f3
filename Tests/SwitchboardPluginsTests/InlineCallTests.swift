import Dispatch
import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardPlugins

/// ABI 1.2's SB_PLUGIN_FLAG_INLINE: a plugin that declares it is called on the chain's
/// own thread; one that overruns its deadline there loses that call's outcome and goes
/// to the pool for good; plugins without the flag (or too old to have it) stay on the
/// pool. The test plugin answers "thread" with the name of the thread it runs on; the
/// pool's threads are named "plugin".
@Suite struct InlineCallTests {
    let dir = TestSupport.tempDir()
    let store = InMemoryPluginStateStore()

    func host(logger: Logger = TestSupport.quietLogger) -> PluginHost {
        PluginHost(searchPaths: [dir], logger: logger, stateStore: store)
    }

    /// Runs `body` on a new thread named `name` (at most 15 bytes) and returns its result.
    func onThread<T: Sendable>(named name: String, _ body: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            setCurrentThreadName(name)
            let r = body()
            result.withLock { $0 = r }
            done.signal()
        }
        t.start()
        done.wait()
        return result.withLock { $0! }
    }

    func runOnCaller(_ chain: ResponderChain, _ text: String, conversation: String = "c1") -> ChainResult {
        onThread(named: "sb-caller") { chain.runBlocking(message: TestSupport.message(text, conversation: conversation)) }
    }

    @Test func anInlinePluginRunsOnTheCallingThread() throws {
        try TestSupport.buildTestPlugin("inliner", in: dir, defines: [#"TEST_ID="inliner""#, "TEST_INLINE"])
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "inliner")])
        #expect(c.instances.first?.info.callsInline == true)
        #expect(c.instances.first?.callsInline == true)
        #expect(c.instances.first?.info.abi == "1.5")
        let r = runOnCaller(c, "thread")
        #expect(r.verdict == .reply(text: "sb-caller", buttons: []))
        #expect(r.plugin == "inliner")
        #expect(r.errors.isEmpty)
        // Outcomes are handled as for pool calls: failures are reported, the chain goes on.
        let f = runOnCaller(c, "fail-perm")
        #expect(f.verdict == .pass)
        #expect(f.errors.map(\.kind) == [.permanent])
        #expect(f.errors.first?.message == "cannot handle this")
        #expect(runOnCaller(c, "handoff:wants a person").verdict == .handoff(reason: "wants a person", message: nil))
        // A failure is no reason to leave the caller's thread.
        #expect(runOnCaller(c, "thread").verdict == .reply(text: "sb-caller", buttons: []))
    }

    @Test func aPluginWithoutTheFlagRunsOnThePool() throws {
        try TestSupport.buildTestPlugin("pooled", in: dir, defines: [#"TEST_ID="pooled""#])
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "pooled")])
        #expect(c.instances.first?.callsInline == false)
        #expect(runOnCaller(c, "thread").verdict == .reply(text: "plugin", buttons: []))
    }

    @Test func anInlineOverrunIsDiscardedAndTheInstanceMovesToThePool() throws {
        try TestSupport.buildTestPlugin("overrun", in: dir, defines: [#"TEST_ID="overrun""#, "TEST_INLINE"])
        let logDir = TestSupport.tempDir()
        let (logger, logPath) = try TestSupport.fileLogger(logDir)
        let c = try host(logger: logger).load(workspace: "ws-a", specs: [
            // Deadlines with room to spare on a loaded machine: the pooled calls below must
            // answer within the first's, the inline ones within the second's.
            PluginSpec(name: "overrun", deadlineMilliseconds: 1000),
            PluginSpec(name: "overrun", deadlineMilliseconds: 5000),   // a second instance of it, still inline after
        ])
        let start = Date()
        let r = runOnCaller(c, "thread-sleep:1300")
        // The call ran on the caller (it held it for 1.3 s) and returned a reply past its
        // deadline: that reply is discarded, as a late pool call's would be. The second
        // instance, whose deadline is 5 s, answered from the same thread.
        #expect(Date().timeIntervalSince(start) >= 2.6)
        #expect(r.verdict == .reply(text: "sb-caller", buttons: []))
        #expect(r.plugin == "overrun")
        #expect(r.errors.map(\.kind) == [.deadlineExceeded])
        #expect(r.errors.first?.message == "no answer within 1000 ms")
        #expect((r.errors.first?.elapsedMilliseconds ?? 0) >= 1300)
        // The first instance goes to the pool for good, the second stays inline.
        #expect(c.instances.map(\.callsInline) == [false, true])
        #expect(c.instances[0].info.callsInline)   // what the plugin declared has not changed
        #expect(runOnCaller(c, "thread", conversation: "c2").verdict == .reply(text: "plugin", buttons: []))
        // On the pool the chain keeps the deadline: the first instance's call blocks until
        // a gate opens, which happens only after the chain answered; the caller went on
        // at the deadline to the second instance, still inline, which answered at once.
        let gate = TestSupport.tempDir() + "/gate"
        defer { FileManager.default.createFile(atPath: gate, contents: nil) }
        let late = runOnCaller(c, "block-once:\(gate)", conversation: "c3")
        #expect(!FileManager.default.fileExists(atPath: gate), "the pooled call blocked the caller")
        #expect(late.errors.map(\.kind) == [.deadlineExceeded])
        #expect(late.verdict == .reply(text: "sb-caller", buttons: []))
        // One warning names plugin, workspace and elapsed time, however many overruns follow.
        let warnings = TestSupport.lines(logPath).filter { $0["message"]?.hasPrefix("inline plugin call overran its deadline") == true }
        #expect(warnings.count == 1)
        let w = try #require(warnings.first)
        #expect(w["level"] == "warn")
        #expect(w["plugin"] == "overrun")
        #expect(w["workspace"] == "ws-a")
        #expect(Int(w["elapsed_ms"] ?? "") ?? 0 >= 1300)
        #expect(w["deadline_ms"] == "1000")
    }

    @Test func theAsyncRunCallsInlineAndDemotesToo() async throws {
        try TestSupport.buildTestPlugin("asyncinline", in: dir, defines: [#"TEST_ID="asyncinline""#, "TEST_INLINE"])
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "asyncinline", deadlineMilliseconds: 100)])
        // Called on the task's thread, whichever it is: not one of the pool's.
        let r = await c.run(message: TestSupport.message("thread"))
        guard case let .reply(name, _) = r.verdict else { Issue.record("expected a reply, got \(r.verdict)"); return }
        #expect(name != "plugin")
        let late = await c.run(message: TestSupport.message("thread-sleep:300"))
        #expect(late.verdict == .pass)
        #expect(late.errors.map(\.kind) == [.deadlineExceeded])
        #expect(c.instances.first?.callsInline == false)
        #expect(await c.run(message: TestSupport.message("thread", conversation: "c2")).verdict == .reply(text: "plugin", buttons: []))
    }

    @Test func theFlagIsReadOnlyFromPluginsThatKnowIt() throws {
        // Claims ABI 1.1: the slot was reserved then, so the host ignores what is in it.
        try TestSupport.buildTestPlugin("oldminor", in: dir, defines: [#"TEST_ID="oldminor""#, "TEST_INLINE", "TEST_ABI_MINOR=1"])
        // ABI 1.4 (built with the current header), but its struct_size ends before `flags`.
        try TestSupport.buildTestPlugin("shortflags", in: dir, defines: [#"TEST_ID="shortflags""#, "TEST_INLINE", "TEST_SHORT_DESCRIPTOR"])
        // Built with the frozen 1.0 header: no flags at all.
        try TestSupport.run(["cc", "-shared", "-fPIC", "-I", TestSupport.fixtures + "/abi-1.0", "-DTEST_ID=\"oneoh\"", "-DTEST_INLINE",
                             "-o", dir + "/liboneoh.so", TestSupport.fixtures + "/testplugin.c"])
        let c = try host().load(workspace: "ws-a", specs: [
            PluginSpec(name: "oldminor"), PluginSpec(name: "shortflags"), PluginSpec(name: "oneoh"),
        ])
        #expect(c.instances.map(\.info.abi) == ["1.1", "1.5", "1.0"])
        #expect(c.instances.map(\.callsInline) == [false, false, false])
        for name in ["oldminor", "shortflags", "oneoh"] {
            let one = try host().load(workspace: "ws-a", specs: [PluginSpec(name: name)])
            #expect(runOnCaller(one, "thread").verdict == .reply(text: "plugin", buttons: []), "\(name)")
        }
    }

    /// The host's worker holds its message's commit while the chain only computes: the
    /// chain says when it first waits on the pool (`beforeWaiting`), once, and never when
    /// an inline plugin answers; a chain that begins inline says so (`beginsInline`).
    @Test func theChainSaysBeforeItFirstWaitsOnThePool() throws {
        try TestSupport.buildTestPlugin("inliner", in: dir, defines: [#"TEST_ID="inliner""#, "TEST_INLINE"])
        try TestSupport.buildTestPlugin("pooled", in: dir, defines: [#"TEST_ID="pooled""#])
        let c = try host().load(workspace: "ws-a", specs: [PluginSpec(name: "inliner"), PluginSpec(name: "pooled")])
        #expect(c.beginsInline)
        #expect(try !host().load(workspace: "ws-b", specs: [PluginSpec(name: "pooled"), PluginSpec(name: "inliner")]).beginsInline)
        func run(_ text: String) -> (ChainResult, [String]) {
            let said = Mutex<[String]>([])
            let r = onThread(named: "sb-caller") {
                c.runBlocking(message: TestSupport.message(text, conversation: "c1"),
                              beforeWaiting: { said.withLock { $0.append("waiting") } })
            }
            return (r, said.withLock { $0 })
        }
        // The inline plugin answers: nothing was waited for.
        let answered = run("thread")
        #expect(answered.0.verdict == .reply(text: "sb-caller", buttons: []))
        #expect(answered.1.isEmpty)
        // It passes: the pooled plugin is called, after the chain said so, once.
        let onward = run("no plugin knows this")
        #expect(onward.0.verdict == .pass)
        #expect(onward.1 == ["waiting"])
    }
}
