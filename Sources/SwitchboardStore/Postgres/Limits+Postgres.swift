import Foundation
import Synchronization
import SwitchboardCore

/// The meters of every host on the database (`LimitRepository` on PostgreSQL), in the
/// `shared_limits` table (migration 17). Each call is one statement in autocommit on a
/// connection of its own (never part of the caller's transaction, which would hold the
/// row's lock until it ends): `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which locks
/// the row and computes from its latest committed version, so concurrent takes of
/// several hosts are applied one after the other and none is lost. The sums are
/// `Meter`'s, in SQL (`sb_meter_level` is `Meter.level(at:)`). Rows past their expiry
/// count as empty and are deleted about once a minute.
final class PostgresLimits: LimitRepository {
    let store: PostgresStore

    init(store: PostgresStore) { self.store = store }

    var isShared: Bool { true }

    /// How long past its last use a row may be kept: a draining meter is empty after
    /// capacity / drain (plus a second); a counter after `keep`.
    private static func lifetime(_ rule: Meter.Rule) -> Double {
        rule.drainPerSecond > 0 ? rule.capacity / rule.drainPerSecond + 1 : rule.keep
    }

    private func statement<T>(_ now: Date, _ body: (PostgresDB) throws -> T) throws -> T {
        try purgeIfDue(now)
        return try store.pool.withConnection(body)
    }

    private func purgeIfDue(_ now: Date) throws {
        let t = now.timeIntervalSince1970
        let due = store.limitsPurgedAt.withLock { last -> Bool in
            guard t - last >= 60 else { return false }
            last = t
            return true
        }
        guard due else { return }
        try store.pool.withConnection { db in
            _ = try db.run("DELETE FROM shared_limits WHERE expires_at <= ?::float8", [t])
        }
    }

    func take(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) throws -> Meter.Outcome {
        let t = now.timeIntervalSince1970
        let row = try statement(now) { db in
            try db.queryOne(
                """
                INSERT INTO shared_limits AS l (scope, name, level, at, granted, expires_at)
                VALUES (?1, ?2, CASE WHEN ?3::float8 <= ?5::float8 + 1e-9 THEN ?3::float8 ELSE 0 END, ?4::float8,
                        ?3::float8 <= ?5::float8 + 1e-9, ?4::float8 + ?7::float8)
                ON CONFLICT (scope, name) DO UPDATE SET
                    granted = sb_meter_level(l.level, l.at, l.expires_at, ?4::float8, ?6::float8) + ?3::float8
                              <= ?5::float8 + 1e-9,
                    level = sb_meter_level(l.level, l.at, l.expires_at, ?4::float8, ?6::float8)
                            + CASE WHEN sb_meter_level(l.level, l.at, l.expires_at, ?4::float8, ?6::float8) + ?3::float8
                                        <= ?5::float8 + 1e-9 THEN ?3::float8 ELSE 0 END,
                    at = greatest(l.at, ?4::float8),
                    expires_at = greatest(l.expires_at, greatest(l.at, ?4::float8) + ?7::float8)
                RETURNING level, granted
                """,
                [key.scope, key.name, amount, t, rule.capacity, rule.drainPerSecond, Self.lifetime(rule)]
            ) { r in (r.double(0), r.string(1) == "t") }
        }
        guard let (level, granted) = row else { throw StoreError(.io, "shared_limits: the take returned no row", path: store.path) }
        if granted { return .taken(level: level) }
        guard rule.drainPerSecond > 0, amount <= rule.capacity + Meter.epsilon else { return .wait(nil) }
        return .wait(max(0, level + amount - rule.capacity) / rule.drainPerSecond)
    }

    @discardableResult
    func add(_ key: LimitKey, _ amount: Double, _ rule: Meter.Rule, now: Date) throws -> Double {
        let t = now.timeIntervalSince1970
        let level = try statement(now) { db in
            try db.queryOne(
                """
                INSERT INTO shared_limits AS l (scope, name, level, at, granted, expires_at)
                VALUES (?1, ?2, greatest(0, ?3::float8), ?4::float8, true, ?4::float8 + ?6::float8)
                ON CONFLICT (scope, name) DO UPDATE SET
                    level = greatest(0, sb_meter_level(l.level, l.at, l.expires_at, ?4::float8, ?5::float8) + ?3::float8),
                    at = greatest(l.at, ?4::float8),
                    granted = true,
                    expires_at = greatest(l.expires_at, greatest(l.at, ?4::float8) + ?6::float8)
                RETURNING level
                """,
                [key.scope, key.name, amount, t, rule.drainPerSecond, Self.lifetime(rule)]
            ) { r in r.double(0) }
        }
        return level ?? 0
    }

    func hold(_ key: LimitKey, until: Date, _ rule: Meter.Rule, now: Date) throws {
        let t = now.timeIntervalSince1970
        let u = until.timeIntervalSince1970
        // The level that drains to room for one at `until` (Meter.hold); a counter is
        // filled to its capacity.
        try statement(now) { db in
            _ = try db.run(
                """
                INSERT INTO shared_limits AS l (scope, name, level, at, granted, expires_at)
                VALUES (?1, ?2, CASE WHEN ?5::float8 > 0 THEN ?4::float8 - 1 + greatest(0, ?6::float8 - ?3::float8) * ?5::float8
                                     ELSE ?4::float8 END,
                        ?3::float8, true, greatest(?3::float8, ?6::float8) + ?7::float8)
                ON CONFLICT (scope, name) DO UPDATE SET
                    level = greatest(sb_meter_level(l.level, l.at, l.expires_at, ?3::float8, ?5::float8),
                                     CASE WHEN ?5::float8 > 0
                                          THEN ?4::float8 - 1 + greatest(0, ?6::float8 - greatest(l.at, ?3::float8)) * ?5::float8
                                          ELSE ?4::float8 END),
                    at = greatest(l.at, ?3::float8),
                    granted = true,
                    expires_at = greatest(l.expires_at, greatest(l.at, ?3::float8, ?6::float8) + ?7::float8)
                """,
                [key.scope, key.name, t, rule.capacity, rule.drainPerSecond, u, Self.lifetime(rule)])
        }
    }

    func level(_ key: LimitKey, _ rule: Meter.Rule, now: Date) throws -> Double {
        let t = now.timeIntervalSince1970
        return try statement(now) { db in
            try db.queryOne(
                "SELECT sb_meter_level(level, at, expires_at, ?3::float8, ?4::float8) FROM shared_limits WHERE scope = ?1 AND name = ?2",
                [key.scope, key.name, t, rule.drainPerSecond]) { r in r.double(0) }
        } ?? 0
    }

    func reset(_ key: LimitKey) throws {
        try store.pool.withConnection { db in
            _ = try db.run("DELETE FROM shared_limits WHERE scope = ? AND name = ?", [key.scope, key.name])
        }
    }
}
