import Foundation
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardCore
import SwitchboardStore

/// Follows one workspace's journal into one event stream: polls the events repository
/// after a cursor (the last id sent) and writes each event as `event: <kind>`,
/// `id: <event id>`, `data: <Event JSON>`.
///
/// No thread is held between polls: each poll is a work item on a global dispatch queue
/// that schedules the next one. Polling stops when the stream closes: the client went
/// away (noticed at the next write, at the latest the heartbeat), or the server stopped
/// (it finishes every open stream). A storage error ends the stream; the client then
/// resumes with `Last-Event-ID` and loses nothing.
final class EventFeed: Sendable {
    private struct State {
        var cursor: Int64
        var lastWrite: ContinuousClock.Instant
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

    /// Polls at once (a resuming client gets what it missed), then every `pollInterval`,
    /// until the stream closes; `open` counts the feed while it runs.
    func start(counting open: OpenStreams) {
        open.count.add(1, ordering: .relaxed)
        DispatchQueue.global(qos: .utility).async { self.run(open) }
    }

    private func run(_ open: OpenStreams) {
        switch poll() {
        case .more:
            DispatchQueue.global(qos: .utility).async { self.run(open) }
        case .wait:
            let seconds = pollInterval.inSeconds
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + seconds) { self.run(open) }
        case .done:
            open.count.subtract(1, ordering: .relaxed)
        }
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
