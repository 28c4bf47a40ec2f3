import CMicroHTTPD
import Synchronization

/// The body of a streaming response (server-sent events, long downloads): written from
/// any thread while the connection stays open, until `finish()` or until the client goes.
///
/// While the buffer is empty the connection is suspended in libmicrohttpd (no thread is
/// held, nothing polls); a write resumes it. The server finishes every open stream when
/// it stops.
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
    }
    private let state = Mutex(State())
    private let closeHandlers = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Appends bytes to send. Returns false once the stream is finished or the client
    /// has gone (the bytes are dropped).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        state.withLock { s in
            guard !s.finished, !s.closed else { return false }
            s.buffer.append(contentsOf: bytes)
            wake(&s)
            return true
        }
    }

    /// Writes one server-sent event: optional `event:` and `id:` lines, then `data:`
    /// (one line per line of `data`), then a blank line.
    @discardableResult
    public func send(event: String? = nil, id: String? = nil, data: String) -> Bool {
        var text = ""
        if let event { text += "event: \(event)\n" }
        if let id { text += "id: \(id)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        text += "\n"
        return write(Array(text.utf8))
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

    /// True once the client has gone or the response has ended.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Runs `handler` (on a server thread) when the response ends, whether finished or
    /// because the client went away; at once if it already has.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let already = state.withLock { $0.closed }
        if already { handler(); return }
        closeHandlers.withLock { $0.append(handler) }
        if state.withLock({ $0.closed }) { runCloseHandlers() }
    }

    private func wake(_ s: inout State) {
        if s.suspended, let c = s.connection {
            s.suspended = false
            MHD_resume_connection(c)
        }
    }

    // ---- server side, called on MHD's threads

    func attach(_ connection: OpaquePointer) {
        state.withLock { $0.connection = connection }
    }

    /// MHD's content reader: copies buffered bytes, ends the stream, or suspends the
    /// connection until the next write.
    func read(into buf: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        state.withLock { s in
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
    }

    private func runCloseHandlers() {
        let handlers = closeHandlers.withLock { h in defer { h = [] }; return h }
        for h in handlers { h() }
    }
}
