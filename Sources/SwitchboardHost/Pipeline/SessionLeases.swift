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
/// A host that cannot renew (the database is away) keeps supervising until its lease
/// would have run out, then lets go: by then another host may hold it.
///
/// On SQLite (one host) there is nothing to lease: the host supervises every session.
final class SessionLeases: @unchecked Sendable {
    static let leaseSeconds = 15.0
    static let renewEvery: Duration = .seconds(5)

    /// Who this host is in the lease table.
    let holder: String
    private let leasing: (any ChannelLeasing)?
    /// The channels whose supervision is leased.
    let channels: Set<ChannelID>
    private let logger: Logger
    private struct Held { var until: ContinuousClock.Instant }
    private let held = Mutex<[ChannelID: Held]>([:])
    private let cond = NSCondition()
    private var stopping = false
    private var looping = false

    init(store: any Store, channels: Set<ChannelID>, logger: Logger) {
        leasing = store as? any ChannelLeasing
        self.channels = leasing == nil ? [] : channels
        self.logger = logger
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        holder = "\(name) pid \(getpid()) \(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Whether `channel`'s supervision is leased (several hosts share the database).
    func isLeased(_ channel: ChannelID) -> Bool { channels.contains(channel) }

    /// Whether this host supervises `channel` now (always, for a channel not leased).
    func owns(_ channel: ChannelID) -> Bool {
        guard isLeased(channel) else { return true }
        return held.withLock { $0[channel] != nil }
    }

    /// One round: renews the leases held, tries to take the others. Calls `gained` for each
    /// channel taken and `lost` for each given up (another host took it, or it could not be
    /// renewed in time), on the calling thread.
    func round(gained: (ChannelID) -> Void, lost: (ChannelID) -> Void) {
        guard let leasing else { return }
        for channel in channels.sorted(by: { $0.rawValue < $1.rawValue }) {
            let asked = ContinuousClock.now
            let had = held.withLock { $0[channel] }
            do {
                if try leasing.holdChannelLease(channel, holder: holder, seconds: Self.leaseSeconds) {
                    held.withLock { $0[channel] = Held(until: asked + .seconds(Self.leaseSeconds)) }
                    if had == nil {
                        logger.info("this host supervises the whatsapp web session now",
                                    [LogKey.channel: channel.rawValue, "holder": holder])
                        gained(channel)
                    }
                } else if had != nil {
                    held.withLock { $0[channel] = nil }
                    logger.warn("another host took the whatsapp web session; this host stops supervising it",
                                [LogKey.channel: channel.rawValue])
                    lost(channel)
                }
            } catch {
                logger.warn("channel lease not renewed", [LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
                // Let go a second early: by the lease's end another host may take it.
                if let had, ContinuousClock.now >= had.until - .seconds(1) {
                    held.withLock { $0[channel] = nil }
                    logger.warn("channel lease ran out while the database was away; this host stops supervising the session",
                                [LogKey.channel: channel.rawValue])
                    lost(channel)
                }
            }
        }
    }

    /// Runs `round` every `renewEvery` on a thread of its own until `stop`.
    func startLoop(gained: @escaping @Sendable (ChannelID) -> Void, lost: @escaping @Sendable (ChannelID) -> Void) {
        guard !channels.isEmpty else { return }
        cond.withLock { looping = true }
        let thread = Thread { [self] in
            while true {
                cond.lock()
                let end = Date(timeIntervalSinceNow: Self.renewEvery.inSeconds)
                while !stopping, Date() < end { _ = cond.wait(until: end) }
                let stop = stopping
                cond.unlock()
                if stop { break }
                round(gained: gained, lost: lost)
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
    }

    /// Gives up the leases held, so another host takes the sessions at once. Call after
    /// `stopLoop` and after the sessions' supervisors stopped.
    func release() {
        guard let leasing else { return }
        let mine = held.withLock { h in defer { h.removeAll() }; return Array(h.keys) }
        for channel in mine {
            do {
                try leasing.releaseChannelLease(channel, holder: holder)
                logger.info("whatsapp web session lease given up", [LogKey.channel: channel.rawValue])
            } catch {
                logger.warn("channel lease not given up; another host takes it when it runs out",
                            [LogKey.channel: channel.rawValue, LogKey.error: "\(error)"])
            }
        }
    }
}
