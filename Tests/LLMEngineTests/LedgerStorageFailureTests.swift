import Foundation
import Synchronization
import Testing
@testable import LLMEngine

/// The ledger when its storage (the plugin's state in the host's store) fails: it fails
/// closed. An unreadable total refuses the call; a cost that cannot be written is kept in
/// memory, still counted against the limit, and written with the next booking.
@Suite struct LedgerStorageFailureTests {
    typealias FlakyStorage = MemoryStorage

    @Test func anUnreadableTotalRefusesTheCall() {
        let storage = FlakyStorage()
        let ledger = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        storage.readsFail.store(true, ordering: .relaxed)
        guard case .failure(.storage(let why)) = ledger.book(0.01, now: Date()) else {
            Issue.record("a call whose spend cannot be counted was booked"); return
        }
        #expect(why == "store unavailable")
        storage.readsFail.store(false, ordering: .relaxed)
        #expect(ledger.reserve(0.01, now: Date()) != nil)
    }

    @Test func aCostThatCannotBeWrittenStillCountsAndIsWrittenLater() throws {
        let storage = FlakyStorage()
        let ledger = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        // Reserved (0.5 booked), then the store fails before the call's cost is settled.
        let r = try #require(ledger.reserve(0.5, now: Date()))
        storage.writesFail.store(true, ordering: .relaxed)
        let booking = ledger.settle(r, actualUSD: 0.9, now: Date())
        #expect(booking.storageError == "store unavailable")
        // Not all in the storage, but counted.
        #expect(abs(try ledger.spent(now: Date()).day - 0.9) < 1e-9)
        // Nothing is booked while the store cannot be written (fail closed).
        guard case .failure(.storage) = ledger.book(0.05, now: Date()) else {
            Issue.record("a call was booked while its cost could not be written"); return
        }
        // The store is back: a second 0.2 would overrun the 1.00 a day with what is unwritten.
        storage.writesFail.store(false, ordering: .relaxed)
        #expect(ledger.book(0.2, now: Date()).failure == .overLimit)
        // The next booking writes the unwritten cost with its own.
        let next = try #require(ledger.reserve(0.05, now: Date()))
        #expect(ledger.settle(next, actualUSD: 0.05, now: Date()).storageError == nil)
        let fresh = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)   // as after a restart
        #expect(abs(try fresh.spent(now: Date()).day - 0.95) < 1e-9)
    }

    /// A reservation is in the stored totals at once: another ledger on the same storage
    /// (another host) sees it, and cannot book past the limit with it.
    @Test func aReservationCountsForAnotherLedgerOnTheSameStorage() throws {
        let storage = FlakyStorage()
        let a = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        let b = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)
        let r = try #require(a.reserve(0.7, now: Date()))
        #expect(b.book(0.4, now: Date()).failure == .overLimit)
        // Settled lower: the difference is given back to both.
        a.settle(r, actualUSD: 0.5, now: Date())
        #expect(b.reserve(0.4, now: Date()) != nil)
        #expect(abs(try a.spent(now: Date()).day - 0.9) < 1e-9)
    }
}

/// The answer cache over a storage that fails: it keeps working from memory, and an
/// unreadable store is never overwritten with what this process happens to hold.
@Suite struct AnswerCacheStorageFailureTests {
    @Test func aCacheThatCouldNotBeReadIsNotWrittenOver() throws {
        let storage = LedgerStorageFailureTests.FlakyStorage()
        let now = Date()
        let first = AnswerCache(storage: storage, ttlSeconds: 3600, knowledgeVersion: "v1")
        first.put("do you deliver to lekki", answer: "Yes, 1,500 naira.", now: now)
        // Another instance (a restart) while the store cannot be read.
        storage.readsFail.store(true, ordering: .relaxed)
        let second = AnswerCache(storage: storage, ttlSeconds: 3600, knowledgeVersion: "v1")
        second.put("when are you open on sunday", answer: "Closed on Sundays.", now: now)
        #expect(second.get("when are you open on sunday", now: now) == "Closed on Sundays.")
        storage.readsFail.store(false, ordering: .relaxed)
        let third = AnswerCache(storage: storage, ttlSeconds: 3600, knowledgeVersion: "v1")
        #expect(third.get("do you deliver to lekki", now: now) == "Yes, 1,500 naira.")
    }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { return f }; return nil }
}
