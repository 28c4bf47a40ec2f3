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
        storage.writesFail.store(true, ordering: .relaxed)
        let r = try #require(ledger.reserve(0.9, now: Date()))
        let booking = ledger.settle(r, actualUSD: 0.9, now: Date())
        #expect(booking.storageError == "store unavailable")
        // Not in the storage, but counted: a second 0.2 would overrun the 1.00 a day.
        #expect(abs(try ledger.spent(now: Date()).day - 0.9) < 1e-9)
        #expect(ledger.book(0.2, now: Date()).failure == .overLimit)
        // The store is back: the next booking writes both costs.
        storage.writesFail.store(false, ordering: .relaxed)
        let next = try #require(ledger.reserve(0.05, now: Date()))
        #expect(ledger.settle(next, actualUSD: 0.05, now: Date()).storageError == nil)
        let fresh = BudgetLedger(dailyUSD: 1.0, monthlyUSD: nil, storage: storage)   // as after a restart
        #expect(abs(try fresh.spent(now: Date()).day - 0.95) < 1e-9)
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
