import CMicroHTTPD
import Foundation
import Synchronization

/// The body of a streaming response (server-sent events, long downloads): written from
/// any thread while the connection stays open, until `finish()` or until the client goes.
///
/// While the buffer is empty the connection is suspended in libmicrohttpd (no thread is
/// held, nothing polls); a write resumes it. The server finishes every open stream when
/// it stops. On an event stream the server also sends heartbeats, ends the stream after
/// its lifetime and cuts off a client whose unsent bytes pass the cap
/// (`EventStreamPolicy`): a write then returns false, as for a client that has gone.
///
///     let stream = HTTPResponseStream()
///     inbox.subscribe(workspace) { event in stream.send(event: "message", data: event.json) }
///     return .eventStream(stream)
public final class HTTPResponseStream: Sendable {
    private struct State: @unchecked Sendable {
        var buffer: [UInt8] = []
        var readOffset = 0
        var finished = false
        /// Set once the response is queued; nil again when the connection is gone.
        var connection: OpaquePointer?
        var suspended = false
        var closed = false
        /// Cut off (buffer cap): the connection is closed instead of ended cleanly.
        var aborted = false
        /// Most bytes waiting to be sent; set by the server for event streams.
        var limit = Int.max
        /// Heartbeats and lifetime apply (an event stream the server serves).
        var policy: EventStreamPolicy?
        var opened = ContinuousClock.now
        var lastWrite = ContinuousClock.now
        /// Ended by `abort()`: the body is cut off, not finished.
        var failed = false
    }
    private let state = Mutex(State())
    /// Writers waiting in `waitForRoom`, woken when the reader takes bytes.
    private let room = NSCondition()
    private let roomWaiters = Atomic<Int>(0)
    private let closeHandlers = Mutex<[@Sendable () -> Void]>([])

    /// True for a body with an end of its own (a download): at shutdown the server waits
    /// for it like any request in flight and cuts it off only at its deadline, never
    /// ends it early as if complete. False (event streams): finished at once.
    public let isBounded: Bool

    public init(bounded: Bool = false) {
        isBounded = bounded
    }

