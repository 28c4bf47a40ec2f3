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
    /// Most simultaneous connections.
    public var connectionLimit: Int
    /// Seconds of inactivity after which a connection is closed.
    public var connectionTimeoutSeconds: Int
    /// How long `stop()` waits for in-flight requests before closing everything.
    public var shutdownDeadline: Duration
    /// Bytes MHD may use per connection for the request line and headers.
    public var connectionMemoryLimit: Int

    public init(listen: String = "127.0.0.1:8080", threadPoolSize: Int = 4, maxBodySize: Int = 4 << 20,
                connectionLimit: Int = 1024, connectionTimeoutSeconds: Int = 30,
                shutdownDeadline: Duration = .seconds(10), connectionMemoryLimit: Int = 64 << 10) {
        self.listen = listen
        self.threadPoolSize = threadPoolSize
        self.maxBodySize = maxBodySize
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.shutdownDeadline = shutdownDeadline
        self.connectionMemoryLimit = connectionMemoryLimit
    }
}
