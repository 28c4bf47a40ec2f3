import CMicroHTTPD
import Foundation

/// A response a handler gives later, from any thread: the handler returns
/// `.deferred(d)` at once and calls `d.complete(_:)` when its work is done (the webhook
/// ingress: once the store has committed what the request carried). Meanwhile the
/// connection is suspended in libmicrohttpd, so the server thread serves other
/// connections instead of waiting; `complete` resumes it and the response is sent.
///
/// `complete` must be called exactly once; later calls are ignored. At shutdown the
/// server waits for deferred responses like any request in flight, and answers those
/// still open past its deadline with 503.
public final class HTTPDeferredResponse: @unchecked Sendable {
    private let lock = NSLock()
    private var response: HTTPResponse?
    private var connection: OpaquePointer?
    private var suspended = false
    /// Told when the response is given (the server's registry of open ones).
    var onComplete: (@Sendable (HTTPDeferredResponse) -> Void)?

    public init() {}

    /// Gives the response (from any thread) and resumes the connection if it waits.
    public func complete(_ response: HTTPResponse) {
        lock.lock()
        guard self.response == nil else { lock.unlock(); return }
        self.response = response
        let waiting = suspended ? connection : nil
        suspended = false
        let told = onComplete
        onComplete = nil
        lock.unlock()
        if let waiting { MHD_resume_connection(waiting) }
        told?(self)
    }

    /// In the access handler: suspends `connection` until `complete`, unless the response
    /// is already there (returns false: send it now).
    func suspendUnlessComplete(_ connection: OpaquePointer, onComplete: @escaping @Sendable (HTTPDeferredResponse) -> Void) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard response == nil else { return false }
        MHD_suspend_connection(connection)
        self.connection = connection
        suspended = true
        self.onComplete = onComplete
        return true
    }

    /// The response given; only after `complete` (or `suspendUnlessComplete` returned
    /// false).
    func take() -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        return response ?? .error(500, "internal error")
    }
}
