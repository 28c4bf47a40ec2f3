/// The steps of the journal. Every step a message takes appends one event (and writes
/// one log line) carrying the workspace, conversation, message and channel ids.
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case received
    case duplicate
    case routed
    case unrouted
    case stateChanged = "state_changed"
    case verdict
    case pluginError = "plugin_error"
    /// An event a responder plugin journalled itself (ABI 1.3 `host->journal`).
    case pluginEvent = "plugin_event"
    case queued
    case attempt
    case retryScheduled = "retry_scheduled"
    case sent
    case delivered
    case read
    case failed
    case assigned
    case note
    case workspaceSynced = "workspace_synced"
    /// Data care: a contact's messages, profile and journal details were erased (who and
    /// how many in the details, nothing of the content).
    case contactErased = "contact_erased"
    /// Data care: the retention sweep emptied the content of messages past
    /// `retention_days`.
    case contentExpired = "content_expired"
    /// A channel serving the workspace changed state (`detail`: from, to, reason).
    case channelState = "channel_state"
    /// Two contacts turned out to be one person (a WhatsApp LID or business-scoped user id
    /// seen with a number): merged, their conversations and history with them.
    case contactMerged = "contact_merged"
}
