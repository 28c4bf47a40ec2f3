/// Supervises one live WhatsApp Web session (one number behind a gateway): the state
/// machine of `SessionState`, when to reconnect, when to probe a silent connection.
///
///     started                      -> connecting, probe now
///     gateway open                 -> open (from any state but closed: a new pairing
///                                     ends logged out and replaced too)
///     gateway connecting           -> connecting, probe after a backoff (the gateway is
///                                     trying on its own; a stop state stays put)
///     gateway close, transient     -> connecting, reconnect after a backoff
///     gateway close 401/402/403/406-> logged out: nothing is retried
///     gateway close 440            -> replaced: nothing is retried, never fought
///     gateway refused (QR limit)   -> needs pairing: nothing is retried
///     QR code                      -> needs pairing (the QR kept for the admins)
///     gateway unreachable          -> connecting, probe after a backoff (a stop state
///                                     stays put: the gateway being down changes nothing)
///     open, silent for zombieAfter -> probe (GET connectionState); its answer is a
///                                     gateway event like any other
///     shutdown                     -> closed, for good
///
/// Backoff is exponential with full jitter (`RetryPolicy`), counted in consecutive
/// failed cycles and reset when the session opens. At most one action is scheduled at a
/// time, and a stop state schedules none by itself, so a logged-out number costs the
/// gateway nothing (Evolution itself reconnects in a tight loop on some close codes);
/// only an admin asking for a pairing (`pairingRequested`) makes one call.
///
/// Pure: the clock and the randomness are passed in; the host performs the actions and
/// feeds their outcomes back as events. Not thread-safe by itself.
public struct SessionSupervisor: Sendable {
    public struct Policy: Sendable, Equatable {
        /// Delay between failed cycles: exponential with full jitter and a cap.
        public var backoff: RetryPolicy
        /// An open session with no event from the gateway for this long is probed.
        public var zombieAfter: Duration

        public init(backoff: RetryPolicy = RetryPolicy(base: .seconds(2), cap: .seconds(300)),
                    zombieAfter: Duration = .seconds(300)) {
            self.backoff = backoff
            self.zombieAfter = zombieAfter
        }
    }

    /// What the host does for the supervisor.
    public enum Action: String, Sendable, Equatable {
        /// Ask the gateway for the session's state (`GET /instance/connectionState`).
        case probe
        /// Ask the gateway to connect (`GET /instance/connect`): starts a closed session,
        /// answers a QR code while one waits for a scan, or the state when open.
        case reconnect
    }

    /// What happened, as the host saw it.
    public enum Event: Sendable, Equatable {
        case started
        /// A `connection.update` webhook, or the answer of a probe or a reconnect.
        case gateway(GatewayConnection)
        /// A QR code (or pairing code) to show the admins.
        case qrCode(PairingCode)
        /// Any other event from the gateway (a message, a receipt): the session lives.
        case activity
        /// A probe, a reconnect or a send could not reach the gateway (connection refused,
        /// timeout, 5xx).
        case unreachable
        /// An admin asked for a new pairing (a QR code): one reconnect, now.
        case pairingRequested
        case shutdown
    }

    /// A change of state, for the journal and the metrics.
    public struct Change: Sendable, Equatable {
        public var from: SessionState
        public var to: SessionState
        /// The gateway's close code, when a close caused it.
        public var reason: Int?
    }

    public let policy: Policy
    public private(set) var state: SessionState = .connecting
    /// Consecutive failed cycles since the session was last open.
    public private(set) var failures = 0
    /// The latest QR code, while the session needs pairing.
    public private(set) var pairing: PairingCode?
    /// The close code of the last close the gateway reported.
    public private(set) var lastCloseReason: Int?
    /// When the gateway was last heard from (any webhook, any answer).
    public private(set) var lastHeard: ContinuousClock.Instant
    /// The one action scheduled, and when it is due.
    public private(set) var scheduled: (action: Action, at: ContinuousClock.Instant)?
    /// Actions handed out and not yet answered (the zombie probe waits for it).
    private var inFlight = false

