import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Which live sessions (WhatsApp Web numbers behind a gateway) this host supervises,
/// when several hosts share the database (`ChannelLeasing`, PostgreSQL): one host at a
/// time holds a channel's lease, renewed every `renewEvery`, and only that host runs the
/// session's supervisor (probes, reconnects, the gateway's webhook pointed at itself) and
/// sends through it. Every other host keeps the channel held (`connecting`, "supervised by
/// another host"): its drainer claims nothing, so the replies it queues stay in the outbox
/// for the owner. When the owner stops renewing (it died, or lost the database) the lease
/// runs out after `leaseSeconds` and the next host to try takes the session; a host that
/// stops cleanly gives its leases up at once.
///
/// A host that cannot renew (the database is away, or a statement hangs) keeps
/// supervising until `margin` before its lease would run out, then lets go (a watchdog
/// timer, not the renewal's answer): by then another host may take it.
///
/// The same lease makes one host at a time poll a Telegram bot in `mode: polling`
/// (`pollers`): Telegram lets one `getUpdates` run per bot (a second ends the first with
/// 409) and the offset confirms updates, so two pollers would race. Only the poll moves
/// with the lease: a bot's replies are plain Bot API calls, sent by whichever host claims
/// them (its rate and pair spacing are shared meters), so nothing is held.
///
/// On SQLite (one host) there is nothing to lease: the host supervises every session.
final class SessionLeases: @unchecked Sendable {
    /// How long a lease lasts (15 s) and how often it is renewed (5 s):
    /// `storage.host_lease_seconds` and `storage.heartbeat_seconds`.
    let leaseSeconds: Double
    let renewEvery: Duration
    /// How long before its lease ends a host that could not renew lets a session go: 2 s,
    /// or half the slack between a renewal and the lease's end when that is shorter (a
    /// 3 s lease renewed every second lets go 1 s before its end).
    let margin: Duration

    /// Who this host is in the lease table.
    let holder: String
    private let leasing: (any ChannelLeasing)?
    /// The channels whose supervision is leased: those of the start, and sessions a
    /// reload added (`add`).
    var channels: Set<ChannelID> { leased.withLock { $0 } }
    private let leased: Mutex<Set<ChannelID>>
    /// The leased channels that are Telegram bots polled (the rest are live sessions).
    let pollers: Set<ChannelID>
    private let logger: Logger
    private struct Held { var until: ContinuousClock.Instant }
    private let held = Mutex<[ChannelID: Held]>([:])
    private let cond = NSCondition()
    private var stopping = false
    private var looping = false

