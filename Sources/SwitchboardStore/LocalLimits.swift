import Foundation
import Synchronization
import SwitchboardCore

/// The meters of one process (`LimitRepository` on SQLite, where one host is the only
/// one): a table under a lock. Never throws. Memory is bounded: once the table holds
/// `pruneAt` meters, those that have drained (or outlived `keep`) are forgotten.
public final class LocalLimits: LimitRepository {
    private struct Entry {
        var meter: Meter
        var expiry: Double
    }
    private struct State {
        var meters: [LimitKey: Entry] = [:]
        var pruneAt = 4096
    }
    private let state = Mutex(State())

    public init() {}

    public var isShared: Bool { false }

    /// How many meters are remembered (for tests of the memory bound).
    public var count: Int { state.withLock { $0.meters.count } }

    private func update<T>(_ key: LimitKey, _ rule: Meter.Rule, _ now: Date, _ body: (inout Meter, Double) -> T) -> T {
        let t = now.timeIntervalSince1970
        return state.withLock { s in
            // A meter past its expiry is forgotten, pruned or not (as on PostgreSQL).
            var meter = s.meters[key].flatMap { $0.expiry > t ? $0.meter : nil } ?? Meter(at: t)
            let result = body(&meter, t)
            if meter.level > 0 {
                s.meters[key] = Entry(meter: meter, expiry: meter.expiry(rule))
            } else {
                s.meters[key] = nil
            }
            if s.meters.count >= s.pruneAt {
                s.meters = s.meters.filter { $0.value.expiry > t }
                s.pruneAt = max(4096, s.meters.count * 2)
            }
            return result
        }
    }

    public func take(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) -> Meter.Outcome {
        update(key, rule, now) { m, t in m.take(amount, now: t, rule) }
    }

    @discardableResult
    public func add(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) -> Double {
        update(key, rule, now) { m, t in m.add(amount, now: t, rule) }
    }

    public func hold(_ key: LimitKey, until: Date, _ rule: Meter.Rule, now: Date) {
        update(key, rule, now) { m, t in m.hold(until: until.timeIntervalSince1970, now: t, rule) }
    }

    public func level(_ key: LimitKey, _ rule: Meter.Rule, now: Date) -> Double {
        let t = now.timeIntervalSince1970
        return state.withLock { s in
            guard let entry = s.meters[key], entry.expiry > t else { return 0 }
            return entry.meter.level(at: t, rule)
        }
    }

    public func reset(_ key: LimitKey) {
        _ = state.withLock { s in s.meters.removeValue(forKey: key) }
    }
}
