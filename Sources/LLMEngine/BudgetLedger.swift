import Foundation

/// Where the ledger keeps its totals: the plugin's per-workspace state in the host's
/// store (survives restarts). Thread-safe.
public protocol LedgerStorage: Sendable {
    func get(_ key: String) throws -> String?
    func set(_ key: String, _ value: String) throws
    /// Adds `delta` to the integer under `key` (absent: 0) and returns the new total, or
    /// nil (nothing added) when it would pass `ceiling`. The plugin's storage does it in
    /// one atomic step for every host on the store (`host->state_add`, ABI 1.5), so hosts
    /// sharing a database cannot both spend the last of a budget; the default reads and
    /// writes (atomic only under the ledger's lock, in one process).
    func add(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64?
}

extension LedgerStorage {
    public func add(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64? {
        try addByReadAndWrite(key, delta, ceiling: ceiling)
    }

    /// `add` as a read and a write (for storages without an atomic add).
    public func addByReadAndWrite(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64? {
        var total: Int64 = 0
        if let text = try get(key) {
            guard let value = Int64(text) else { throw LLMConfigError("budget: the total under \(key) is not a number: \"\(text.prefix(40))\"") }
            total = value
        }
        let sum = total + delta
        if let ceiling, sum > ceiling { return nil }
        try set(key, String(sum))
        return sum
    }
}

/// A workspace's spend on model calls, per day and per month (in the workspace's
/// timezone), against `daily_usd` and `monthly_usd`.
///
/// Before a call, `reserve` books the call's worst case (its prompt at the input price,
/// its token cap at the output price) into the day's and the month's totals, each with
/// its limit as the ceiling of one atomic add (`LedgerStorage.add`): a call that could
/// overrun a limit is refused and not made. After the call, `settle` adds the difference
/// between what the call cost and what was reserved. Since the reservation is in the
/// stored totals, calls of other conversations, and of other hosts on the same database
/// (issue 15: the host's `state_add` is one statement), never both spend the last cents.
/// A call in flight when its process dies stays billed at its reserved worst case
/// (fail closed: at most one call's worst case per conversation in flight).
///
/// The storage can fail (the host's store is busy or broken). The ledger fails closed: a
/// total it cannot read or add to refuses the call (`Refusal.storage`), and a cost it
/// cannot write at settlement is kept in memory, counted in every later check and
/// written with the next booking of that period (`Booking.storageError` says so, for the
/// caller to journal).
public final class BudgetLedger: @unchecked Sendable {
    public struct Reservation: Sendable {
        let id: Int
        public let usd: Double
        /// What was added to the totals (micro-dollars).
        let micros: Int64
    }

    /// A limit crossed: 80 % (warning) or 100 % (calls stop until the period ends).
    public struct Alert: Sendable, Equatable {
        public var period: String     // "day" or "month"
        public var key: String        // "2026-12-06", "2026-12"
        public var percent: Int       // 80 or 100
        public var spentUSD: Double
        public var limitUSD: Double
    }

    /// Why a call was not booked.
    public enum Refusal: Error, Sendable, Equatable {
        /// The call could overrun `daily_usd` or `monthly_usd`.
        case overLimit
        /// The totals could not be read: nothing is spent that cannot be counted.
        case storage(String)
    }

    /// What booking a cost did: the limits it crossed, and the storage's error when the
    /// new total could not be written (it is kept in memory and written later).
    public struct Booking: Sendable {
        public var alerts: [Alert] = []
        public var storageError: String?
        /// The per-tier/model breakdown could not be written (the totals, which the budget
        /// is checked against, are unaffected).
        public var breakdownError: String?
    }

    /// What a cost was spent on, for the breakdown beside the totals: `tier/model`
    /// ("generate/small", "semantic/embed-model"). Kept per month.
    public static func label(tier: String, model: String) -> String {
        (tier + "/" + model).replacingOccurrences(of: ",", with: "_")
    }

    public let dailyUSD: Double?
    public let monthlyUSD: Double?
    let storage: any LedgerStorage
    let timeZone: TimeZone
    private let lock = NSLock()
    private var nextID = 0
    /// Micro-dollars booked per storage key whose write failed: added to what the storage
    /// holds, and written with the key's next successful write.
    private var unwritten: [String: Int64] = [:]

    public init(dailyUSD: Double?, monthlyUSD: Double?, storage: any LedgerStorage, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.dailyUSD = dailyUSD
        self.monthlyUSD = monthlyUSD
        self.storage = storage
        self.timeZone = timeZone
    }

    func periodKeys(_ now: Date) -> (day: String, month: String) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day], from: now)
        let y = c.year ?? 1970, m = c.month ?? 1, d = c.day ?? 1
        let month = String(format: "%04d-%02d", y, m)
        return (String(format: "%@-%02d", month, d), month)
    }

