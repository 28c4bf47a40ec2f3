import Foundation
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Who holds a claim on queued work (an outbox entry being sent, an inbound job being
/// run): one running process, named so that another process can tell whether it still
/// runs. Every claim carries a lease as well; a claim is void when its lease ran out *or*
/// its claimer is known to have died, and the next claim takes the work again. There is
/// no "reset what was in flight" at start-up: a restarted host takes the work of the
/// process it replaces by these two rules, and a second host on the same database never
/// takes work whose claimer runs and whose lease runs.
///
/// How death is known depends on the backend:
/// - SQLite (one machine: the database is a local file): the claimer is
///   `<pid>.<start time in clock ticks since boot>.<n>` of the claiming process and its
///   n-th store, and it is dead when `/proc/<pid>/stat` is gone or shows another start
///   time (a reused pid), or, within this process, when that store was closed. A crashed
///   host's claims are taken at once when it restarts, as the start-up reset did.
/// - PostgreSQL (hosts on several machines): a process on another machine cannot be
///   looked up: the claimer is `<machine name>/<pid>.<start>.<n>`, each host writes a
///   heartbeat (`HostHeartbeat`, every 5 s), and a claimer whose heartbeat is older than
///   3 beats counts as dead; a claimer without a heartbeat row is judged by its lease
///   alone (`outbox.lease_ms`, `InboundLease`). A host that stops cleanly releases its
///   claims and deletes its heartbeat.
public struct Claimer: Sendable, Hashable, CustomStringConvertible {
    public let id: String

    public init(_ id: String) { self.id = id }

    public var description: String { id }

    /// The process `pid` as it runs now; nil if it does not run.
    public init?(process pid: pid_t) {
        guard let start = Self.startTime(pid) else { return nil }
        id = "\(pid).\(start)"
    }

    /// This process's identity (`<pid>.<start>`).
    static let process: String = Claimer(process: getpid())?.id ?? "\(getpid()).0"

    /// A claimer of its own for one store of this process, live until `release()` (its
    /// store closed): `<pid>.<start>.<n>`. A host restarted inside one process (tests)
    /// then takes the claims of the store it replaced at once, like a restarted process.
    /// `prefix` goes before the id (PostgreSQL: the machine's name and a slash, since
    /// hosts on several machines share the database and pids repeat across machines).
    static func forStore(prefix: String = "") -> Claimer {
        let claimer = Claimer("\(prefix)\(process).\(openStores.withLock { $0.next += 1; return $0.next })")
        openStores.withLock { _ = $0.live.insert(claimer.id) }
        return claimer
    }

    func release() { _ = Self.openStores.withLock { $0.live.remove(id) } }

    private static let openStores = Mutex<(next: Int, live: Set<String>)>((0, []))

    /// Whether the process (and, for a store of this process, the store) this claimer
    /// names still runs on this machine. A claimer that names no process in this form (a
    /// claim of an older version) is dead.
    var isRunningHere: Bool {
        let parts = id.split(separator: ".")
        guard parts.count == 2 || parts.count == 3, let pid = pid_t(parts[0]), let start = UInt64(parts[1]) else {
            return false
        }
        if parts.count == 3 && "\(parts[0]).\(parts[1])" == Self.process {
            return Self.openStores.withLock { $0.live.contains(id) }
        }
        return Self.startTime(pid) == start
    }

    /// Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks since boot.
    private static func startTime(_ pid: pid_t) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come fields 3...; the command may hold spaces and parentheses.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}

/// How long a host's claim holds an inbound job it runs (enqueued or reloaded). Like the
/// outbox's lease: longer than any chain runs, so a working host never loses a job to
/// another; a host that died loses its jobs to the next claim after this long (at once
/// on SQLite, see `Claimer`).
public enum InboundLease {
    public static let defaultSeconds: TimeInterval = 300
}
