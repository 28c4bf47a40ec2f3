import Foundation
import Synchronization
import Testing
import SwitchboardChannels

/// A channel's active probe: every interval until stopped, and no thread of its own
/// (a host with a thousand numbers runs a thousand of these).
@Suite struct ProbeLoopTests {
    /// The process's thread count, from /proc.
    private func threads() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Threads:") })
        return try #require(Int(line.split(separator: "\t").last ?? ""))
    }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        let end = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < end {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    @Test func runsEveryIntervalUntilStopped() {
        let runs = Mutex(0)
        let loop = ProbeLoop(interval: .milliseconds(30)) { runs.withLock { $0 += 1 } }
        loop.start(name: "probe-test")
        #expect(waitUntil { runs.withLock { $0 } >= 3 })
        loop.stop()
        let atStop = runs.withLock { $0 }
        // A second loop as the barrier: once it has run three times, the stopped one
        // would have run again had it not stopped (one run already under way may finish).
        let barrier = Mutex(0)
        let second = ProbeLoop(interval: .milliseconds(30)) { barrier.withLock { $0 += 1 } }
        second.start(name: "probe-barrier")
        defer { second.stop() }
        #expect(waitUntil { barrier.withLock { $0 } >= 3 })
        #expect(runs.withLock { $0 } <= atStop + 1)
    }

    @Test func loopsHoldNoThreadOfTheirOwn() throws {
        let before = try threads()
        let loops = (0..<500).map { i in ProbeLoop(interval: .seconds(300)) {} .started("probe-\(i)") }
        defer { loops.forEach { $0.stop() } }
        let after = try threads()
        // A thread a loop would be 500 more; other tests running beside this one start a
        // few threads of their own meanwhile, never hundreds.
        #expect(after - before < 250, "threads: \(before) -> \(after)")
    }
}

private extension ProbeLoop {
    func started(_ name: String) -> ProbeLoop {
        start(name: name)
        return self
    }
}
