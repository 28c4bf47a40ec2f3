import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

/// A PostgreSQL host's heartbeat (issue 15): its row in `host_heartbeats`, written every
/// `StoreOptions.heartbeatInterval` by a thread of its own, in the database server's
/// clock. A claim (outbox entry, inbound job) whose claimer's beat is older than
/// `timeout` is void at once (`claimerSilentSQL`), so a host that died loses its
/// work to another within that threshold (15 s by default) instead of after the lease
/// (up to 300 s). A host that stops cleanly deletes its row and ends its leases.
///
/// A claimer with no row at all (a store of an older version, or one whose row was
/// pruned an hour after its last beat) is judged by its lease alone, as before.
///
/// The cost of a false death: a live host that cannot reach the database for longer
/// than the threshold has its claims taken; an entry it was sending then may be sent
/// twice, the same window as an expired lease (the outbox's documented duplicates).
/// When the database itself was away every host's beat is old once it is back, though
/// none died: so a host judges others silent only once it has itself beaten without a
/// miss for the threshold (`isSteady`); by then every live host has beaten again.
final class HostHeartbeat: Sendable {
    /// The claimer this heartbeat stands for (`host_heartbeats.host_id`).
    let hostID: String
    let interval: Duration
    /// How old a beat may be before its host counts as dead (more than `interval`).
    let timeout: Duration
    private let pool: PostgresPool
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(true)
    private let logger: Logger?
    /// Since when this host's beats have all been written (nil after a failed one, until
    /// the next is written).
    private let steadySince = Mutex<ContinuousClock.Instant?>(nil)

    /// Whether this host has beaten without a miss for at least the threshold: only then
    /// may it judge another host dead by its old beat (a beat is old after the database
    /// was away for everyone, too).
    var isSteady: Bool {
        guard let since = steadySince.withLock({ $0 }) else { return false }
        return ContinuousClock.now - since >= max(timeout, interval)
    }

    /// Milliseconds of the database server's clock, in SQL.
    static let serverNowMS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    /// The threshold in milliseconds.
    var thresholdMS: Int64 { Int64((max(timeout, interval).inSeconds * 1000).rounded()) }

    /// Writes the first beat (so the row exists before the first claim) and starts the
    /// thread that writes the next ones.
    init(pool: PostgresPool, hostID: String, interval: Duration, timeout: Duration, logger: Logger?) throws {
        self.pool = pool
        self.hostID = hostID
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
        try pool.write { db in
            _ = try db.run("""
                INSERT INTO host_heartbeats (host_id, host_name, started_at, beat_at)
                VALUES (?, ?, \(Self.serverNowMS), \(Self.serverNowMS))
                ON CONFLICT (host_id) DO UPDATE SET beat_at = EXCLUDED.beat_at
                """, [hostID, ProcessInfo.processInfo.hostName])
        }
        steadySince.withLock { $0 = .now }
        let thread = Thread { [self] in run() }
        thread.name = "sb-heartbeat"
        thread.start()
    }

    private func run() {
        var failing = false
        while running.load(ordering: .acquiring) {
            if stopped.wait(timeout: .now() + .milliseconds(Int(interval.inSeconds * 1000))) == .success { return }
            guard running.load(ordering: .acquiring) else { return }
            do {
                try beat()
                if failing {
                    logger?.info("heartbeat written again", ["host_id": hostID])
                    steadySince.withLock { $0 = .now }
                }
                failing = false
            } catch let error as StoreError where error.code == .misuse {
                return   // the store closed
            } catch {
                if !failing { logger?.warn("heartbeat failed; other hosts take this host's claims if it stays down", ["host_id": hostID, "error": "\(error)"]) }
                failing = true
                steadySince.withLock { $0 = nil }
            }
        }
    }

    /// One beat; also forgets hosts silent for an hour (their claims' leases ran out long ago).
    func beat() throws {
        try pool.write { db in
            _ = try db.run("UPDATE host_heartbeats SET beat_at = \(Self.serverNowMS) WHERE host_id = ?", [hostID])
            _ = try db.run("DELETE FROM host_heartbeats WHERE beat_at < \(Self.serverNowMS) - 3600000")
        }
    }

    /// Stops beating and leaves the row as it is: what a crash does (tests).
    func stopBeating() {
        if running.exchange(false, ordering: .acquiringAndReleasing) { stopped.signal() }
    }

    /// Stops beating and deletes the row (a clean stop; its claims are released by the store).
    func end(_ db: PostgresDB) throws {
        stopBeating()
        _ = try db.run("DELETE FROM host_heartbeats WHERE host_id = ?", [hostID])
    }

    /// SQL that is true when the claim held by `column` is void because its claimer's
    /// heartbeat is older than `thresholdMS`; one `?` parameter: the threshold.
    static func claimerSilentSQL(_ column: String) -> String {
        "EXISTS (SELECT 1 FROM host_heartbeats h WHERE h.host_id = \(column) AND h.beat_at < \(serverNowMS) - ?::bigint)"
    }
}

extension PostgresStore {
    /// The condition "the claimer in `column` stopped beating" and its parameters, for a
    /// claim query's WHERE; `false` on a schema without heartbeats, and while this host's
    /// own heartbeat is not steady (`HostHeartbeat.isSteady`).
    func claimerSilent(_ column: String) -> (sql: String, values: [any SQLiteBindable]) {
        // Not steady (just started, or the database was away): no claim is judged by its
        // claimer's beat yet; leases still run out.
        guard let heartbeat, heartbeat.isSteady else { return ("false", []) }
        return (HostHeartbeat.claimerSilentSQL(column), [heartbeat.thresholdMS])
    }
}
