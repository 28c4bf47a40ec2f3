import Foundation
import Synchronization
import SwitchboardLog
import SwitchboardStore

/// What a limit on the store's shared meters (`LimitRepository`) says when the meters
/// cannot be reached and it counts on this host alone for now: one warning, at most every
/// 30 s, so a database that is away does not flood the log with one line per request.
/// Used by `FallbackMeters` (the channel limits, the web chat's post limit) and the
/// failed-login limits (which fall back to a limiter of their own).
final class MetersUnreachable: Sendable {
    private let message: String
    private let logger: Logger
    private let lastWarning = Mutex<Date>(.distantPast)
    static let interval: TimeInterval = 30

    /// `message`: what the log says, e.g. "shared limits unreachable; this host limits
    /// the channel on its own for now".
    init(_ message: String, logger: Logger) {
        self.message = message
        self.logger = logger
    }

    /// Notes a failed meter call; logs it unless a warning went out in the last 30 s.
    func note(_ error: any Error, now: Date = Date()) {
        let warn = lastWarning.withLock { last -> Bool in
            guard now.timeIntervalSince(last) >= Self.interval else { return false }
            last = now
            return true
        }
        if warn { logger.warn(message, [LogKey.error: "\(error)"]) }
    }
}

/// The store's shared meters, or this host's own (`LocalLimits`) while they cannot be
/// reached, said in the log at most every 30 s (`MetersUnreachable`): for a limit that
/// counts on this host alone meanwhile rather than refuse or wait (a channel's sender
/// limits, the web chat's post limit: what they limit needs the database anyway).
final class FallbackMeters: Sendable {
    private let shared: any LimitRepository
    private let local = LocalLimits()
    private let unreachable: MetersUnreachable

    /// `message`: what the log says while the shared meters are away.
    init(_ shared: any LimitRepository, unreachable message: String, logger: Logger) {
        self.shared = shared
        unreachable = MetersUnreachable(message, logger: logger)
    }

    /// Runs `body` on the shared meters, or on this host's own when they fail.
    func use<T>(_ body: (any LimitRepository) throws -> T) -> T {
        do {
            return try body(shared)
        } catch {
            unreachable.note(error)
            // LocalLimits never throws.
            return try! body(local)
        }
    }
}