    init(store: any Store, channels: Set<ChannelID>, pollers: Set<ChannelID> = [], logger: Logger, leaseSeconds: Double = 15,
         renewEvery: Duration = .seconds(5)) {
        self.leaseSeconds = leaseSeconds
        self.renewEvery = renewEvery
        margin = min(Self.longestMargin, max(.zero, (.seconds(leaseSeconds) - renewEvery) / 2))
        leasing = store as? any ChannelLeasing
        leased = Mutex(leasing == nil ? [] : channels.union(pollers))
        self.pollers = leasing == nil ? [] : pollers
        self.logger = logger
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        holder = "\(name) pid \(getpid()) \(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Leases `channel`'s supervision from now on (a session a reload added): taken at the
    /// next round if free. False where nothing is leased (SQLite: this host supervises it).
    func add(_ channel: ChannelID) -> Bool {
        guard leasing != nil else { return false }
        leased.withLock { _ = $0.insert(channel) }
        return true
    }

    /// Whether `channel`'s supervision is leased (several hosts share the database).
    func isLeased(_ channel: ChannelID) -> Bool { channels.contains(channel) }

    /// Whether `channel`'s lease is a Telegram bot's poll (its replies go from any host).
    func isPoller(_ channel: ChannelID) -> Bool { pollers.contains(channel) }

    /// What is leased, for the log.
    private func what(_ channel: ChannelID) -> String {
        isPoller(channel) ? "telegram bot's polling" : "whatsapp web session"
    }

    /// Whether this host supervises `channel` now (always, for a channel not leased).
    func owns(_ channel: ChannelID) -> Bool {
        guard isLeased(channel) else { return true }
        return held.withLock { $0[channel] != nil }
    }

    /// What to do when this host takes a session (start its supervisor) and when it lets
    /// one go (hold the channel, stop the supervisor). Set before the first `round`.
    private var gained: @Sendable (ChannelID) -> Void = { _ in }
    private var lost: @Sendable (ChannelID) -> Void = { _ in }
    /// Serialises taking and letting go (the loop's rounds and the watchdog), never held
    /// during a database call.
    private let transitions = NSLock()

    func onChange(gained: @escaping @Sendable (ChannelID) -> Void, lost: @escaping @Sendable (ChannelID) -> Void) {
        transitions.withLock {
            self.gained = gained
            self.lost = lost
        }
    }

    /// One round, on the calling thread: renews the leases held, tries to take the others,
    /// and calls `gained` for each channel taken and `lost` for each another host took.
    func round() {
        guard let leasing else { return }
        for channel in channels.sorted(by: { $0.rawValue < $1.rawValue }) {
            let asked = ContinuousClock.now
            let answer = Result { try leasing.holdChannelLease(channel, holder: holder, seconds: leaseSeconds) }
            transitions.lock()
            let had = held.withLock { $0[channel] }
            switch answer {
            case .success(true):
                let until = asked + .seconds(leaseSeconds)
                held.withLock { $0[channel] = Held(until: until) }
                watch(channel, until: until)
                if had == nil {
                    logger.info(isPoller(channel) ? "this host polls the telegram bot now" : "this host supervises the whatsapp web session now",
                                [LogKey.channel: channel.rawValue, "holder": holder])
                    gained(channel)
                }
            case .success(false):
                if had != nil {
                    held.withLock { $0[channel] = nil }
                    logger.warn("another host took the \(what(channel)); this host stops it",
                                [LogKey.channel: channel.rawValue])
                    lost(channel)
                }
            case .failure(let error):
                // The watchdog lets go in time if no renewal comes (`watch`).
                logger.warn("channel lease not renewed", [LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
            }
            transitions.unlock()
        }
    }

    /// Lets `channel` go `margin` before `until` unless a renewal moved it meanwhile,
    /// whatever the database does (a statement that hangs on a lost connection included):
    /// by the lease's end another host may take the session.
    private func watch(_ channel: ChannelID, until: ContinuousClock.Instant) {
        let wait = max(0, (until - margin - .now).inSeconds)
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + wait) { [self] in
            transitions.lock()
            defer { transitions.unlock() }
            guard let h = held.withLock({ $0[channel] }), h.until == until else { return }
            held.withLock { $0[channel] = nil }
            logger.warn("channel lease not renewed in time; this host stops the \(what(channel))",
                        [LogKey.channel: channel.rawValue])
            lost(channel)
        }
    }

    static let longestMargin: Duration = .seconds(2)

    /// Runs `round` every `renewEvery` on a thread of its own until `stopLoop`.
    func startLoop() {
        // Also with no session yet: a reload may add one (`add`).
        guard leasing != nil else { return }
        cond.withLock { looping = true }
        let thread = Thread { [self] in
            while true {
                cond.lock()
                let end = Date(timeIntervalSinceNow: renewEvery.inSeconds)
                while !stopping, Date() < end { _ = cond.wait(until: end) }
                let stop = stopping
                cond.unlock()
                if stop { break }
                round()
            }
            cond.withLock { looping = false; cond.broadcast() }
        }
        thread.name = "session-leases"
        thread.start()
    }

    /// Stops the loop, after a round running now (so no session is started after this).
    func stopLoop() {
        cond.lock()
        stopping = true
        cond.broadcast()
        while looping { cond.wait() }
        cond.unlock()
        // The supervisors are being stopped by the host: nothing more to start or stop.
        onChange(gained: { _ in }, lost: { _ in })
    }

    /// Gives up the leases held, so another host takes the sessions at once. Call after
    /// `stopLoop` and after the sessions' supervisors stopped.
    func release() {
        guard let leasing else { return }
        let mine = held.withLock { h in defer { h.removeAll() }; return Array(h.keys) }
        for channel in mine {
            do {
                try leasing.releaseChannelLease(channel, holder: holder)
                logger.info(isPoller(channel) ? "telegram polling lease given up" : "whatsapp web session lease given up",
                            [LogKey.channel: channel.rawValue])
            } catch {
                logger.warn("channel lease not given up; another host takes it when it runs out",
                            [LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
            }
        }
    }
}