    public init(policy: Policy = Policy(), now: ContinuousClock.Instant) {
        self.policy = policy
        self.lastHeard = now
    }

    /// Applies `event`; returns the change of state, if any.
    @discardableResult
    public mutating func handle(_ event: Event, now: ContinuousClock.Instant,
                                random: inout some RandomNumberGenerator) -> Change? {
        let before = state
        var reason: Int?
        if state == .closed { return nil }
        switch event {
        case .started:
            state = .connecting
            schedule(.probe, at: now)
        case .shutdown:
            state = .closed
            scheduled = nil
        case .activity:
            lastHeard = now
        case .pairingRequested:
            schedule(.reconnect, at: now)
        case .qrCode(let code):
            heard(now)
            state = .needsPairing
            pairing = code
            scheduled = nil
        case .unreachable:
            inFlight = false
            if state == .open || state == .connecting {
                state = .connecting
                failures += 1
                schedule(.probe, at: now + policy.backoff.delay(attempt: failures, random: &random))
            }
        case .gateway(let connection):
            heard(now)
            switch connection {
            case .open:
                state = .open
                failures = 0
                pairing = nil
                scheduled = nil
            case .connecting:
                // The gateway is connecting on its own (or cycling QR codes): look again
                // later; a stop state and a waiting QR stay as they are.
                if state == .open || state == .connecting {
                    state = .connecting
                    failures += 1
                    schedule(.probe, at: now + policy.backoff.delay(attempt: failures, random: &random))
                }
            case .close(let code):
                lastCloseReason = code
                reason = code
                switch SessionCloseKind(code: code) {
                case .loggedOut:
                    state = .loggedOut
                    pairing = nil
                    scheduled = nil
                case .replaced:
                    state = .replaced
                    pairing = nil
                    scheduled = nil
                case .transient:
                    // A close after a stop (the gateway's own sequence) changes nothing.
                    if !state.isStopped {
                        state = .connecting
                        failures += 1
                        schedule(.reconnect, at: now + policy.backoff.delay(attempt: failures, random: &random))
                    }
                }
            case .refused:
                state = .needsPairing
                pairing = nil
                scheduled = nil
            }
        }
        return before == state ? nil : Change(from: before, to: state, reason: reason)
    }

    /// The action due at `now`, if any; it is handed out once (its outcome, reported as an
    /// event, schedules what follows). An open session silent for `zombieAfter` is probed.
    public mutating func due(now: ContinuousClock.Instant) -> Action? {
        if let s = scheduled, now >= s.at {
            scheduled = nil
            inFlight = true
            return s.action
        }
        if state == .open, scheduled == nil, !inFlight, now >= lastHeard + policy.zombieAfter {
            inFlight = true
            return .probe
        }
        return nil
    }

    /// When the host should next call `due` (nil: only after the next event).
    public var nextWake: ContinuousClock.Instant? {
        if let s = scheduled { return s.at }
        if state == .open, !inFlight { return lastHeard + policy.zombieAfter }
        return nil
    }

    private mutating func heard(_ now: ContinuousClock.Instant) {
        lastHeard = now
        inFlight = false
    }

    private mutating func schedule(_ action: Action, at instant: ContinuousClock.Instant) {
        scheduled = (action, instant)
    }
}

/// A QR code (or pairing code) a gateway shows for linking a phone.
public struct PairingCode: Sendable, Equatable, Codable {
    /// The raw QR string (what a QR image encodes).
    public var code: String?
    /// The eight-character code typed on the phone instead of scanning, when asked for.
    public var pairingCode: String?
    /// The QR as a `data:image/png;base64,...` URL, when the gateway sent one.
    public var imageDataURL: String?

    public init(code: String?, pairingCode: String? = nil, imageDataURL: String? = nil) {
        self.code = code
        self.pairingCode = pairingCode
        self.imageDataURL = imageDataURL
    }
}
