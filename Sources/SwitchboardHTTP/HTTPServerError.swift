/// Why the server could not start (or was used wrongly), with a message a person can act
/// on: `cannot listen on 127.0.0.1:8080: address already in use`.
public struct HTTPServerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// `listen` is not `host:port` or the host does not resolve.
        public static let invalidAddress = Code(name: "invalid_address")
        /// Another process listens on the port (EADDRINUSE).
        public static let addressInUse = Code(name: "address_in_use")
        /// Any other socket error (permission denied for ports below 1024, ...).
        public static let listenFailed = Code(name: "listen_failed")
        /// libmicrohttpd refused to start.
        public static let startFailed = Code(name: "start_failed")
        /// `start()` called twice, or after `stop()`.
        public static let invalidState = Code(name: "invalid_state")
    }

    public let code: Code
    public let message: String
    public var description: String { message }

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
