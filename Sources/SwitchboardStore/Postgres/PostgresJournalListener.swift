import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog

extension PostgresStore: JournalAnnouncing {
    /// Listens on a connection of its own (not one of the pool's): see
    /// `PostgresJournalListener`.
    public func listenToJournal(logger: Logger?, _ hear: @escaping @Sendable (JournalAnnouncement) -> Void) -> any JournalListening {
        let listener = PostgresJournalListener(url: pool.url, setting: pool.setting, logger: logger, hear: hear)
        listener.start()
        return listener
    }
}

/// One host's ear on the journal: a dedicated connection that runs
/// `LISTEN switchboard_journal` and a thread that waits on its socket (`poll`), reads
/// what arrived (`PQconsumeInput`, `PQnotifies`) and hands each announcement to `hear`.
///
/// When the server drops the connection (a restart, `pg_terminate_backend`, a network
/// cut seen by the liveness query after `idleCheck` without traffic) it connects again
/// after a backoff (0.1 s doubling to 5 s) and, once listening, hears `.everything`:
/// whatever was appended while nobody listened is then read from each follower's cursor,
/// so nothing is missed. The first connection also starts with `.everything`.
final class PostgresJournalListener: JournalListening, @unchecked Sendable {
    private let url: String
    private let setting: String
    private let logger: Logger?
    private let hear: @Sendable (JournalAnnouncement) -> Void
    private let stopping = Atomic<Bool>(false)
    private let connectionCount = Atomic<Int>(0)
    /// Written to by `stop` so the thread's `poll` returns at once.
    private let wakePipe: (read: Int32, write: Int32)
    private let ended = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    /// Without any traffic for this long, the listener asks the server whether the
    /// connection still stands (a silent network cut shows no error by itself).
    static let idleCheck: Int32 = 30_000
    /// What `pg_stat_activity.application_name` shows for a listener's connection.
    static let applicationName = "switchboard journal listener"
    static let firstBackoff: Duration = .milliseconds(100)
    static let maxBackoff: Duration = .seconds(5)

    init(url: String, setting: String, logger: Logger?, hear: @escaping @Sendable (JournalAnnouncement) -> Void) {
        self.url = url
        self.setting = setting
        self.logger = logger
        self.hear = hear
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        }
        wakePipe = (fds[0], fds[1])
    }

    var connections: Int { connectionCount.load(ordering: .relaxed) }

    func start() {
        started.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            run()
            ended.signal()
        }
        thread.name = "journal-listener"
        thread.start()
    }

    func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
        if started.load(ordering: .relaxed) { ended.wait() }
        close(wakePipe.read)
        close(wakePipe.write)
    }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    private func run() {
        var backoff = Self.firstBackoff
        while !isStopping {
            do {
                let connection = try PostgresConnection(url: url, setting: setting, applicationName: Self.applicationName)
                defer { connection.close() }
                try connection.execute("LISTEN \(JournalAnnouncement.channel)")
                let count = connectionCount.add(1, ordering: .relaxed).newValue
                if count > 1 { logger?.info("journal listener connected again; streams catch up from their cursors") }
                backoff = Self.firstBackoff
                hear(.everything)
                try listen(on: connection)
            } catch {
                guard !isStopping else { return }
                logger?.warn("journal listener lost its connection; connecting again",
                             [LogKey.error: "\(error)", "retry_ms": String(Int(backoff.inSeconds * 1000))])
                pause(backoff)
                backoff = min(backoff * 2, Self.maxBackoff)
            }
        }
    }

    /// Hears announcements until the connection is lost (throws) or `stop`.
    private func listen(on connection: PostgresConnection) throws(StoreError) {
        while !isStopping {
            var fds = [pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, Self.idleCheck)
            if isStopping { return }
            if ready < 0 {
                if errno == EINTR { continue }
                throw StoreError(.io, "\(setting): poll on the listening connection failed (errno \(errno))",
                                 path: connection.displayURL)
            }
            // Nothing for a while: a statement shows whether the server is still there
            // (and reads any announcement that came with its answer).
            if ready == 0 { try connection.execute("SELECT 1") }
            for n in try connection.notifications() where n.channel == JournalAnnouncement.channel {
                if let announcement = JournalAnnouncement(payload: n.payload) { hear(announcement) }
            }
        }
    }

    /// Waits `duration`, or less when `stop` is called.
    private func pause(_ duration: Duration) {
        var fd = pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)
        _ = poll(&fd, 1, Int32(duration.inSeconds * 1000))
    }
}
