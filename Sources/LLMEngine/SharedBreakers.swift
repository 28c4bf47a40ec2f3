import Foundation

/// The providers' circuit breakers as every host sees them (issue 15), kept in the
/// plugin's per-workspace state (`LedgerStorage`: the host's store, `host->state_add` for
/// the counts), beside each host's own `CircuitBreaker`, which the `Orchestrator` still
/// keeps and which decides alone whenever the state cannot be reached.
///
/// What every host agrees on, per provider (keys `breaker:PROVIDER:…`):
/// - `failures`, `window`: retryable failures of every host counted in fixed windows of
///   the cool-down's length (`floor(now / coolDown)`; the first failure of a new window
///   starts the count again); any healthy answer, on any host, sets it back to 0.
/// - `open_ms`: when the breaker opened (0: closed). It opens when the count reaches the
///   threshold, or when a host's own breaker opens; a failure while open or of a probe
///   moves it to that failure, so the cool-down counts from the latest failure (as in
///   `CircuitBreaker`). While `now < open_ms + coolDown` no host calls the provider.
/// - `probe`: after the cool-down, one call of all hosts goes out as a probe per cool-down
///   (slot `n` of the opening, claimed with one atomic add whose ceiling is the slot's
///   number); its success closes the breaker for everyone, its failure opens it again. A
///   probe whose host died is replaced at the next slot, a cool-down later.
///
/// With one host (SQLite) this never decides otherwise than that host's own breaker: the
/// windowed count, reset by the same successes, is never above its consecutive failures,
/// and its probe is the only one claimed. What changes is that the state outlives a
/// restart: a breaker open when the host stopped stays open until its cool-down ends.
///
/// Times are the hosts' wall clocks (milliseconds since 1970): they must agree to well
/// under the cool-down (NTP does).
public final class SharedBreakers: Sendable {
    let storage: any LedgerStorage
    let threshold: Int
    let coolDownMS: Int64

    public init(storage: any LedgerStorage, threshold: Int, coolDown: Duration) {
        self.storage = storage
        self.threshold = max(1, threshold)
        let c = coolDown.components
        coolDownMS = max(1, c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000)
    }

    static func key(_ provider: String, _ part: String) -> String { "breaker:\(provider):\(part)" }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    private func integer(_ key: String) throws -> Int64 {
        guard let text = try storage.get(key), !text.isEmpty else { return 0 }
        guard let value = Int64(text) else { throw LLMConfigError("breaker: the value under \(key) is not a number: \"\(text.prefix(40))\"") }
        return value
    }

    /// Whether this host may call `provider` now, and whether the call is the probe of an
    /// open breaker. `localProbe`: this host's own breaker hands out a probe (its
    /// cool-down, on its own clock, is over).
    public func mayCall(_ provider: String, localProbe: Bool, now: Date) throws -> (allowed: Bool, probe: Bool) {
        let opened = try integer(Self.key(provider, "open_ms"))
        guard opened > 0 else { return (true, localProbe) }
        let elapsed = Self.ms(now) - opened
        if elapsed < coolDownMS && !localProbe { return (false, false) }
        // Slot 0 from the end of the cool-down, then one a cool-down; half a cool-down of
        // slack so that clocks a little apart agree on the slot.
        let slot = max(0, (elapsed - coolDownMS + coolDownMS / 2) / coolDownMS)
        let target = opened * 1000 + min(slot, 999)
        let probeKey = Self.key(provider, "probe")
        let claimed = try integer(probeKey)
        guard claimed < target else { return (false, false) }
        let taken = try storage.add(probeKey, target - claimed, ceiling: target) != nil
        return (taken, taken)
    }

    /// A retryable failure of `provider` (5xx, timeout, connection). `reopen`: this host's
    /// own breaker is open, or the call was the probe: the breaker opens (again) now.
    public func failed(_ provider: String, reopen: Bool, now: Date) throws {
        let t = Self.ms(now)
        let window = t / coolDownMS
        let windowKey = Self.key(provider, "window"), failuresKey = Self.key(provider, "failures")
        if try integer(windowKey) != window {
            // A new window: the count starts again (two hosts doing this at once lose at
            // most the other's first failure of the window).
            try storage.set(failuresKey, "0")
            try storage.set(windowKey, String(window))
        }
        let count = try storage.add(failuresKey, 1, ceiling: nil) ?? 0
        let opened = try integer(Self.key(provider, "open_ms"))
        if reopen || count >= Int64(threshold) || opened > 0 {
            try storage.set(Self.key(provider, "open_ms"), String(max(t, opened)))
        }
    }

    /// A healthy answer of `provider`: the count is 0 and the breaker closed, for every host.
    public func succeeded(_ provider: String) throws {
        let failuresKey = Self.key(provider, "failures"), openKey = Self.key(provider, "open_ms")
        if try integer(failuresKey) != 0 { try storage.set(failuresKey, "0") }
        if try integer(openKey) != 0 { try storage.set(openKey, "0") }
    }

    /// Whether every host sees `provider`'s breaker open (`open_ms` set), for tests and
    /// operators.
    public func isOpen(_ provider: String) throws -> Bool { try integer(Self.key(provider, "open_ms")) > 0 }
}
