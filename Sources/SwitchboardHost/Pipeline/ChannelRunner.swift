import Foundation
import Synchronization
import SwitchboardChannels
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Starts what each channel's transport runs by itself (a long poll, a live session, an
/// active probe), once the ingest, workers and drainers run, and stops it first. Each
/// transport gets a `ChannelContext`: its batches go through the one ingest path, its
/// reports to the channel's `ChannelHealth`.
///
/// It also records every channel's health: each change is written to the store's channel
/// status (what `switchboard channels` shows) and journalled as a `channel_state` event
/// in the workspaces the channel serves (its owner, or a shared channel's fallback), which
/// the inbox shows its admins as a banner while a channel is down.
///
/// A live session whose supervision is leased (`SessionLeases`: several hosts on one
/// PostgreSQL) is started only while this host holds its lease, and stopped when another
/// host takes it; its state is recorded only by the host that supervises it. A Telegram
/// bot in polling mode is leased the same way, but only its poll moves: every host sends
/// its replies and records its state.
final class ChannelRunner: Service, @unchecked Sendable {
    let name = "channels"
    private let transports: [ChannelID: any ChannelTransport]
    private let senders: [ChannelID: ChannelSender]
    private let ingest: ChannelIngest
    private let store: any Store
    /// The workspaces each channel's state changes are journalled in.
    private let workspaces: [ChannelID: [WorkspaceID]]
    private let logger: Logger
    /// Which live sessions this host supervises (all of them on SQLite).
    let leases: SessionLeases

    init(transports: [ChannelID: any ChannelTransport], senders: [ChannelID: ChannelSender], ingest: ChannelIngest,
         store: any Store, workspaces: [ChannelID: [WorkspaceID]], logger: Logger, leases: SessionLeases? = nil) {
        self.leases = leases ?? SessionLeases(store: store, channels: [], logger: logger)
        self.transports = transports
        self.senders = senders
        self.ingest = ingest
        self.store = store
        self.workspaces = workspaces
        self.logger = logger
    }

    func start() throws {
        // A leased session's state is recorded once this host supervises it (`record`).
        for (id, sender) in senders { track(sender, workspaces: workspaces[id] ?? []) }
        for id in transports.keys.sorted(by: { $0.rawValue < $1.rawValue }) where !leases.isLeased(id) {
            try startTransport(id)
        }
        leases.onChange(gained: { [self] id in
            do {
                try startTransport(id)
            } catch {
                logger.error("whatsapp web session not started", [LogKey.channel: id.rawValue, LogKey.error: "\(error)"])
            }
        }, lost: { [self] id in
            let running = transport(id)
            if leases.isPoller(id) {
                // Only the poll stops (before the lease runs out, so polls never overlap).
                running?.transport.stop(deadline: .now + .seconds(3))
                return
            }
            // Held first (nothing more is sent through the session here), then stopped.
            running?.health.apply(.sessionRestarted, reason: "supervised by another host")
            running?.transport.stop(deadline: .now + .seconds(5))
        })
        // The first round now (a free session is taken at once), then every few seconds.
        leases.round()
        leases.startLoop()
    }

