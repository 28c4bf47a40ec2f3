import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardStore

/// Two hosts' transactions that lock the same rows in opposite orders: PostgreSQL ends one
/// of them with a deadlock error (40P01). That is not the caller's failure: the store runs
/// the ended transaction again and both commit (a webhook on one host and a worker's
/// journal append on another answered 500 this way before).
@Suite struct PostgresDeadlockTests {
    @Test func aTransactionEndedByADeadlockRunsAgainAndBothCommit() throws {
        let url = try TestPostgres.freshDatabase(prefix: "deadlock")
        let hosts = [try PostgresStore(url: url, poolSize: 2, options: testOptions()),
                     try PostgresStore(url: url, poolSize: 2, options: testOptions())]
        try hosts[0].pool.write { db in
            try db.execute("CREATE TABLE pair (k int PRIMARY KEY, v int NOT NULL); INSERT INTO pair VALUES (1, 0), (2, 0)")
        }
        let before = hosts[0].pool.busyRetries.load(ordering: .relaxed) + hosts[1].pool.busyRetries.load(ordering: .relaxed)
        // Each holds its first row until the other holds its own (first attempt only), then
        // asks for the other's: a deadlock every time.
        let holding = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let errors = LockedBox<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let (first, second) = i == 0 ? (1, 2) : (2, 1)
            var attempts = 0
            do {
                try hosts[i].pool.write { db in
                    attempts += 1
                    try db.execute("UPDATE pair SET v = v + 1 WHERE k = \(first)")
                    if attempts == 1 {
                        holding[i].signal()
                        _ = holding[1 - i].wait(timeout: .now() + 10)
                    }
                    try db.execute("UPDATE pair SET v = v + 1 WHERE k = \(second)")
                }
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        #expect(errors.get() == [])
        let values = try hosts[0].pool.read { db in
            try db.query("SELECT v FROM pair ORDER BY k") { $0.int64(0) }
        }
        #expect(values == [2, 2], "both transactions committed once each")
        let retries = hosts[0].pool.busyRetries.load(ordering: .relaxed) + hosts[1].pool.busyRetries.load(ordering: .relaxed)
        #expect(retries - before >= 1, "one of them was ended by the deadlock and ran again")
    }
}
