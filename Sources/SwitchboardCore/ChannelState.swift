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
public enum ChannelState: String, Sendable, Codable, CaseIterable {
    case starting, connected, degraded
    case authFailed = "auth_failed"
    case stopped
}
