import Foundation
import SwitchboardLog

/// The threads plugin calls run on. `target` threads at most work the queue; a call
/// that overruns its deadline is written off by `lend()`, which lets one more thread
/// start, so a blocking plugin keeps only its own threads busy and never starves the
/// calls of other conversations. When the late call returns, `giveBack()` lowers the
/// target again and a surplus thread exits.
final class PluginPool: @unchecked Sendable {
    private let cond = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var live = 0
    private var idle = 0
    private var target: Int

    init(threads: Int) {
        target = max(1, threads)
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        cond.lock()
        jobs.append(job)
        if jobs.count - head > idle && live < target { spawn() }
        let wake = idle > 0
        cond.unlock()
        // After unlocking: a thread woken under the lock would only wake to wait for it.
        if wake { cond.signal() }
    }

    /// A running call overran its deadline: allow one more thread while it runs.
    func lend() {
        cond.lock()
        target += 1
        if jobs.count - head > idle && live < target { spawn() }
        cond.unlock()
    }

    /// The overrunning call returned.
    func giveBack() {
        cond.lock()
        target -= 1
        cond.broadcast()
        cond.unlock()
    }

    /// Threads alive now (for tests and diagnostics).
    var threadCount: Int {
        cond.lock()
        defer { cond.unlock() }
        return live
    }

    private func spawn() {
        live += 1
        let t = Thread { [self] in setCurrentThreadName("plugin"); work() }
        t.name = "switchboard-plugin"
        t.stackSize = 1 << 20
        t.start()
    }

    private func work() {
        cond.lock()
        while true {
            if live > target {
                live -= 1
                cond.unlock()
                return
            }
            if head < jobs.count {
                let job = jobs[head]
                head += 1
                if head > 64 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                cond.unlock()
                job()
                cond.lock()
                continue
            }
            idle += 1
            cond.wait()
            idle -= 1
        }
    }
}
