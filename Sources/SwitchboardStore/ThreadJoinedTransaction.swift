import SwitchboardCore

/// A transaction's handle that forwards every call to the store, whose calls on the
/// thread running the transaction join it (the thread join, before repositories were
/// bound to the handle's connection).
struct ThreadJoinedTransaction: StoreTransaction {
    let store: any Store

    func workspace(_ id: WorkspaceID) -> any WorkspaceStore { store.workspace(id) }
    func workspaceOwning(channel: ChannelID, providerMessageID: String) throws -> WorkspaceID? {
        try store.workspaceOwning(channel: channel, providerMessageID: providerMessageID)
    }
    var queue: any QueueStore { store.queue }
    var templates: any TemplateStore { store.templates }
    var channelStatus: any ChannelStatusRepository { store.channelStatus }
    func workspaces() throws -> [Workspace] { try store.workspaces() }
    func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)? { try store.authenticate(tokenHash: tokenHash) }
    func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)? {
        try store.authenticate(sessionHash: sessionHash)
    }
    var hostAudit: any AuditRepository { store.hostAudit }
    func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)? { try store.invite(tokenHash: tokenHash) }
    var operators: any OperatorRepository { store.operators }
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try body(self) }
}
