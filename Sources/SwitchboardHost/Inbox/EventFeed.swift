import Foundation
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardCore
import SwitchboardStore

/// Follows one workspace's journal into one event stream: reads the events repository
/// after a cursor (the last id sent) and writes each event as `event: <kind>`,
/// `id: <event id>`, `data: <Event JSON>`.
///
/// It reads at once, then whenever `JournalWakeups` says the workspace's journal may have
/// grown (on PostgreSQL every host's append is announced, so an event written through
/// another host arrives as fast as one of this host's), and every `pollInterval` besides
/// (on SQLite, where nothing is announced, this poll is how events arrive; with
/// announcements it is a safety net). No thread is held between reads: each read is a
/// work item on a global dispatch queue, one at a time per feed. Reading stops when the
/// stream closes: the client went away (noticed at the next write, at the latest the
/// heartbeat), or the server stopped (it finishes every open stream). A storage error
/// ends the stream; the client then resumes with `Last-Event-ID` and loses nothing.
final class EventFeed: Sendable {
    private struct State {
        var cursor: Int64
        var lastWrite: ContinuousClock.Instant
        /// A read is running or queued.
        var running = false
        /// A wake came during a read: read once more after it.
        var again = false
        /// Which timer may start the next read (a wake that starts one retires the timer).
        var generation = 0
        var finished = false
        var subscription: JournalWakeups.Subscription?
        var open: OpenStreams?
    }

    private let stream: HTTPResponseStream
    private let events: any EventRepository
    private let state: Mutex<State>
    private let pollInterval: Duration
    private let heartbeatInterval: Duration
    private let logger: Logger
    static let batch = 200

    init(stream: HTTPResponseStream, events: any EventRepository, after cursor: Int64, pollInterval: Duration,
         heartbeatInterval: Duration, logger: Logger) {
        self.stream = stream
        self.events = events
        self.state = Mutex(State(cursor: cursor, lastWrite: .now))
        self.pollInterval = pollInterval
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    /// Reads at once (a resuming client gets what it missed), then on each of the
    /// workspace's wakes and every `pollInterval`, until the stream closes; `open` counts
    /// the feed while it runs.
    func start(counting open: OpenStreams, wakeups: JournalWakeups? = nil, workspace: WorkspaceID? = nil) {
        open.count.add(1, ordering: .relaxed)
        state.withLock { $0.open = open; $0.running = true }
        if let wakeups, let workspace {
            let subscription = wakeups.subscribe(workspace) { [weak self] in self?.wake() }
            state.withLock { $0.subscription = subscription }
        }
        DispatchQueue.global(qos: .utility).async { self.run() }
    }

    /// The journal may have grown: read now (or right after the read running now).
    func wake() {
        let go = state.withLock { s -> Bool in
            guard !s.finished else { return false }
            if s.running { s.again = true; return false }
            s.running = true
            s.generation += 1
            return true
        }
        if go { DispatchQueue.global(qos: .utility).async { self.run() } }
    }

    private func run() {
        switch poll() {
        case .more:
            DispatchQueue.global(qos: .utility).async { self.run() }
        case .wait:
            let (again, generation) = state.withLock { s -> (Bool, Int) in
                if s.again { s.again = false; return (true, s.generation) }
                s.running = false
                s.generation += 1
                return (false, s.generation)
            }
            if again {
                DispatchQueue.global(qos: .utility).async { self.run() }
            } else {
                let seconds = pollInterval.inSeconds
                DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + seconds) { self.timer(generation) }
            }
        case .done:
            let (open, subscription) = state.withLock { s in
                s.finished = true
                defer { s.open = nil; s.subscription = nil }
                return (s.open, s.subscription)
            }
            subscription?.cancel()
            open?.count.subtract(1, ordering: .relaxed)
        }
    }

    private func timer(_ generation: Int) {
        let go = state.withLock { s -> Bool in
            guard !s.finished, !s.running, s.generation == generation else { return false }
            s.running = true
            return true
        }
        if go { run() }
    }

    private enum Next { case more, wait, done }

    private func poll() -> Next {
        guard !stream.isClosed else { return .done }
        let cursor = state.withLock { $0.cursor }
        let found: [SwitchboardCore.Event]
        do {
            found = try events.list(conversation: nil, after: cursor, limit: Self.batch)
        } catch {
            logger.warn("event stream ended: the journal could not be read", [LogKey.error: "\(error)"])
            stream.finish()
            return .done
        }
        let now = ContinuousClock.now
        if found.isEmpty {
            if state.withLock({ now - $0.lastWrite >= heartbeatInterval }) {
                guard stream.comment("heartbeat") else { return .done }
                state.withLock { $0.lastWrite = now }
            }
            return .wait
        }
        for event in found {
            guard stream.send(event: event.kind.rawValue, id: String(event.id), data: InboxJSON.encode(InboxJSON.Event(event)))
            else { return .done }
        }
        state.withLock { $0.cursor = found.last!.id; $0.lastWrite = now }
        return found.count == Self.batch ? .more : .wait
    }
}

/// How many event streams are open (a feed counts until it notices its stream closed).
final class OpenStreams: Sendable {
    let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
}
