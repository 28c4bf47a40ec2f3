import Foundation
import Testing
import CSwitchboardPlugin
import SwitchboardCore
@testable import SwitchboardPlugins

/// The plugin boundary against a plugin that misbehaves with what the host lends it: an
/// `sb_call` kept past its call and used later from another thread, a handle the host
/// never gave, an `sb_error` whose `message`/`capacity` were rewritten. The C fixture
/// does each through the real ABI; the host must refuse or ignore it, and not crash.
/// Before the call table, the late reply landed in whichever call reused the freed
/// context (the next message got the stale thread's handoff), and the made-up handle and
/// the rewritten error buffer crashed the process. Under AddressSanitizer
/// (`swift build --build-tests -Xswiftc -sanitize=address --build-path .build-asan`, then
/// `ASAN_OPTIONS=detect_leaks=0 swift test --skip-build --build-path .build-asan --filter
/// CallHandleTests`) these tests pass with no report.
@Suite struct CallHandleTests {
    let dir = TestSupport.tempDir()

    init() throws {
        try TestSupport.buildTestPlugin("first", in: dir, defines: [#"TEST_ID="first""#])
    }

    func chain() throws -> ResponderChain {
        try PluginHost(searchPaths: [dir], logger: TestSupport.quietLogger, stateStore: InMemoryPluginStateStore(),
                       poolThreads: 2)
            .load(workspace: "ws-a", specs: [PluginSpec(name: "first")])
    }

    @Test func aCallHandleUsedAfterItsCallReturnedIsRefusedFromAnyThread() throws {
        let c = try chain()
        #expect(c.runBlocking(message: TestSupport.message("stash-call", conversation: "c1")).verdict
            == .reply(text: "stashed", buttons: []))
        // The stashed call has returned; another thread now uses its handle with every
        // sb_call function. Run it a few times, with other calls in between reusing slots.
        let outside = SB_ERR_OUTSIDE_CALL
        for round in 0..<3 {
            let r = c.runBlocking(message: TestSupport.message("late-from-thread", conversation: "c\(round + 2)"))
            #expect(r.verdict == .reply(text: "reply=\(outside) button=\(outside) handoff=\(outside) history=\(outside) media=\(outside) journal=\(outside)",
                                        buttons: []), "round \(round)")
            #expect(c.runBlocking(message: TestSupport.message("reply:ok", conversation: "x\(round)")).verdict
                == .reply(text: "ok", buttons: []))
        }
    }

    @Test func aHandleTheHostNeverGaveIsRefused() throws {
        let r = try chain().runBlocking(message: TestSupport.message("bogus-call"))
        #expect(r.verdict == .reply(text: "status=\(SB_ERR_OUTSIDE_CALL)", buttons: []))
    }

    @Test func theHostReadsTheErrorMessageOnlyFromItsOwnBuffer() throws {
        let c = try chain()
        // message/capacity/length rewritten to point into the plugin: not read through.
        let redirected = c.runBlocking(message: TestSupport.message("err-redirect"))
        #expect(redirected.verdict == .pass)
        let error = try #require(redirected.errors.first)
        #expect(error.kind == .permanent)
        #expect(!error.message.contains("plugin's pointer"))
        #expect(error.message.contains("no message"))
        // A length past the buffer: what was written, nothing beyond the buffer.
        let overlong = c.runBlocking(message: TestSupport.message("err-overlong"))
        #expect(overlong.errors.first?.message == "abc")
    }

    @Test func handlesAreReusedUnderANewGeneration() {
        let table = CallTable()
        let context = InstanceContext(workspace: "ws-a", timezone: "", plugin: "p", config: SharedUTF8("{}"),
                                      workspaceLogger: TestSupport.quietLogger, store: InMemoryPluginStateStore(), clock: { Date() })
        let a = CallContext(instance: context, message: MessageID("m1"), history: nil)
        let b = CallContext(instance: context, message: MessageID("m2"), history: nil)
        let first = table.open(a)
        #expect(table.lookup(first) === a)
        table.release(first)
        #expect(table.lookup(first) == nil)
        let second = table.open(b)
        #expect(second != first)
        #expect(table.lookup(second) === b)
        #expect(table.lookup(first) == nil)
        #expect(table.openCalls == 1)
    }
}