    /// Micro-dollars, whole numbers: sums stay exact.
    static func micros(_ usd: Double) -> Int64 { Int64((usd * 1_000_000).rounded(.up)) }

    /// What the storage holds for `key` (0 when nothing was booked yet).
    private func stored(_ key: String) throws -> Int64 {
        guard let text = try storage.get(key) else { return 0 }
        guard let value = Int64(text) else { throw LLMConfigError("budget: the total under \(key) is not a number: \"\(text.prefix(40))\"") }
        return value
    }

    /// The total for `key`: what the storage holds plus what could not be written to it.
    private func total(_ key: String) throws -> Int64 {
        try stored(key) + unwritten[key, default: 0]
    }

    /// What was spent in the current day and month.
    public func spent(now: Date) throws -> (day: Double, month: Double) {
        lock.lock()
        defer { lock.unlock() }
        let k = periodKeys(now)
        return (Double(try total("budget:day:" + k.day)) / 1e6, Double(try total("budget:month:" + k.month)) / 1e6)
    }

    /// What the ledger in `storage` booked from `start` to `end` (both in `timeZone`): the
    /// sum of its monthly totals over the months the interval touches. The reader for
    /// those who look at a plugin's state from outside (`switchboard eval` reads the spend
    /// of a run from its in-memory state); the keys stay the ledger's own business.
    /// Micro-dollar exact: each call is booked rounded up to the next micro-dollar.
    public static func bookedUSD(in storage: any LedgerStorage, from start: Date, to end: Date,
                                 timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws -> Double {
        let reader = BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage, timeZone: timeZone)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let last = reader.periodKeys(max(start, end)).month
        var at = min(start, end)
        var total: Int64 = 0
        for _ in 0..<1200 {
            let month = reader.periodKeys(at).month
            total += try reader.stored("budget:month:" + month)
            if month == last { break }
            guard let first = cal.dateInterval(of: .month, for: at)?.start,
                  let next = cal.date(byAdding: .month, value: 1, to: first) else { break }
            at = next
        }
        return Double(total) / 1e6
    }

    /// Books `usd` if the spend so far (the calls in flight included, of every host) and
    /// this one stay within both limits; refused (and nothing booked) when it could
    /// overrun one, or when the totals cannot be read or written.
    public func book(_ usd: Double, now: Date) -> Result<Reservation, Refusal> {
        lock.lock()
        defer { lock.unlock() }
        let k = periodKeys(now)
        let m = usd > 0 ? Self.micros(usd) : 0
        var added: [String] = []
        func undo() {
            for key in added {
                do { _ = try storage.add(key, -m, ceiling: nil) } catch { unwritten[key, default: 0] -= m }
            }
        }
        do {
            for (key, limit) in [("budget:day:" + k.day, dailyUSD), ("budget:month:" + k.month, monthlyUSD)] {
                // What could not be written before goes with this add, and counts against the ceiling.
                let pending = unwritten[key, default: 0]
                let ceiling = limit.map { Int64(($0 * 1_000_000).rounded()) }
                guard try storage.add(key, m + pending, ceiling: ceiling) != nil else {
                    undo()
                    return .failure(.overLimit)
                }
                unwritten[key] = nil
                added.append(key)
            }
        } catch {
            undo()
            return .failure(.storage("\(error)"))
        }
        nextID += 1
        return .success(Reservation(id: nextID, usd: usd, micros: m))
    }

    /// `book`, for callers that only need to know whether the call may be made.
    public func reserve(_ usd: Double, now: Date) -> Reservation? {
        if case .success(let r) = book(usd, now: now) { return r }
        return nil
    }

    /// Ends a reservation with what the call actually cost (it may cost more than
    /// reserved when a provider ignores the cap: it is still booked). Returns the alerts
    /// this crossed (each is given once per period; the marks are in the storage too).
    @discardableResult
    public func settle(_ reservation: Reservation, actualUSD: Double, now: Date, label: String? = nil) -> Booking {
        lock.lock()
        defer { lock.unlock() }
        let spent = actualUSD > 0 ? Self.micros(actualUSD) : 0
        return add(delta: spent - reservation.micros, spent: spent, now: now, label: label)
    }

    /// Books a cost that had no reservation (an embeddings call: small, and made whatever
    /// the budget says, since it is what keeps the dearer calls from being made).
    @discardableResult
    public func charge(_ usd: Double, now: Date, label: String? = nil) -> Booking {
        lock.lock()
        defer { lock.unlock() }
        let spent = usd > 0 ? Self.micros(usd) : 0
        return add(delta: spent, spent: spent, now: now, label: label)
    }

