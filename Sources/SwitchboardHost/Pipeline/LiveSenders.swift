import Foundation
import Synchronization
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Every channel's drainer: those built at start (`Pipeline.senders`) and those of
/// channels a reload added (web chats, `replaceWebChatChannels`; WhatsApp Cloud API numbers
/// and WhatsApp Web sessions, `startAddedChannels`), each with what the inbox lists of it
/// (its type and the workspaces it serves). A Telegram bot added waits for the next start
/// (`HostReload` says so).
///
/// Once a second it also looks, with one read for the whole host, for the channels whose
/// claim may take something no commit of this host announced (a lease that ran out, a
/// retry come due while no lane ran, an entry another host queued) and wakes their
/// senders: the senders themselves claim only when told (`ChannelSender`), so a quiet
/// channel costs nothing.
final class LiveSenders: Service, @unchecked Sendable {
    /// What the channel lists show of a channel.
    struct Listing: Sendable {
        let type: ChannelConfig.Kind
        /// The workspaces its state is shown and journalled in: its owner, or a shared
        /// channel's fallback.
        let workspaces: [WorkspaceID]

        init(type: ChannelConfig.Kind, workspaces: [WorkspaceID]) {
            self.type = type
            self.workspaces = workspaces
        }

        init(_ c: ChannelConfig) {
            self.init(type: c.type, workspaces: (c.workspace ?? c.fallbackWorkspace).map { [$0] } ?? [])
        }
    }

    struct Entry: Sendable {
        let sender: ChannelSender
        let listing: Listing
    }

    let name = "live-senders"
    private let atStart: [ChannelID: Entry]
    private let added = Mutex<(entries: [ChannelID: Entry], stopped: Bool)>(([:], false))
    private let store: (any Store)?
    private let logger: Logger?
    /// Set by `start`, cancelled by `stop` (the host's start and stop, one after the other).
    private var sweep: (any DispatchSourceTimer)?
    /// How often the host looks for work no commit announced.
    static let sweepInterval: TimeInterval = 1

    init(_ atStart: [ChannelID: ChannelSender], listings: [ChannelID: Listing] = [:],
         store: (any Store)? = nil, logger: Logger? = nil) {
        self.store = store
        self.logger = logger
        var entries: [ChannelID: Entry] = [:]
        for (id, sender) in atStart {
            entries[id] = Entry(sender: sender, listing: listings[id] ?? Listing(type: .whatsapp, workspaces: []))
        }
        self.atStart = entries
    }

    subscript(channel: ChannelID) -> ChannelSender? {
        atStart[channel]?.sender ?? added.withLock { $0.entries[channel]?.sender }
    }

    /// Every channel drained now (those of the start and those added since), by id.
    var all: [ChannelID: Entry] {
        atStart.merging(added.withLock { $0.entries }) { a, _ in a }
    }

    /// Starts `sender` and drains its channel from now on; false if the channel has one
    /// already or the pipeline stopped.
    func add(_ sender: ChannelSender, listing: Listing) -> Bool {
        let fresh = added.withLock { a -> Bool in
            guard !a.stopped, atStart[sender.channel] == nil, a.entries[sender.channel] == nil else { return false }
            a.entries[sender.channel] = Entry(sender: sender, listing: listing)
            return true
        }
        guard fresh else { return false }
        do {
            try sender.start()
        } catch {
            added.withLock { _ = $0.entries.removeValue(forKey: sender.channel) }
            return false
        }
        sender.notify()
        return true
    }

    func start() throws {
        guard let store else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "outbox-sweep"))
        timer.schedule(deadline: .now() + Self.sweepInterval, repeating: Self.sweepInterval)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            do {
                for channel in try store.queue.channelsToClaim(now: Date()) { self[channel]?.notify() }
            } catch {
                logger?.warn("could not look for outbox entries to claim; looking again in a second", [LogKey.error: "\(error)"])
            }
        }
        sweep = timer
        timer.resume()
    }

    /// Stops the drainers added since the start (those of the start are services of their own).
    func stop(deadline: ContinuousClock.Instant) {
        sweep?.cancel()
        sweep = nil
        let senders = added.withLock { a -> [ChannelSender] in
            a.stopped = true
            return a.entries.values.map(\.sender)
        }
        for s in senders { s.stop(deadline: deadline) }
    }
}
