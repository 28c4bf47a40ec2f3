import Foundation
import Synchronization
import SwitchboardCore

/// What a channel's sender lanes take from memory, and when they claim from the store.
///
/// A responder worker claims its reply in the transaction that queues it (the entry is
/// born `sending` under this host's lease: `QueueRepository.enqueueOutbox(_:claimFor:)`)
/// and, once that commits, hands it here: a lane sends it at once, with no claim of its
/// own (a write, and a wait for its commit). Everything else still goes through the
/// store's claim: entries queued behind an older one of their conversation, agent
/// replies, retries, whatever was left at the last stop, leases run out. Lanes claim
/// while the store may hold queued entries (`storeChanged` sets that; a claim that took
/// less than it asked for, began after the last change and left no queued entry clears
/// it). What no commit of this host announces (a lease that ran out, another host's
/// entries) the host's sweep finds and announces (`LiveSenders`).
///
/// An entry handed over is durable already; if no lane sends it (the host stops, the
/// channel pauses), the sender hands it back to the store (`drain`), and an entry whose
/// lease ran out before a lane took it is left to the claim that takes it again.
final class SenderHandover: Sendable {
    private struct State {
        var items: [OutboxItem] = []
        var head = 0
        var storeMayHaveWork = true
        var generation = 0
        var open = true
    }
    private let state = Mutex(State())

    /// Adds an entry claimed for this sender; false once the sender is stopping (the
    /// caller gives it back to the store).
    func add(_ item: OutboxItem) -> Bool {
        state.withLock { s in
            guard s.open else { return false }
            s.items.append(item)
            return true
        }
    }

    var isEmpty: Bool { state.withLock { $0.head == $0.items.count } }

    /// Entries waiting for a lane.
    var count: Int { state.withLock { $0.items.count - $0.head } }

    /// The most entries that wait here for a lane; beyond, workers queue their replies for
    /// the claims (a backlog waits in the store, not in memory).
    static let limit = 256

    /// The oldest entry handed over whose lease has not run out, if any; those whose
    /// lease ran out are dropped and returned in `expired` (a claim takes them again).
    func take(now: Date = Date()) -> (item: OutboxItem?, expired: [OutboxItem]) {
        state.withLock { s in
            var expired: [OutboxItem] = []
            defer {
                if !expired.isEmpty { s.storeMayHaveWork = true; s.generation += 1 }
                if s.head == s.items.count { s.items.removeAll(keepingCapacity: true); s.head = 0 }
            }
            while s.head < s.items.count {
                let item = s.items[s.head]
                s.head += 1
                if let until = item.leaseUntil, until <= now { expired.append(item); continue }
                return (item, expired)
            }
            return (nil, expired)
        }
    }

    /// Takes every entry handed over and not sent (to give back to the store); with
    /// `close`, later `add`s are refused.
    func drain(close: Bool = false) -> [OutboxItem] {
        state.withLock { s in
            if close { s.open = false }
            let left = Array(s.items[s.head...])
            s.items.removeAll()
            s.head = 0
            if !left.isEmpty { s.storeMayHaveWork = true; s.generation += 1 }
            return left
        }
    }

    /// Entries were queued in the store (or scheduled, or given back): lanes claim.
    func storeChanged() {
        state.withLock { s in
            s.storeMayHaveWork = true
            s.generation += 1
        }
    }

    /// Whether a lane should claim from the store now (it may hold queued entries); if
    /// so, the generation to give `claimed`.
    func claimDue() -> Int? {
        state.withLock { s in s.storeMayHaveWork ? s.generation : nil }
    }

    /// After a claim that began at `generation` took less than it asked for: when no
    /// queued entry is left in the store and nothing changed since, lanes stop claiming
    /// until something changes.
    func claimed(generation: Int, queuedLeft: Bool) {
        state.withLock { s in
            if !queuedLeft && s.generation == generation { s.storeMayHaveWork = false }
        }
    }
}
