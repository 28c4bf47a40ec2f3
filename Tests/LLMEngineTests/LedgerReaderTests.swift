import Foundation
import Testing
@testable import LLMEngine

/// `BudgetLedger.bookedUSD`: what a reader outside the plugin (`switchboard eval`) sees of
/// the ledger's spend over an interval, across a month's end and in the ledger's timezone.
@Suite struct LedgerReaderTests {
    static func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    @Test func sumsTheMonthsTheIntervalTouches() throws {
        let storage = MemoryStorage()
        let lagos = TimeZone(identifier: "Africa/Lagos")!   // UTC+1
        let ledger = BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: storage, timeZone: lagos)
        ledger.charge(0.25, now: Self.date("2026-11-30T20:00:00Z"))
        ledger.charge(0.125, now: Self.date("2026-11-30T23:30:00Z"))   // 00:30 on Dec 1 in Lagos
        ledger.charge(0.5, now: Self.date("2026-12-06T08:00:00Z"))
        ledger.charge(1.0, now: Self.date("2027-01-02T08:00:00Z"))
        func booked(_ a: String, _ b: String) throws -> Double {
            try BudgetLedger.bookedUSD(in: storage, from: Self.date(a), to: Self.date(b), timeZone: lagos)
        }
        #expect(try booked("2026-11-30T12:00:00Z", "2026-11-30T22:00:00Z") == 0.25)
        #expect(try booked("2026-12-01T00:00:00Z", "2026-12-31T12:00:00Z") == 0.625)
        #expect(try booked("2026-11-30T12:00:00Z", "2026-12-06T09:00:00Z") == 0.875)
        #expect(try booked("2026-11-01T00:00:00Z", "2027-01-31T00:00:00Z") == 1.875)
        #expect(try booked("2027-02-01T12:00:00Z", "2027-02-01T12:00:00Z") == 0)
    }
}
