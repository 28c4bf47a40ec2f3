import SwitchboardCore
import SwitchboardLog
import SwitchboardStore

/// Writes a step of a message's path twice: as an event in the workspace's journal
/// (inside the caller's transaction) and as one structured log line (written once the
/// transaction committed, so the log never tells of a step that was rolled back).
///
///     let journal = Journal(logger: log)
///     try store.transaction { tx in
///         try journal.record(tx.workspace(id), .received, conversation: c, message: m, channel: ch, ["kind": "text"])
///     }
///     journal.flush()
///
/// A reference, so that a transaction queued with `Store.transactionAsync` records into it
/// on the store's writer thread and its completion flushes it on the completion thread.
/// One transaction's journal is used by one thread at a time: not thread-safe itself.
final class Journal: @unchecked Sendable {
    let logger: Logger
    /// Steps whose log lines wait for the commit. Their fields are assembled in `flush`,
    /// not here: `record` runs inside the transaction, on the store's writer thread, which
    /// every message goes through one at a time.
    private var pending: [Step] = []

    private struct Step {
        let level: LogLevel
        let kind: EventKind
        let workspace: WorkspaceID
        let conversation: ConversationID?
        let message: MessageID?
        let channel: ChannelID?
        let detail: [String: String]
    }

    init(logger: Logger) { self.logger = logger }

    func record(
        _ ws: any WorkspaceStore, _ kind: EventKind, conversation: ConversationID? = nil, message: MessageID? = nil,
        channel: ChannelID? = nil, level: LogLevel = .info, _ detail: [String: String] = [:]
    ) throws {
        _ = try ws.events.append(NewEvent(kind, conversation: conversation, message: message, channel: channel, detail: detail))
        guard logger.isEnabled(level) else { return }
        pending.append(Step(level: level, kind: kind, workspace: ws.workspaceID, conversation: conversation,
                            message: message, channel: channel, detail: detail))
    }

    /// Writes the log lines of the steps recorded so far.
    func flush() {
        for step in pending {
            // Pairs, not a dictionary: four lines a message at info, on one thread.
            var fields: [(key: String, value: String)] = [
                (LogKey.workspace, step.workspace.rawValue), (LogKey.event, step.kind.rawValue),
            ]
            fields.reserveCapacity(5 + step.detail.count)
            if let conversation = step.conversation { fields.append((LogKey.conversation, conversation.rawValue)) }
            if let message = step.message { fields.append((LogKey.message, message.rawValue)) }
            if let channel = step.channel { fields.append((LogKey.channel, channel.rawValue)) }
            // A detail may not repeat the step's own keys (as before, the step's win).
            for (key, value) in step.detail where !fields.contains(where: { $0.key == key }) {
                fields.append((key, value))
            }
            logger.log(step.level, Self.sentence(step.kind), fields: fields)
        }
        pending.removeAll()
    }

    /// Drops the log lines of a transaction that rolled back.
    func discard() { pending.removeAll() }

    static func sentence(_ kind: EventKind) -> String {
        switch kind {
        case .received: "message received"
        case .duplicate: "duplicate message ignored"
        case .routed: "message routed"
        case .unrouted: "message held as unrouted"
        case .stateChanged: "conversation state changed"
        case .verdict: "responder verdict"
        case .pluginError: "responder plugin failed"
        case .pluginEvent: "responder plugin event"
        case .queued: "reply queued"
        case .attempt: "send attempted"
        case .retryScheduled: "send retry scheduled"
        case .sent: "message sent"
        case .delivered: "message delivered"
        case .read: "message read"
        case .failed: "message failed"
        case .assigned: "conversation assigned"
        case .note: "note added"
        case .workspaceSynced: "workspace synchronised"
        case .contactErased: "contact erased"
        case .contentExpired: "old message content deleted"
        case .channelState: "channel state journalled"
        case .contactMerged: "two contacts merged into one"
        }
    }
}
