import SwitchboardCore

/// The journal of one workspace.
///
/// The cursor. An event's `id` is its place in the workspace's journal, and the one
/// promise readers page by (`list(after:)`: the inbox's and web chat's streams,
/// `events --follow`, exports) is: **an event that becomes visible later has a greater
/// id than every event visible before it** (per workspace). So a reader that saw up to
/// id N never needs to look below N again, however many hosts commit at once.
///
/// How each backend keeps it:
/// - SQLite: ids are `AUTOINCREMENT` rowids assigned inside the write transaction, and
///   the database has one writer at a time (the write lock, across processes too): ids
///   are handed out in commit order, and never reused (a deleted newest event does not
///   give its id to the next).
/// - PostgreSQL: a sequence (`BIGSERIAL`) alone does *not* keep it: transaction A takes
///   id 7, B takes 8 and commits, a reader reads 8 and moves its cursor past 7; A commits
///   and event 7 is never read. The PostgreSQL store takes a per-workspace journal lock
///   (`pg_advisory_xact_lock` on the workspace, held until the transaction ends) before
///   it takes an event's id from the sequence, so transactions journalling in one
///   workspace take their ids and commit one after the other; the lock is released only
///   once the commit is visible. Readers are plain `WHERE workspace_id = $1 AND id > $2
///   ORDER BY id`. (The design first written here, a `journal_heads` counter renumbering
///   events right before COMMIT, holds the lock for less time but changes an event's id
///   after `append` returned it; not built.) The conformance test `JournalCursorTests`
///   runs on both backends and fails for a sequence-assigned id under concurrent writers.
public protocol EventRepository: Sendable {
    func append(_ event: NewEvent) throws -> Event
    /// Events in journal order (ascending id), after the cursor `after` (exclusive; nil
    /// from the start), optionally of one conversation only. To follow the journal, call
    /// again with the last id seen.
    func list(conversation: ConversationID?, after: Int64?, limit: Int) throws -> [Event]
    /// The last `limit` events, in journal order: where `events --follow` starts.
    func tail(conversation: ConversationID?, limit: Int) throws -> [Event]
    /// The last `limit` events before the id `before` (exclusive; nil: the newest), in
    /// journal order: the journal read backwards, a page at a time.
    func tail(conversation: ConversationID?, before: Int64?, limit: Int) throws -> [Event]
}

extension EventRepository {
    public func tail(conversation: ConversationID?, limit: Int) throws -> [Event] {
        try tail(conversation: conversation, before: nil, limit: limit)
    }
}

public struct NewEvent: Sendable, Equatable {
    public var kind: EventKind
    public var conversationID: ConversationID?
    public var messageID: MessageID?
    public var channelID: ChannelID?
    /// A JSON object; `{}` when there is nothing to add.
    public var detailJSON: String

    public init(
        _ kind: EventKind, conversation: ConversationID? = nil, message: MessageID? = nil,
        channel: ChannelID? = nil, detail: [String: String] = [:]
    ) {
        self.kind = kind
        self.conversationID = conversation
        self.messageID = message
        self.channelID = channel
        self.detailJSON = EventDetail.json(detail)
    }

    public init(
        _ kind: EventKind, conversation: ConversationID? = nil, message: MessageID? = nil,
        channel: ChannelID? = nil, detailJSON: String
    ) {
        self.kind = kind
        self.conversationID = conversation
        self.messageID = message
        self.channelID = channel
        self.detailJSON = detailJSON
    }
}
