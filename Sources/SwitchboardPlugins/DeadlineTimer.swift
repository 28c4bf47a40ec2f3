import Dispatch
import Foundation
import SwitchboardLog

/// Expires call slots at their deadlines, on a thread of its own: timers on Dispatch's
/// global queues would share threads with Swift concurrency and could fire late when
/// those are busy.
final class DeadlineTimer: @unchecked Sendable {
    private let cond = NSCondition()
    /// Pending deadlines, sorted by time (nanoseconds of uptime).
    private var pending: [(at: UInt64, slot: CallSlot)] = []
    private var started = false

    static let shared = DeadlineTimer()

    func schedule(_ slot: CallSlot, at deadline: DispatchTime) {
        let at = deadline.uptimeNanoseconds
        cond.lock()
        if !started {
            started = true
            let t = Thread { [self] in setCurrentThreadName("plugin-deadline"); loop() }
            t.name = "switchboard-plugin-deadlines"
            t.start()
        }
        let i = pending.firstIndex { $0.at > at } ?? pending.count
        pending.insert((at, slot), at: i)
        if i == 0 { cond.signal() }
        cond.unlock()
    }

    private func loop() {
        cond.lock()
        while true {
            guard let first = pending.first else {
                cond.wait()
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if first.at <= now {
                pending.removeFirst()
                cond.unlock()
                first.slot.expire()
                cond.lock()
            } else {
                _ = cond.wait(until: Date(timeIntervalSinceNow: Double(first.at - now) / 1e9))
            }
        }
    }
}
