/// Stops a channel's sender from hammering a provider that is down, and lets it find out
/// cheaply when the provider is back. One per channel.
///
///     closed --(failureThreshold consecutive failures)--> open
///     open --(coolDown elapsed; one request goes through as a probe)--> halfOpen
///     halfOpen --(probe succeeds)--> closed
///     halfOpen --(probe fails)--> open (a new cool-down starts)
///
/// Clock-driven: every call is given `now`, nothing sleeps. Not thread-safe by itself;
/// the sender that owns it serialises calls.
///
/// What counts as a failure is the caller's choice. The intent: count what says the
/// provider or the path to it is unhealthy (5xx, timeouts, connection errors); a
/// permanent error about one message (131047, a bad parameter) is an answer from a
/// healthy provider and counts as a success.
public struct CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed, open, halfOpen = "half_open"
    }

    /// What the sender may do now.
    public enum Decision: Sendable, Equatable {
        /// Send normally.
        case allow
        /// Send this one request only, as a probe; report its outcome.
        case probe
        /// Do not send before this instant.
        case reject(until: ContinuousClock.Instant)
    }

    public let failureThreshold: Int
    public let coolDown: Duration
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probeStartedAt: ContinuousClock.Instant?

    public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
    }

    /// Asks whether a request may go out at `now`. Moves `open` to `halfOpen` once the
    /// cool-down is over, handing out exactly one probe; a probe whose outcome is never
    /// reported is replaced by a new one after another cool-down.
    public mutating func decide(now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open:
            let reopen = (openedAt ?? now) + coolDown
            if now < reopen { return .reject(until: reopen) }
            state = .halfOpen
            probeStartedAt = now
            return .probe
        case .halfOpen:
            let started = probeStartedAt ?? now
            if now < started + coolDown, probeStartedAt != nil { return .reject(until: started + coolDown) }
            probeStartedAt = now
            return .probe
        }
    }

    /// The provider answered in a way that shows it is healthy.
    public mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        openedAt = nil
        probeStartedAt = nil
    }

    /// A request failed in a way that suggests the provider or the network is unhealthy.
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        switch state {
        case .closed:
            if consecutiveFailures >= failureThreshold { open(at: now) }
        case .halfOpen:
            open(at: now)
        case .open:
            // A request let through before the breaker opened failed late: the cool-down
            // counts from the latest failure.
            if let openedAt, now > openedAt { self.openedAt = now }
        }
    }

    private mutating func open(at now: ContinuousClock.Instant) {
        state = .open
        openedAt = now
        probeStartedAt = nil
    }
}
