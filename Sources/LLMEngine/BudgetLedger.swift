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
///
/// The storage can fail (the host's store is busy or broken). The ledger fails closed: a
/// total it cannot read refuses the call (`Refusal.storage`), and a cost it cannot write
/// is kept in memory, counted in every later check and written with the next booking
/// of that period (`Booking.storageError` says so, for the caller to journal).
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
    private var reserved: [Int: Double] = [:]
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

    /// Books `usd` if the spend so far, the calls in flight and this one stay within both
    /// limits; refused (and nothing booked) when it could overrun one, or when the totals
    /// cannot be read.
    public func book(_ usd: Double, now: Date) -> Result<Reservation, Refusal> {
        lock.lock()
        defer { lock.unlock() }
        let k = periodKeys(now)
        let inFlight = reserved.values.reduce(0, +)
        do {
            if let limit = dailyUSD, Double(try total("budget:day:" + k.day)) / 1e6 + inFlight + usd > limit + 1e-12 { return .failure(.overLimit) }
            if let limit = monthlyUSD, Double(try total("budget:month:" + k.month)) / 1e6 + inFlight + usd > limit + 1e-12 { return .failure(.overLimit) }
        } catch {
            return .failure(.storage("\(error)"))
        }
        nextID += 1
        reserved[nextID] = usd
        return .success(Reservation(id: nextID, usd: usd))
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
        reserved[reservation.id] = nil
        return add(actualUSD, now: now, label: label)
    }

    /// Books a cost that had no reservation (an embeddings call: small, and made whatever
    /// the budget says, since it is what keeps the dearer calls from being made).
    @discardableResult
    public func charge(_ usd: Double, now: Date, label: String? = nil) -> Booking {
        lock.lock()
        defer { lock.unlock() }
        return add(usd, now: now, label: label)
    }

    /// Per month and label, micro-dollars: `spend:month:2026-12:generate/small`; the labels
    /// a month has are listed under `spend:labels:2026-12` (comma-separated).
    private func addToBreakdown(_ micros: Int64, month: String, label: String) throws {
        let key = "spend:month:\(month):\(label)"
        let before = try stored(key)
        try storage.set(key, String(before + micros))
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
        return add(micros: whole, now: now, label: label)
    }

    private func add(_ usd: Double, now: Date, label: String? = nil) -> Booking {
        add(micros: usd > 0 ? Self.micros(usd) : 0, now: now, label: label)
    }

    private func add(micros: Int64, now: Date, label: String?) -> Booking {
        var booking = Booking()
        guard micros > 0 else { return booking }
        let k = periodKeys(now)
        if let label {
            do { try addToBreakdown(micros, month: k.month, label: label) } catch { booking.breakdownError = "\(error)" }
        }
        for (period, key, limit) in [("day", k.day, dailyUSD), ("month", k.month, monthlyUSD)] {
            let storeKey = "budget:\(period):\(key)"
            let pending = unwritten[storeKey, default: 0] + micros
            let after: Int64
            do {
                let before = try stored(storeKey)
                after = before + pending
                try storage.set(storeKey, String(after))
                unwritten[storeKey] = nil
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
                // A mark that cannot be read or written is given (again) rather than never.
                let alertKey = "budget:alert:\(period):\(key):\(percent)"
                let given: Bool
                do { given = try storage.get(alertKey) != nil } catch { given = false }
                if given { continue }
                // A mark not written only means the alert may be given once more.
                do { try storage.set(alertKey, "1") } catch {}
                booking.alerts.append(Alert(period: period, key: key, percent: percent, spentUSD: Double(after) / 1e6, limitUSD: limit))
            }
        }
        return booking
    }
}
