import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardHost

@Suite struct HookTests {
    /// The settler calls its hook once per sent reply for the life of the host. With the
    /// function kept in a `Mutex<(...)?>` and read through `withLock { $0 }`, each call
    /// wrapped it in two more thunks: a million calls never finished (each slower than the
    /// last) and the stack overflowed after about 150,000.
    @Test func aHookCalledAMillionTimesRunsEveryCall() {
        let hook = Hook<(channel: ChannelID, providerMessageID: String)>()
        let seen = Atomic<Int>(0)
        let lastID = Mutex<String>("")
        hook.set { sent in
            seen.add(1, ordering: .relaxed)
            lastID.withLock { $0 = sent.providerMessageID }
        }
        let channel = ChannelID("wa-main")
        for i in 1...1_000_000 { hook.call((channel, "wamid.\(i & 0xff)")) }
        #expect(seen.load(ordering: .relaxed) == 1_000_000)
        #expect(lastID.withLock { $0 } == "wamid.\(1_000_000 & 0xff)")
    }

    @Test func aHookNotSetDoesNothingAndASecondSetReplacesTheFirst() {
        let hook = Hook<Int>()
        hook.call(1)
        let calls = Mutex<[String]>([])
        hook.set { n in calls.withLock { $0.append("first \(n)") } }
        hook.call(2)
        hook.set { n in calls.withLock { $0.append("second \(n)") } }
        hook.call(3)
        #expect(calls.withLock { $0 } == ["first 2", "second 3"])
    }
}
