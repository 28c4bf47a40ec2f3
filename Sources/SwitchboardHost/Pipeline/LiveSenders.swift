import Foundation
import Synchronization
import SwitchboardConfig
import SwitchboardCore

/// Every channel's drainer: those built at start (`Pipeline.senders`) and those of web
/// chat channels a reload added. A web chat has no connection of its own (its provider
/// is this host), so a new one is drained at once; other new channels start with the
/// next start (`HostReload` says so).
final class LiveSenders: Service, @unchecked Sendable {
    let name = "live-senders"
    private let atStart: [ChannelID: ChannelSender]
    private let added = Mutex<(senders: [ChannelID: ChannelSender], stopped: Bool)>(([:], false))
    /// The workspace each added web chat serves (the inbox's and the setup walk's channel list).
    private let addedWorkspaces = Mutex<[ChannelID: WorkspaceID]>([:])

    init(_ atStart: [ChannelID: ChannelSender]) { self.atStart = atStart }

    subscript(channel: ChannelID) -> ChannelSender? {
        atStart[channel] ?? added.withLock { $0.senders[channel] }
    }

    /// Starts `sender` and drains its channel from now on; false if the channel has one
    /// already or the pipeline stopped.
    func add(_ sender: ChannelSender, serving workspace: WorkspaceID? = nil) -> Bool {
        let fresh = added.withLock { a -> Bool in
            guard !a.stopped, atStart[sender.channel] == nil, a.senders[sender.channel] == nil else { return false }
            a.senders[sender.channel] = sender
            return true
        }
        guard fresh else { return false }
        do {
            try sender.start()
        } catch {
            added.withLock { _ = $0.senders.removeValue(forKey: sender.channel) }
            return false
        }
        if let workspace { addedWorkspaces.withLock { $0[sender.channel] = workspace } }
        sender.notify()
        return true
    }

    /// The added channels serving `workspace`, with their senders.
    func added(serving workspace: WorkspaceID) -> [(ChannelID, ChannelSender)] {
        let ids = addedWorkspaces.withLock { $0.filter { $0.value == workspace }.map(\.key) }
        return ids.sorted { $0.rawValue < $1.rawValue }.compactMap { id in self[id].map { (id, $0) } }
    }

    func start() throws {}

    /// Stops the drainers added since the start (those of the start are services of their own).
    func stop(deadline: ContinuousClock.Instant) {
        let senders = added.withLock { a -> [ChannelSender] in
            a.stopped = true
            return Array(a.senders.values)
        }
        for s in senders { s.stop(deadline: deadline) }
    }
}
