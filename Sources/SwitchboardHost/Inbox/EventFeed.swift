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

    /// Polls at once (a resuming client gets what it missed), then every `pollInterval`.
    func start() {
        DispatchQueue.global(qos: .utility).async { self.poll() }
    }

    private func schedule() {
        let seconds = Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + seconds) { self.poll() }
    }

    private func poll() {
        guard !stream.isClosed else { return }
        let cursor = state.withLock { $0.cursor }
        let found: [SwitchboardCore.Event]
        do {
            found = try events.list(conversation: nil, after: cursor, limit: Self.batch)
        } catch {
            logger.warn("event stream ended: the journal could not be read", [LogKey.error: "\(error)"])
            stream.finish()
            return
        }
        let now = ContinuousClock.now
        if found.isEmpty {
            let quiet = state.withLock { now - $0.lastWrite >= heartbeatInterval }
            if quiet {
                guard stream.comment("heartbeat") else { return }
                state.withLock { $0.lastWrite = now }
            }
        } else {
            for event in found {
                guard stream.send(event: event.kind.rawValue, id: String(event.id),
                                  data: InboxJSON.encode(InboxJSON.Event(event)))
                else { return }
            }
            state.withLock { $0.cursor = found.last!.id; $0.lastWrite = now }
        }
        if found.count == Self.batch {
            DispatchQueue.global(qos: .utility).async { self.poll() }
        } else {
            schedule()
        }
    }
}
