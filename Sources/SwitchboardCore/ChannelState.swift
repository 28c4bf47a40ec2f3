/// The health of a channel's connection to its provider, as admins see it in logs and
/// metrics. Transitions live in `ChannelState+Transitions.swift`.
///
/// - `starting`: configured, nothing sent yet.
/// - `connected`: the last call to the provider succeeded.
/// - `degraded`: calls fail in a retryable way (5xx, timeouts, rate limits); messages wait
///   and are retried with backoff; the circuit breaker may be open.
/// - `authFailed`: the provider refused our credentials; the sender pauses and holds its
///   messages until the token is fixed (config reload or restart).
/// - `stopped`: shut down.
///
/// A live session (WhatsApp Web through a gateway; `SessionSupervisor`) has four more,
/// in which its outbox holds (nothing dropped) and drains in order once it is open
/// (`connected`) again:
/// - `connecting`: the session is (re)connecting, with backoff;
/// - `needsPairing`: a QR code waits for the phone (shown to admins);
/// - `loggedOut`: the phone unlinked it; it waits for a new pairing, never reconnected;
/// - `replaced`: another session took the number; never fought.
public enum ChannelState: String, Sendable, Codable, CaseIterable {
    case starting, connected, degraded
    case authFailed = "auth_failed"
    case stopped
    case connecting
    case needsPairing = "needs_pairing"
    case loggedOut = "logged_out"
    case replaced
}
