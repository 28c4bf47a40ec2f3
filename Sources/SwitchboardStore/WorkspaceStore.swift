import SwitchboardCore

/// Everything stored for one workspace. Every query of every repository is bound to
/// `workspaceID`: rows of other workspaces are invisible, as if they did not exist.
public protocol WorkspaceStore: Sendable {
    var workspaceID: WorkspaceID { get }
    var contacts: any ContactRepository { get }
    var conversations: any ConversationRepository { get }
    var messages: any MessageRepository { get }
    var events: any EventRepository { get }
    var pluginState: any PluginStateRepository { get }
    var queue: any QueueRepository { get }
    /// People and access: inbox users, API tokens, browser sessions.
    var users: any UserRepository { get }
    var tokens: any TokenRepository { get }
    var sessions: any SessionRepository { get }
    /// Data care: a contact's export and erasure, retention of old message content.
    var dataCare: any DataCareRepository { get }
    /// The inbox's tools: canned replies, labels, contact profiles and notes, the report's journal.
    var cannedReplies: any CannedReplyRepository { get }
    var labels: any LabelRepository { get }
    var contactProfiles: any ContactProfileRepository { get }
    var reports: any ReportRepository { get }
    /// Who changed what in this workspace (config, people, access).
    var audit: any AuditRepository { get }
    /// Invitations to join this workspace.
    var invites: any InviteRepository { get }
    /// Files of the media store that belong to this workspace's messages.
    var media: any MediaRepository { get }

    /// The workspace's own row, or nil if it was never synced.
    func record() throws -> Workspace?

    /// Runs `body` as one transaction (see `Store.transaction`); `body` receives this
    /// workspace bound to the transaction: its calls through that store are part of it,
    /// calls through this one (or the store) are not. On a workspace store reached
    /// through a transaction's handle, `body` joins that transaction.
    func transaction<T>(_ body: (any WorkspaceStore) throws -> T) throws -> T
}
