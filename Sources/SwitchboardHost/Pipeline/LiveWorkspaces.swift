import Foundation
import Synchronization
import SwitchboardConfig
import SwitchboardCore
import SwitchboardPlugins

/// The workspaces as the pipeline runs them now: each one's config and responder chain,
/// and the routing of channels and shared numbers. A reload (`HostReload`) replaces the
/// whole snapshot at once; a message reads it when its work starts and keeps what it
/// read, so a message in flight finishes on the chain it started with and the next one
/// uses the new chain.
final class LiveWorkspaces: Sendable {
    struct Snapshot: Sendable {
        var configs: [WorkspaceID: WorkspaceConfig]
        var responders: [WorkspaceID: LeasedResponders]
        var routing: RoutingTable
        var markRead: Set<WorkspaceID>

        /// Whether `workspace`'s chain answers a message at once (`Responders.answersAtOnce`),
        /// with nothing to wait for first: configured, and no debounce window.
        func answersAtOnce(_ workspace: WorkspaceID) -> Bool {
            guard let config = configs[workspace], config.debounceMilliseconds == 0 else { return false }
            return responders[workspace]?.responders.answersAtOnce ?? true
        }
    }

    private let current: Mutex<Snapshot>

    init(_ snapshot: Snapshot) {
        current = Mutex(snapshot)
    }

    convenience init(config: LoadedConfig, responders: [WorkspaceID: any Responders]) {
        self.init(Self.snapshot(config: config, responders: responders.mapValues { LeasedResponders($0) }))
    }

    static func snapshot(config: LoadedConfig, responders: [WorkspaceID: LeasedResponders]) -> Snapshot {
        Snapshot(configs: Dictionary(config.workspaces.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                 responders: responders, routing: routing(config),
                 markRead: Set(config.workspaces.filter(\.markRead).map(\.id)))
    }

    static func routing(_ config: LoadedConfig) -> RoutingTable {
        RoutingTable(
            channels: config.host.channels.map {
                RoutingTable.ChannelRoute(channel: $0.id, workspace: $0.workspace, fallback: $0.fallbackWorkspace)
            },
            senders: Dictionary(config.workspaces.map { ($0.id, $0.senders) }, uniquingKeysWith: { a, _ in a }))
    }

    var snapshot: Snapshot { current.withLock { $0 } }


    /// Puts `new` in place; returns the snapshot it replaced.
    @discardableResult
    func replace(with new: Snapshot) -> Snapshot {
        current.withLock { s in
            let old = s
            s = new
            return old
        }
    }

    /// A workspace's config and responders for one message. Call `release` when the chain
    /// has answered: a chain replaced meanwhile is shut down only after its last message.
    func acquire(_ workspace: WorkspaceID) -> (config: WorkspaceConfig?, responders: any Responders, release: @Sendable () -> Void) {
        var s = snapshot
        for _ in 0..<3 {
            guard let leased = s.responders[workspace] else {
                return (s.configs[workspace], NoResponders(), {})
            }
            if leased.acquire() { return (s.configs[workspace], leased.responders, { leased.release() }) }
            // Retired between reading the snapshot and taking it: the snapshot already
            // holds its successor; read again.
            s = snapshot
        }
        // Retired with no successor: the host is shutting down (a debounced message's
        // late run); the chain's instances are gone, so the message passes (it is not
        // committed after the store closes, and runs again at the next start).
        return (s.configs[workspace], NoResponders(), {})
    }
}

/// A workspace's responders with a count of the messages running through them, so that
/// a chain a reload replaced is shut down (its plugin instances destroyed) once the last
/// message that started on it has its verdict, never under it.
final class LeasedResponders: Sendable {
    let responders: any Responders
    /// The plugin chain to shut down when retired; nil for responders without one.
    let chain: ResponderChain?
    private struct State {
        var running = 0
        var retired = false
        var shutDown = false
    }
    private let state = Mutex(State())

    init(_ responders: any Responders, chain: ResponderChain? = nil) {
        self.responders = responders
        self.chain = chain ?? (responders as? ChainResponders)?.chain
    }

    /// False once retired: the caller takes the new snapshot's chain instead.
    func acquire() -> Bool {
        state.withLock { s in
            guard !s.retired else { return false }
            s.running += 1
            return true
        }
    }

    func release() {
        let shut = state.withLock { s -> Bool in
            s.running -= 1
            guard s.retired, s.running == 0, !s.shutDown else { return false }
            s.shutDown = true
            return true
        }
        if shut { chain?.shutdown() }
    }

    /// Takes no new messages; shuts the chain down now, or when its last message is done.
    func retire() {
        let shut = state.withLock { s -> Bool in
            s.retired = true
            guard s.running == 0, !s.shutDown else { return false }
            s.shutDown = true
            return true
        }
        if shut { chain?.shutdown() }
    }

    var isShutDown: Bool { state.withLock { $0.shutDown } }
}
