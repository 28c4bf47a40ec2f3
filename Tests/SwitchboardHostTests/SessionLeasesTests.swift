import Foundation
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// `SessionLeases` on a real PostgreSQL: a host whose database goes away lets its
/// session go before its lease ends (the watchdog, not an answer from the database), so
/// another host that takes the lease never supervises beside it.
@Suite struct SessionLeasesTests {
    @Test func aHostThatCannotRenewLetsTheSessionGoBeforeItsLeaseEnds() throws {
        let url = try TestPostgres.freshDatabase(prefix: "watchdog")
        let name = try #require(url.firstMatch(of: /watchdog_[0-9a-f]{8}/).map { String($0.output) })
        let store = try PostgresStore(url: url, poolSize: 2)
        let leases = SessionLeases(store: store, channels: ["wa-web"], logger: Logger(sink: LogSink(level: .error)),
                                   leaseSeconds: 3, renewEvery: .milliseconds(300))
        let changes = Mutex<[String]>([])
        leases.onChange(gained: { c in changes.withLock { $0.append("gained \(c.rawValue)") } },
                        lost: { c in changes.withLock { $0.append("lost \(c.rawValue)") } })
        leases.round()
        #expect(changes.withLock { $0 } == ["gained wa-web"])
        #expect(leases.owns("wa-web"))
        leases.startLoop()
        defer { leases.stopLoop() }

        // The database refuses every connection from now on; the pool's are ended.
        let lastRenewal = Date()
        try TestPostgres.execute(try TestPostgres.url.get(), """
            ALTER DATABASE \(name) ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)';
            """)
        let deadline = Date().addingTimeInterval(6)
        while Date() < deadline && changes.withLock({ $0.count }) < 2 { usleep(20_000) }
        let after = Date().timeIntervalSince(lastRenewal)
        #expect(changes.withLock { $0 } == ["gained wa-web", "lost wa-web"])
        #expect(!leases.owns("wa-web"))
        // Let go before the lease (3 s from the last renewal, which came before `lastRenewal`).
        #expect(after < 3, "let go after \(after) s")
        try TestPostgres.execute(try TestPostgres.url.get(), "ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
    }
}
