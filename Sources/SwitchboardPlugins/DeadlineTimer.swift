import Dispatch
import Foundation
import SwitchboardLog

/// Expires call slots at their deadlines, on a thread of its own: timers on Dispatch's
/// global queues would share threads with Swift concurrency and could fire late when
/// those are busy.
///
/// Every call schedules its deadline (most finish long before it; expiring a finished
/// slot does nothing), so under load thousands are pending: they are kept sorted in an
/// array read from a moving head (deadlines arrive nearly in order, so an insert lands
/// at the end), and the thread expires everything due at once, waking at most every
/// `slack`, rather than once per deadline.
final class DeadlineTimer: @unchecked Sendable {
    private let cond = NSCondition()
    /// Pending deadlines from `head` on, sorted by time (nanoseconds of uptime).
    private var pending: [(at: UInt64, slot: CallSlot)] = []
    private var head = 0
    private var started = false
    /// How late a deadline may be noticed, to share the thread's wake-ups.
    static let slack: UInt64 = 2_000_000

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
        // The first index from `head` whose deadline is later (binary search).
        var low = head, high = pending.count
        while low < high {
            let mid = (low + high) / 2
            if pending[mid].at > at { high = mid } else { low = mid + 1 }
        }
        pending.insert((at, slot), at: low)
        if low == head { cond.signal() }
        cond.unlock()
    }

    private func loop() {
        cond.lock()
        while true {
            guard head < pending.count else {
                if head > 0 { pending.removeAll(keepingCapacity: true); head = 0 }
                cond.wait()
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if pending[head].at <= now {
                var due: [CallSlot] = []
                while head < pending.count && pending[head].at <= now {
                    due.append(pending[head].slot)
                    head += 1
                }
                if head > 4096 && head * 2 > pending.count {
                    pending.removeFirst(head)
                    head = 0
                }
                cond.unlock()
                for slot in due { slot.expire() }
                cond.lock()
            } else {
                let wake = pending[head].at + Self.slack
                _ = cond.wait(until: Date(timeIntervalSinceNow: Double(wake - now) / 1e9))
            }
        }
    }
}