    /// The recorded states of the live sessions another host supervises (what that host
    /// wrote to the channel status), for the lists this host shows; empty when this host
    /// supervises every session, or the status cannot be read (the live state is shown).
    func statesSupervisedElsewhere() -> [ChannelID: ChannelStatus] {
        let elsewhere = leases.channels.filter { !leases.owns($0) && !leases.isPoller($0) }
        guard !elsewhere.isEmpty, let all = try? store.channelStatus.all() else { return [:] }
        return Dictionary(all.filter { elsewhere.contains($0.channel) }.map { ($0.channel, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A channel's transport and health: one of the start, or one a reload added.
    private func transport(_ id: ChannelID) -> (transport: any ChannelTransport, health: ChannelHealth)? {
        if let transport = transports[id], let health = senders[id]?.health { return (transport, health) }
        return added.withLock { $0?[id] }
    }

    private func startTransport(_ id: ChannelID) throws {
        guard let (transport, health) = transport(id) else { return }
        try transport.start(Context(channel: id, ingest: ingest, health: health,
                                    logger: logger.with(LogKey.channel, id.rawValue)))
    }

    /// Records `sender`'s channel state from now on (its state now, then every change),
    /// journalling changes in `workspaces`: at start for every channel, and for a channel
    /// a reload added (a web chat).
    func track(_ sender: ChannelSender, workspaces: [WorkspaceID]) {
        let health = sender.health
        health.onChange { [self] change in record(change, workspaces: workspaces) }
        let now = health.snapshot
        record(ChannelHealth.Change(channel: sender.channel, from: now.state, to: now.state, reason: now.reason, at: now.since),
               workspaces: workspaces)
    }

    /// Transports a reload added, with their channel's health; nil once stopped.
    private let added = Mutex<[ChannelID: (transport: any ChannelTransport, health: ChannelHealth)]?>([:])

    /// A channel a reload added: its state recorded from now on and its transport started
    /// like one of the start (a live session where several hosts share the database: once
    /// this host holds its lease, like one of the start). False if the runner stopped or
    /// the transport did not start.
    func startAdded(_ transport: any ChannelTransport, sender: ChannelSender, workspaces: [WorkspaceID]) -> Bool {
        let open = added.withLock { list -> Bool in
            guard list != nil else { return false }
            list![sender.channel] = (transport, sender.health)
            return true
        }
        guard open else { return false }
        if transport is EvolutionTransport, leases.add(sender.channel) {
            sender.health.apply(.sessionConnecting, reason: "waiting for the session's lease (one host supervises it)")
            track(sender, workspaces: workspaces)
            return true
        }
        track(sender, workspaces: workspaces)
        do {
            try transport.start(Context(channel: sender.channel, ingest: ingest, health: sender.health,
                                        logger: logger.with(LogKey.channel, sender.channel.rawValue)))
            return true
        } catch {
            logger.error("channel added by a reload did not start", [LogKey.channel: sender.channel.rawValue, LogKey.error: "\(error)"])
            return false
        }
    }

    func stop(deadline: ContinuousClock.Instant) {
        // No session is taken while the others stop; the leases are given up once their
        // supervisors stopped.
        leases.stopLoop()
        let more = added.withLock { list -> [any ChannelTransport] in
            defer { list = nil }
            return (list ?? [:]).values.map(\.transport)
        }
        for transport in Array(transports.values) + more { transport.stop(deadline: deadline) }
        leases.release()
    }

    /// Writes a state (a change, or the state at start when `from == to`) to the channel
    /// status and, for a change, the journal. A write that fails is logged: the metric
    /// and the log line already tell of the change.
    private func record(_ change: ChannelHealth.Change, workspaces: [WorkspaceID]) {
        // A session another host supervises is that host's to record.
        guard leases.owns(change.channel) || leases.isPoller(change.channel) else { return }
        let journal = Journal(logger: logger)
        let store = self.store
        store.transactionAsync({ tx in
            try tx.channelStatus.record(ChannelStatus(channel: change.channel, state: change.to, reason: change.reason,
                                                         since: change.at))
            guard change.from != change.to else { return }
            var detail = ["from": change.from.rawValue, "to": change.to.rawValue]
            if let reason = change.reason { detail["reason"] = reason }
            for w in workspaces {
                try journal.record(tx.workspace(w), .channelState, channel: change.channel,
                                   level: change.to == .connected ? .info : .warn, detail)
            }
        }, completion: { [logger] error in
            if let error {
                journal.discard()
                logger.error("channel state not recorded", [LogKey.channel: change.channel.rawValue, LogKey.error: "\(error)"])
            } else {
                journal.flush()
            }
        })
    }

    struct Context: ChannelContext {
        let channel: ChannelID
        let ingest: ChannelIngest
        let health: ChannelHealth
        let logger: Logger

        func ingest(_ batch: InboundBatch, done: @escaping @Sendable (Bool) -> Void) {
            let logger = self.logger
            ingest.commit(batch, source: channel.rawValue, receivedAt: Date()) { result in
                if case .failure(let error) = result {
                    logger.error("inbound not stored; the channel fetches it again", [LogKey.error: "\(error)"])
                    done(false)
                } else {
                    done(true)
                }
            }
        }

        func report(_ signal: ChannelSignal, reason: String?) {
            health.apply(signal, reason: reason)
        }
    }
}