    /// Per month and label, micro-dollars: `spend:month:2026-12:generate/small`; the labels
    /// a month has are listed under `spend:labels:2026-12` (comma-separated).
    private func addToBreakdown(_ micros: Int64, month: String, label: String) throws {
        _ = try storage.add("spend:month:\(month):\(label)", micros, ceiling: nil)
        let listKey = "spend:labels:\(month)"
        let labels = try storage.get(listKey).map { $0.split(separator: ",").map(String.init) } ?? []
        if !labels.contains(label) { try storage.set(listKey, (labels + [label]).joined(separator: ",")) }
    }

    /// The breakdown of `storage`'s ledger from `start` to `end`: USD per `tier/model`
    /// label, summed over the months the interval touches.
    public static func bookedByLabel(in storage: any LedgerStorage, from start: Date, to end: Date,
                                     timeZone: TimeZone = TimeZone(identifier: "UTC")!) throws -> [String: Double] {
        let reader = BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage, timeZone: timeZone)
        var out: [String: Double] = [:]
        for month in reader.months(from: start, to: end) {
            let labels = try storage.get("spend:labels:\(month)").map { $0.split(separator: ",").map(String.init) } ?? []
            for l in labels { out[l, default: 0] += Double(try reader.stored("spend:month:\(month):\(l)")) / 1e6 }
        }
        return out
    }

    /// The month keys from `start` to `end`.
    func months(from start: Date, to end: Date) -> [String] {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let last = periodKeys(max(start, end)).month
        var at = min(start, end)
        var out: [String] = []
        for _ in 0..<1200 {
            let month = periodKeys(at).month
            out.append(month)
            if month == last { break }
            guard let first = cal.dateInterval(of: .month, for: at)?.start,
                  let next = cal.date(byAdding: .month, value: 1, to: first) else { break }
            at = next
        }
        return out
    }

    /// Sub-micro-dollar remainders of `chargeSmall`, per label, in micro-dollars.
    private var carry: [String: Double] = [:]

    /// Books many tiny costs (an embedding call costs a few millionths of a cent): each is
    /// added to a remainder kept in memory, and whole micro-dollars are booked as they
    /// accrue, so the totals are not rounded up once per call (`charge` would book at least
    /// $0.000001 each: five times the cost of a short message's embedding at $0.02 per
    /// million tokens). At most one micro-dollar per label is lost at a restart.
    @discardableResult
    public func chargeSmall(_ usd: Double, now: Date, label: String) -> Booking {
        lock.lock()
        defer { lock.unlock() }
        guard usd > 0 else { return Booking() }
        let accrued = carry[label, default: 0] + usd * 1_000_000
        let whole = Int64(accrued.rounded(.down))
        carry[label] = accrued - Double(whole)
        return add(delta: whole, spent: whole, now: now, label: label)
    }

    /// Adds `delta` to the day's and the month's totals (what a settlement or a charge
    /// changes), `spent` to the breakdown under `label`, and gives the alerts the totals
    /// crossed.
    private func add(delta: Int64, spent: Int64, now: Date, label: String?) -> Booking {
        var booking = Booking()
        let k = periodKeys(now)
        if let label, spent > 0 {
            do { try addToBreakdown(spent, month: k.month, label: label) } catch { booking.breakdownError = "\(error)" }
        }
        guard spent > 0 || delta != 0 else { return booking }
        for (period, key, limit) in [("day", k.day, dailyUSD), ("month", k.month, monthlyUSD)] {
            let storeKey = "budget:\(period):\(key)"
            let pending = unwritten[storeKey, default: 0] + delta
            var after: Int64
            do {
                if pending == 0 {
                    after = try stored(storeKey)
                } else {
                    after = try storage.add(storeKey, pending, ceiling: nil) ?? 0
                    unwritten[storeKey] = nil
                }
            } catch {
                // Kept in memory: every later check counts it, the next booking writes it.
                unwritten[storeKey] = pending
                booking.storageError = "\(error)"
                continue
            }
            guard let limit, limit > 0 else { continue }
            for percent in [80, 100] {
                let mark = Double(percent) / 100 * limit
                guard Double(after) / 1e6 >= mark - 1e-12 else { continue }
                // Marked once for every host (an add with the ceiling 1); a mark that cannot
                // be read or written is given (again) rather than never.
                let alertKey = "budget:alert:\(period):\(key):\(percent)"
                let first: Bool
                do { first = try storage.add(alertKey, 1, ceiling: 1) != nil } catch { first = true }
                if !first { continue }
                booking.alerts.append(Alert(period: period, key: key, percent: percent, spentUSD: Double(after) / 1e6, limitUSD: limit))
            }
        }
        return booking
    }
}
