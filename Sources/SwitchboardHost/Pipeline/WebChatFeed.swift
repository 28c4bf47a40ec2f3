import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Feeds the visitors' open streams from the journal: for each workspace with a web chat
/// it keeps a cursor (the last event id looked at) and, whenever `JournalWakeups` wakes
/// the workspace, reads the events after it; each visitor's message stored (`received`)
/// and each reply recorded as sent (`sent`) on the chat's channel is pushed, as the
/// message, to the streams of the visitor it belongs to (`WebChat.Hub`).
///
/// The journal is the one path: this host's own commits wake it (`WebChat.receive`,
/// `WebChatTransport.recordedSent`), and on PostgreSQL every host's commits do (the
/// store's announcements), so a visitor connected to any host sees a reply whichever
/// host sent it. A read that fails is tried again a second later; a message is pushed at
/// most once by this feed (the page also drops ids it has shown: a stream's history and
/// its first pushes may overlap).
final class WebChatFeed: Sendable {
    private struct Follow {
        var channel: ChannelID
        var cursor: Int64
        var subscription: JournalWakeups.Subscription?
        /// A read is queued or running.
        var scheduled = false
        /// A wake came during the read: read again after it.
        var again = false
    }

    private let store: any Store
    private let hub: WebChat.Hub
    private let wakeups: JournalWakeups
    private let logger: Logger
    private let follows = Mutex<[WorkspaceID: Follow]>([:])
    /// Which visitor each conversation belongs to (a conversation never changes contact).
    private let visitors = Mutex(LRUTable<ConversationID, String>(capacity: 10_000))
    private let queue = DispatchQueue(label: "webchat-feed", qos: .utility)
    static let batch = 200

    init(store: any Store, hub: WebChat.Hub, wakeups: JournalWakeups, logger: Logger) {
        self.store = store
        self.hub = hub
        self.wakeups = wakeups
        self.logger = logger
    }

    /// Follows `workspace`'s chat on `channel` from the journal's end now (a stream
    /// opened from here on replays its history itself). A workspace already followed
    /// keeps its cursor and takes the new channel.
    func follow(_ workspace: WorkspaceID, channel: ChannelID) {
        if follows.withLock({ f in
            guard f[workspace] != nil else { return false }
            f[workspace]?.channel = channel
            return true
        }) { return }
        let end: Int64
        do {
            end = try store.workspace(workspace).events.tail(conversation: nil, before: nil, limit: 1).last?.id ?? 0
        } catch {
            logger.error("web chat cannot follow the journal; its streams show only their history until it can",
                         [LogKey.workspace: workspace.rawValue, LogKey.error: "\(error)"])
            queue.asyncAfter(deadline: .now() + 1) { [self] in follow(workspace, channel: channel) }
            return
        }
        let added = follows.withLock { f -> Bool in
            guard f[workspace] == nil else { return false }
            f[workspace] = Follow(channel: channel, cursor: end)
            return true
        }
        guard added else { return }
        let subscription = wakeups.subscribe(workspace) { [weak self] in self?.wake(workspace) }
        follows.withLock { $0[workspace]?.subscription = subscription }
    }

    /// Stops following every workspace (the host stops).
    func stop() {
        let subscriptions = follows.withLock { f in defer { f.removeAll() }; return f.values.compactMap(\.subscription) }
        for s in subscriptions { s.cancel() }
    }

    /// The workspace's journal may have grown.
    func wake(_ workspace: WorkspaceID) {
        let go = follows.withLock { f -> Bool in
            guard f[workspace] != nil else { return false }
            if f[workspace]!.scheduled { f[workspace]!.again = true; return false }
            f[workspace]!.scheduled = true
            return true
        }
        if go { queue.async { [self] in read(workspace) } }
    }

    private func read(_ workspace: WorkspaceID) {
        guard let follow = follows.withLock({ $0[workspace] }) else { return }
        let ws = store.workspace(workspace)
        var cursor = follow.cursor
        do {
            while true {
                let events = try ws.events.list(conversation: nil, after: cursor, limit: Self.batch)
                guard let last = events.last else { break }
                if hub.hasStreams(workspace) {
                    for event in events where event.channelID == follow.channel && (event.kind == .received || event.kind == .sent) {
                        try push(event, ws)
                    }
                }
                cursor = last.id
                follows.withLock { $0[workspace]?.cursor = cursor }
                if events.count < Self.batch { break }
            }
        } catch {
            logger.warn("web chat streams could not read the journal; trying again",
                        [LogKey.workspace: workspace.rawValue, LogKey.error: "\(error)"])
            follows.withLock { $0[workspace]?.again = true }
            queue.asyncAfter(deadline: .now() + 1) { [self] in finishRead(workspace) }
            return
        }
        finishRead(workspace)
    }

    /// Ends a read: another one at once if a wake came meanwhile.
    private func finishRead(_ workspace: WorkspaceID) {
        let again = follows.withLock { f -> Bool in
            guard f[workspace] != nil else { return false }
            if f[workspace]!.again { f[workspace]!.again = false; return true }
            f[workspace]!.scheduled = false
            return false
        }
        if again { read(workspace) }
    }

    private func push(_ event: Event, _ ws: any WorkspaceStore) throws {
        guard let id = event.messageID, let message = try ws.messages.get(id), WebChat.visible(message),
              let visitor = try visitor(of: message.conversationID, ws) else { return }
        hub.publish(WebChat.Hub.key(ws.workspaceID, visitor: visitor), message)
    }

    private func visitor(of conversation: ConversationID, _ ws: any WorkspaceStore) throws -> String? {
        if let known = visitors.withLock({ $0.get(conversation) }) { return known }
        guard let c = try ws.conversations.get(conversation), let contact = try ws.contacts.get(c.contactID),
              case .webVisitor(let visitor) = contact.address else { return nil }
        _ = visitors.withLock { $0.set(conversation, visitor) }
        return visitor
    }
}
