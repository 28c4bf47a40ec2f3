/// The state of a live WhatsApp Web session (a number linked through a gateway such as
/// Evolution API), as the host supervises it. Transitions live in `SessionSupervisor`.
///
/// - `connecting`: not open yet, or dropped for a reason that heals (connection lost,
///   gateway restarting, restart required after pairing); reconnects back off.
/// - `open`: the session is up; the outbox drains.
/// - `needsPairing`: the gateway shows a QR code (or pairing code) waiting for the phone,
///   or gave up showing them; an admin must scan one. Nothing is retried.
/// - `loggedOut`: the phone unlinked the session (or WhatsApp refused it). A stop code:
///   never reconnected; it waits for a new pairing.
/// - `replaced`: another session took the number over. A stop code: the host never
///   fights it; it waits for an admin.
/// - `closed`: shut down by the host.
///
/// Only `open` sends; in every other state the channel's outbox holds (nothing dropped).
public enum SessionState: String, Sendable, Codable, CaseIterable {
    case connecting, open
    case needsPairing = "needs_pairing"
    case loggedOut = "logged_out"
    case replaced, closed

    /// Whether the channel's outbox may drain.
    public var maySend: Bool { self == .open }

    /// A stop state: the supervisor schedules no reconnect from here; only the gateway
    /// reporting the session open again (after a pairing) or the host's shutdown leaves it.
    public var isStopped: Bool { self == .loggedOut || self == .replaced || self == .closed }
}

extension SessionState {
    /// The channel signal that puts a channel in this session state.
    public var channelSignal: ChannelSignal {
        switch self {
        case .connecting: .sessionConnecting
        case .open: .sessionOpen
        case .needsPairing: .sessionNeedsPairing
        case .loggedOut: .sessionLoggedOut
        case .replaced: .sessionReplaced
        case .closed: .shutdown
        }
    }
}