    /// Appends bytes to send. Returns false once the stream is finished or the client
    /// has gone (the bytes are dropped).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        state.withLock { s in
            guard !s.finished, !s.closed else { return false }
            if s.buffer.count - s.readOffset + bytes.count > s.limit {
                abort(&s)
                return false
            }
            s.buffer.append(contentsOf: bytes)
            s.lastWrite = .now
            wake(&s)
            return true
        }
    }

    /// Writes one server-sent event: optional `event:` and `id:` lines, then `data:`
    /// (one line per line of `data`), then a blank line.
    @discardableResult
    public func send(event: String? = nil, id: String? = nil, data: String) -> Bool {
        write(Self.event(event, id: id, data: data))
    }

    /// One server-sent event as bytes: `event:` and `id:` when given, every line of
    /// `data` on a `data:` line of its own, a blank line. (For callers that measure or
    /// gather events before writing them.)
    public static func event(_ event: String? = nil, id: String? = nil, data: String) -> [UInt8] {
        var text = ""
        if let event { text += "event: \(event)\n" }
        if let id { text += "id: \(id)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        text += "\n"
        return Array(text.utf8)
    }

    /// Writes an SSE comment line (`: text`), the usual keep-alive.
    @discardableResult
    public func comment(_ text: String = "") -> Bool { write(Array(": \(text)\n\n".utf8)) }

    /// Ends the response once the buffered bytes are sent.
    public func finish() {
        state.withLock { s in
            guard !s.finished else { return }
            s.finished = true
            wake(&s)
        }
    }

    /// Ends the response as failed: buffered bytes are dropped and the connection is
    /// closed without the end of the body (no final chunk), so the client sees a broken
    /// transfer, never a complete one. For a download that fails after its headers went.
    public func abort() {
        state.withLock { s in
            guard !s.finished else { return }
            s.finished = true
            s.failed = true
            s.buffer = []
            s.readOffset = 0
            wake(&s)
        }
        wakeWriters()
    }

    /// Blocks the calling (producer) thread until fewer than `limit` bytes wait to be
    /// sent, so a fast source feeding a slow client holds at most about `limit` bytes.
    /// Returns false, at once, when the client has gone or the stream has ended.
    public func waitForRoom(below limit: Int) -> Bool {
        room.lock()
        defer { room.unlock() }
        // Counted before looking, so a reader that takes bytes after the look wakes us.
        roomWaiters.add(1, ordering: .sequentiallyConsistent)
        defer { roomWaiters.subtract(1, ordering: .sequentiallyConsistent) }
        while true {
            let (buffered, over) = state.withLock { ($0.buffer.count - $0.readOffset, $0.closed || $0.finished) }
            if over { return false }
            if buffered < limit { return true }
            _ = room.wait(until: Date(timeIntervalSinceNow: 1))
        }
    }

    private func wakeWriters() {
        guard roomWaiters.load(ordering: .sequentiallyConsistent) > 0 else { return }
        room.lock()
        room.broadcast()
        room.unlock()
    }

    /// True once the client has gone or the response has ended.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// True once the stream was cut off because its client did not read fast enough.
    public var wasCutOff: Bool { state.withLock { $0.aborted } }

    /// Runs `handler` (on a server thread) when the response ends, whether finished or
    /// because the client went away; at once if it already has.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let already = state.withLock { $0.closed }
        if already { handler(); return }
        closeHandlers.withLock { $0.append(handler) }
        if state.withLock({ $0.closed }) { runCloseHandlers() }
    }

    /// Drops what is buffered and ends the response with an error: libmicrohttpd closes
    /// the connection without the final chunk, so the client sees a broken stream.
    private func abort(_ s: inout State) {
        s.aborted = true
        s.finished = true
        s.buffer = []
        s.readOffset = 0
        wake(&s)
    }

    private func wake(_ s: inout State) {
        if s.suspended, let c = s.connection {
            s.suspended = false
            MHD_resume_connection(c)
        }
    }

    // ---- server side, called on MHD's threads

    /// The response is queued on `connection`. With a policy (an event stream), its
    /// buffer cap applies from now on, to what is already buffered too.
    func attach(_ connection: OpaquePointer, policy: EventStreamPolicy? = nil) {
        state.withLock { s in
            s.connection = connection
            guard let policy else { return }
            s.policy = policy
            s.limit = max(1, policy.maxBufferedBytes)
            s.opened = .now
            s.lastWrite = .now
            if s.buffer.count - s.readOffset > s.limit { abort(&s) }
        }
    }

    enum Tick { case idle, heartbeat, expired }

    /// The server's periodic look at an event stream: ends it past its lifetime, or
    /// writes a heartbeat when nothing was written for the heartbeat period.
    func tick(now: ContinuousClock.Instant) -> Tick {
        state.withLock { s in
            guard let policy = s.policy, !s.finished, !s.closed else { return .idle }
            if now - s.opened >= policy.maxLifetime {
                s.finished = true
                wake(&s)
                return .expired
            }
            guard now - s.lastWrite >= policy.heartbeat else { return .idle }
            let beat = Self.heartbeat
            if s.buffer.count - s.readOffset + beat.count > s.limit {
                abort(&s)
                return .idle
            }
            s.buffer.append(contentsOf: beat)
            s.lastWrite = now
            wake(&s)
            return .heartbeat
        }
    }

    static let heartbeat = Array(": heartbeat\n\n".utf8)

    /// MHD's content reader: copies buffered bytes, ends the stream, or suspends the
    /// connection until the next write.
    func read(into buf: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        let n = readLocked(into: buf, max: max)
        if n > 0 { wakeWriters() }
        return n
    }

    private func readLocked(into buf: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        state.withLock { s in
            if s.failed { return CMicroHTTPD_CONTENT_READER_END_WITH_ERROR() }
            let available = s.buffer.count - s.readOffset
            if available > 0 {
                let n = min(available, max)
                s.buffer.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buf).copyMemory(from: raw.baseAddress! + s.readOffset, byteCount: n)
                }
                s.readOffset += n
                if s.readOffset == s.buffer.count {
                    s.buffer.removeAll(keepingCapacity: true)
                    s.readOffset = 0
                } else if s.readOffset > 64 << 10 {
                    s.buffer.removeFirst(s.readOffset)
                    s.readOffset = 0
                }
                return n
            }
            if s.aborted { return CMicroHTTPD_CONTENT_READER_END_WITH_ERROR() }
            if s.finished { return CMicroHTTPD_CONTENT_READER_END_OF_STREAM() }
            if let c = s.connection {
                s.suspended = true
                MHD_suspend_connection(c)
            }
            return 0
        }
    }

    /// The connection is done with this stream (response freed or request completed).
    func detach() {
        let first = state.withLock { s -> Bool in
            s.connection = nil
            s.suspended = false
            let was = s.closed
            s.closed = true
            s.finished = true
            s.buffer = []
            return !was
        }
        if first { runCloseHandlers() }
        wakeWriters()
    }

    private func runCloseHandlers() {
        let handlers = closeHandlers.withLock { h in defer { h = [] }; return h }
        for h in handlers { h() }
    }
}
