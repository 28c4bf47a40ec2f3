import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// The host's one in-process notice that a workspace's journal has new events: what the
/// streams (the inbox's `GET /events`, the web chat's visitor streams) wait on before they
/// read the journal after their cursor. A wake carries no event: a follower always reads.
///
/// Two things wake it: this host's own paths that just committed something a stream
/// shows (`wake`), and, on a store several hosts share, every host's appends as the
/// store announces them (`hear`, fed by `JournalListenerService`: PostgreSQL's
/// `LISTEN`/`NOTIFY`). Both call the same subscribers, so a stream has one path, whichever
/// host wrote. On SQLite nothing is announced: the inbox's stream polls as before.
final class JournalWakeups: Sendable {
    /// Whether every append, of any host, wakes the subscribers (the store announces its
    /// journal): a stream then polls only as a safety net.
    let announced: Bool
    private struct State {
        var next = 0
        var subscribers: [WorkspaceID: [Int: @Sendable () -> Void]] = [:]
    }
    private let state = Mutex(State())

    init(announced: Bool) { self.announced = announced }

    /// A subscription; `cancel` ends it (idempotent).
    final class Subscription: Sendable {
        private let end: Mutex<(@Sendable () -> Void)?>
        init(_ end: @escaping @Sendable () -> Void) { self.end = Mutex(end) }
        func cancel() { end.withLock { e in defer { e = nil }; return e }?() }
    }

    /// Calls `wake` (on the waker's thread: it must only schedule work) whenever the
    /// journal of `workspace` may have new events.
    func subscribe(_ workspace: WorkspaceID, _ wake: @escaping @Sendable () -> Void) -> Subscription {
        let id = state.withLock { s in
            s.next += 1
            s.subscribers[workspace, default: [:]][s.next] = wake
            return s.next
        }
        return Subscription { [weak self] in
            self?.state.withLock { s in
                s.subscribers[workspace]?[id] = nil
                if s.subscribers[workspace]?.isEmpty == true { s.subscribers[workspace] = nil }
            }
        }
    }

    /// This host committed something in `workspace`'s journal that a stream shows.
    func wake(_ workspace: WorkspaceID) {
        for wake in state.withLock({ Array(($0.subscribers[workspace] ?? [:]).values) }) { wake() }
    }

    /// What the store announced (any host's append, or "look at everything").
    func hear(_ announcement: JournalAnnouncement) {
        switch announcement {
        case .appended(let workspace, _):
            wake(workspace)
        case .everything:
            for wake in state.withLock({ $0.subscribers.values.flatMap(\.values) }) { wake() }
        }
    }

    /// Subscribers now (tests, a gauge).
    var count: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.count } } }
}

/// Runs the store's journal listener while the host runs (a store several hosts share;
/// nothing on SQLite), feeding `JournalWakeups`.
final class JournalListenerService: Service, @unchecked Sendable {
    let name = "journal-listener"
    private let store: any Store
    private let wakeups: JournalWakeups
    private let logger: Logger
    private let listener = Mutex<(any JournalListening)?>(nil)

    init(store: any Store, wakeups: JournalWakeups, logger: Logger) {
        self.store = store
        self.wakeups = wakeups
        self.logger = logger
    }

    func start() throws {
        guard let announcing = store as? any JournalAnnouncing else { return }
        let wakeups = self.wakeups
        let running = announcing.listenToJournal(logger: logger) { wakeups.hear($0) }
        listener.withLock { $0 = running }
    }

    func stop(deadline: ContinuousClock.Instant) {
        listener.withLock { l in defer { l = nil }; return l }?.stop()
    }
}
