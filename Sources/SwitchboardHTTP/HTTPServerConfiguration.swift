/// How the server listens and what it accepts.
public struct HTTPServerConfiguration: Sendable {
    /// `host:port`: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `0.0.0.0:8080`.
    /// Port 0 picks a free port; read it from `HTTPServer.boundPort` after `start()`.
    public var listen: String
    /// Threads polling connections (epoll), each serving its own connections. A slow
    /// handler holds one thread: the others keep serving.
    public var threadPoolSize: Int
    /// Largest request body accepted; a larger one gets 413 without reaching a handler.
    public var maxBodySize: Int
    /// Most simultaneous connections; past it a new connection is closed at once.
    public var connectionLimit: Int
    /// Most simultaneous connections from one client address (libmicrohttpd's
    /// `MHD_OPTION_PER_IP_CONNECTION_LIMIT`); 0 means no limit. Behind a proxy every
    /// connection comes from the proxy's address.
    public var perAddressConnectionLimit: Int
    /// Heartbeat, lifetime and buffer cap of every event stream served.
    public var eventStreams: EventStreamPolicy
    /// What the log lines call this server: `http server listening`, `metrics server
    /// listening`.
    public var name: String
    /// Seconds of inactivity after which a connection is closed (an idle keep-alive
    /// connection, a request sent too slowly). A suspended connection (an event stream
    /// waiting for its next write, a deferred response) is not timed out: the event
    /// stream policy bounds those.
    public var connectionTimeoutSeconds: Int
    /// How long `stop()` waits for in-flight requests before closing everything.
    public var shutdownDeadline: Duration
    /// Bytes MHD may use per connection for the request line and headers.
    public var connectionMemoryLimit: Int

    public init(listen: String = "127.0.0.1:8080", threadPoolSize: Int = 4, maxBodySize: Int = 4 << 20,
                connectionLimit: Int = 1024, connectionTimeoutSeconds: Int = 30,
                shutdownDeadline: Duration = .seconds(10), connectionMemoryLimit: Int = 64 << 10,
                perAddressConnectionLimit: Int = 0, eventStreams: EventStreamPolicy = EventStreamPolicy(),
                name: String = "http") {
        self.listen = listen
        self.threadPoolSize = threadPoolSize
        self.maxBodySize = maxBodySize
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.shutdownDeadline = shutdownDeadline
        self.connectionMemoryLimit = connectionMemoryLimit
        self.perAddressConnectionLimit = perAddressConnectionLimit
        self.eventStreams = eventStreams
        self.name = name
    }
}
