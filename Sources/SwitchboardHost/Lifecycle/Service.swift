/// One long-running part of the host: the HTTP server, a channel's sender, the queue
/// workers. `start` returns once the service runs (its threads are up); `stop` stops it
/// gracefully, finishing in-flight work until `deadline`, then returns.
///
/// Threading: `start` and `stop` are called from the lifecycle's thread, one at a time.
public protocol Service: AnyObject, Sendable {
    var name: String { get }
    func start() throws
    func stop(deadline: ContinuousClock.Instant)
}
