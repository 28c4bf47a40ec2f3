/// What the server enforces on every server-sent event stream it serves
/// (`HTTPResponse.eventStream`), so that no feature has to remember it:
///
/// - a heartbeat (`: heartbeat`) after `heartbeat` without a write: a client that went
///   away is noticed at the next write, and its connection, descriptor and slot are
///   freed. A parked connection is otherwise never timed out by libmicrohttpd;
/// - a lifetime: after `maxLifetime` the stream ends cleanly (the browser's
///   `EventSource` reconnects by itself), so no stream is held for ever;
/// - a buffer cap: a client that reads slower than events are written is cut off once
///   `maxBufferedBytes` wait to be sent (the connection is closed, nothing more is kept).
public struct EventStreamPolicy: Sendable, Equatable {
    public var heartbeat: Duration
    public var maxLifetime: Duration
    public var maxBufferedBytes: Int

    public init(heartbeat: Duration = .seconds(15), maxLifetime: Duration = .seconds(3600),
                maxBufferedBytes: Int = 1 << 20) {
        self.heartbeat = heartbeat
        self.maxLifetime = maxLifetime
        self.maxBufferedBytes = maxBufferedBytes
    }

    /// How often the server looks at its open streams: often enough to keep both
    /// periods within a quarter of their length, at most once a second.
    var tickInterval: Duration {
        let shortest = min(heartbeat, maxLifetime) / 4
        return max(.milliseconds(20), min(.seconds(1), shortest))
    }
}
