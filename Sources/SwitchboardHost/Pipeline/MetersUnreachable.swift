import Foundation
import Synchronization
import SwitchboardLog

/// What a limit on the store's shared meters (`LimitRepository`) says when the meters
/// cannot be reached and it counts on this host alone for now: one warning, at most every
/// 30 s, so a database that is away does not flood the log with one line per request.
/// Used by the channel limits, the failed-login limits and the web chat's post limit.
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
