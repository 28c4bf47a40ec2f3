import Foundation

/// Where the ledger keeps its totals: the plugin's per-workspace state in the host's
/// store (survives restarts). Thread-safe.
public protocol LedgerStorage: Sendable {
    func get(_ key: String) throws -> String?
    func set(_ key: String, _ value: String) throws
}

/// A workspace's spend on model calls, per day and per month (in the workspace's
/// timezone), against `daily_usd` and `monthly_usd`.
///
/// Before a call, `reserve` books the call's worst case (its prompt at the input price,
/// its token cap at the output price); a call that could overrun a limit is refused and
/// not made. After the call, `settle` replaces the reservation by what the call cost.
/// Totals are read from and written to the storage under one lock, so concurrent calls
/// of one instance (different conversations) never both spend the last cents; the
/// storage keeps the totals across restarts. Reservations live in memory only: a call
/// in flight when the process dies is not billed (at most one call's cost per
/// conversation in flight).
public final class BudgetLedger: @unchecked Sendable {
    public struct Reservation: Sendable {
        let id: Int
        public let usd: Double
    }

    /// A limit crossed: 80 % (warning) or 100 % (calls stop until the period ends).
    public struct Alert: Sendable, Equatable {
        public var period: String     // "day" or "month"
        public var key: String        // "2026-12-06", "2026-12"
        public var percent: Int       // 80 or 100
        public var spentUSD: Double
        public var limitUSD: Double
    }

    public let dailyUSD: Double?
    public let monthlyUSD: Double?
    let storage: any LedgerStorage
    let timeZone: TimeZone
    private let lock = NSLock()
    private var reserved: [Int: Double] = [:]
    private var nextID = 0

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

    private func read(_ key: String) -> Int64 {
        (try? storage.get(key)).flatMap { $0.flatMap { Int64($0) } } ?? 0
    }

    /// What was spent in the current day and month.
    public func spent(now: Date) -> (day: Double, month: Double) {
        lock.lock()
        defer { lock.unlock() }
        let k = periodKeys(now)
        return (Double(read("budget:day:" + k.day)) / 1e6, Double(read("budget:month:" + k.month)) / 1e6)
    }

    /// What the ledger in `storage` booked from `start` to `end` (both in `timeZone`): the
    /// sum of its monthly totals over the months the interval touches. The reader for
    /// those who look at a plugin's state from outside (`switchboard eval` reads the spend
    /// of a run from its in-memory state); the keys stay the ledger's own business.
    /// Micro-dollar exact: each call is booked rounded up to the next micro-dollar.
    public static func bookedUSD(in storage: any LedgerStorage, from start: Date, to end: Date,
                                 timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Double {
        let reader = BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage, timeZone: timeZone)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let last = reader.periodKeys(max(start, end)).month
        var at = min(start, end)
        var total: Int64 = 0
        for _ in 0..<1200 {
            let month = reader.periodKeys(at).month
            total += reader.read("budget:month:" + month)
            if month == last { break }
            guard let first = cal.dateInterval(of: .month, for: at)?.start,
                  let next = cal.date(byAdding: .month, value: 1, to: first) else { break }
            at = next
        }
        return Double(total) / 1e6
    }

    /// Books `usd` if the spend so far, the calls in flight and this one stay within both
    /// limits; nil (and nothing booked) when it could overrun one.
    public func reserve(_ usd: Double, now: Date) -> Reservation? {
        lock.lock()
        defer { lock.unlock() }
        let k = periodKeys(now)
        let inFlight = reserved.values.reduce(0, +)
        if let limit = dailyUSD, Double(read("budget:day:" + k.day)) / 1e6 + inFlight + usd > limit + 1e-12 { return nil }
        if let limit = monthlyUSD, Double(read("budget:month:" + k.month)) / 1e6 + inFlight + usd > limit + 1e-12 { return nil }
        nextID += 1
        reserved[nextID] = usd
        return Reservation(id: nextID, usd: usd)
    }

    /// Ends a reservation with what the call actually cost (it may cost more than
    /// reserved when a provider ignores the cap: it is still booked). Returns the alerts
    /// this crossed (each is given once per period; the marks are in the storage too).
    @discardableResult
    public func settle(_ reservation: Reservation, actualUSD: Double, now: Date) -> [Alert] {
        lock.lock()
        defer { lock.unlock() }
        reserved[reservation.id] = nil
        return add(actualUSD, now: now)
    }

    /// Books a cost that had no reservation.
    @discardableResult
    public func charge(_ usd: Double, now: Date) -> [Alert] {
        lock.lock()
        defer { lock.unlock() }
        return add(usd, now: now)
    }

    private func add(_ usd: Double, now: Date) -> [Alert] {
        guard usd > 0 else { return [] }
        let k = periodKeys(now)
        var alerts: [Alert] = []
        for (period, key, limit) in [("day", k.day, dailyUSD), ("month", k.month, monthlyUSD)] {
            let storeKey = "budget:\(period):\(key)"
            let before = read(storeKey)
            let after = before + Self.micros(usd)
            try? storage.set(storeKey, String(after))
            guard let limit, limit > 0 else { continue }
            for percent in [80, 100] {
                let mark = Double(percent) / 100 * limit
                let alertKey = "budget:alert:\(period):\(key):\(percent)"
                if Double(after) / 1e6 >= mark - 1e-12, (try? storage.get(alertKey)) ?? nil == nil {
                    try? storage.set(alertKey, "1")
                    alerts.append(Alert(period: period, key: key, percent: percent, spentUSD: Double(after) / 1e6, limitUSD: limit))
                }
            }
        }
        return alerts
    }
}
