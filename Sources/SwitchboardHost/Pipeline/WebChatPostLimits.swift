import Foundation
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// How often a client address may post to the public web chat: `WebChat.postsPerSecond`,
/// in bursts of `WebChat.postBurst` (429 beyond), so one abuser cannot fill the database.
/// Kept in the store's meters (`LimitRepository`, like failed logins): on SQLite in the
/// process (no round trip), on PostgreSQL in `shared_limits`, so that with several hosts
/// behind a load balancer a visitor's posts count on every host and two hosts never
/// double its allowance (issue 15).
///
/// When the meters cannot be reached (the database is away) the post is counted by this
/// host alone meanwhile (`FallbackMeters`: meters in the process, as on SQLite; a meter is
/// forgotten only once drained, so a flood of new addresses never gives the others a
/// fresh burst), said in the log at most every 30 s: the post needs the database anyway
/// to be stored.
final class WebChatPostLimits: Sendable {
    private let meters: FallbackMeters
    private let rule = Meter.Rule.rate(perSecond: WebChat.postsPerSecond, burst: WebChat.postBurst)

    init(limits: any LimitRepository, logger: Logger) {
        meters = FallbackMeters(limits, unreachable: "shared web chat post limits unreachable; this host counts posts on its own for now",
                                logger: logger)
    }

    static func key(_ address: String) -> LimitKey { LimitKey("webchat:post:" + address) }

    /// Takes one post from the address's meter; `.waitUntil` when it holds none.
    func admit(_ address: String, now: Date = Date()) -> RateDecision {
        switch meters.use({ try $0.take(Self.key(address), 1, rule, now: now) }) {
        case .taken:
            return .now
        case .wait(let seconds):
            return .waitUntil(.now + .seconds(seconds ?? 1 / WebChat.postsPerSecond))
        }
    }
}
