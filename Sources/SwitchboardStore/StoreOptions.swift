import Foundation
import SwitchboardLog

/// How a store is opened. The defaults are the ones `switchboard serve` uses.
public struct StoreOptions: Sendable {
    /// How long a write waits for another process holding the database's write lock
    /// before failing with `StoreError.Code.busy`.
    public var busyTimeoutMilliseconds: Int32 = 5_000
    /// What a commit waits for; see `Durability`.
    public var durability: Durability = .full
    /// Connections used for reads outside a transaction (the writer is separate).
    public var maxReaders: Int = 4
    /// The time stamped on rows; tests pass a fixed or stepping clock.
    public var clock: @Sendable () -> Date = { Date() }
    /// Where migrations and workspace sync are logged; nil for silence.
    public var logger: Logger? = nil
    /// Who this store's claims name (`Claimer`); nil (the default): this store, in this
    /// process, for as long as it is open. Tests name another process to stand for a
    /// second host.
    public var claimer: Claimer? = nil
    /// Whether opening the store applies its pending schema migrations (the default). Off
    /// (`storage.migrate_on_start: false`): a database with migrations pending is not
    /// opened (`StoreError.Code.migration`, naming `switchboard migrate`), so that schema
    /// changes happen only when the operator runs `switchboard migrate`.
    public var migrate: Bool = true
    /// PostgreSQL: how often this host writes its heartbeat (`HostHeartbeat`,
    /// `storage.heartbeat_seconds`), and how old another host's may be before its claims
    /// are taken at once instead of when their leases run out (`storage.host_lease_seconds`).
    /// 5 s and 15 s: a host that died loses its work within about 15 s. SQLite tells a
    /// claimer's death from /proc and does not beat.
    public var heartbeatInterval: Duration = .seconds(5)
    public var heartbeatTimeout: Duration = .seconds(15)
    /// PostgreSQL: whether this store writes a heartbeat at all. `serve` does (its host
    /// claims queued work); the other commands (`events`, `access`, `migrate`, ...) open
    /// the store with it off, so that they never count as a host (`switchboard copy`
    /// refuses a target with a live host; `/metrics` counts the live hosts). A store that
    /// does not beat does not take other hosts' claims early either: it judges them by
    /// their leases.
    public var heartbeat: Bool = true
    /// SQLite: the longest a commit waits for the follow-up writes a transaction asked
    /// it to wait for (`CommitHolding`: the responder's answer to the message the
    /// transaction stored, so that both commit together). Tests lengthen it to make the
    /// wait certain.
    public var commitHoldLimit: Duration = .milliseconds(1)

    public init() {}

    /// What a commit waits for before it returns.
    ///
    /// The host answers a webhook 200 only after what it carried is committed, and the
    /// provider then never sends it again. A commit that a power cut or kernel crash can
    /// undo would lose a message the provider believes delivered, so the default is
    /// `.full`: SQLite's `synchronous=FULL`, which in WAL mode syncs the log on every
    /// commit. `.normal` (`synchronous=NORMAL`) still survives a crash of the process,
    /// but the last commits before a power loss may roll back; it is faster on slow disks
    /// and fine for tests and benchmarks.
    public enum Durability: String, Sendable {
        case full, normal
    }
}
