import Foundation
import SwitchboardCore

/// One change of config, people or access: who made it and what changed. The audit
/// trail owners read (`GET /api/v1/audit`, `switchboard audit`).
public struct AuditEntry: Sendable, Equatable {
    public let id: Int64
    /// nil for a change of the host (a reload of the host config, an operator account).
    public let workspaceID: WorkspaceID?
    public let at: Date
    /// Who: `user:<id> <e-mail>`, `token:<id> <name>`, `operator:<id> <e-mail>`, `file`
    /// (a reload of the files by SIGHUP or `switchboard reload`) or `cli` (a command on
    /// the server).
    public let actor: String
    /// What kind of change: `config_reload`, `config_refused`, `user_added`,
    /// `user_removed`, `user_role`, `password_reset`, `token_created`, `token_revoked`, ...
    public let action: String
    /// A sentence a person reads.
    public let summary: String

    public init(id: Int64, workspaceID: WorkspaceID?, at: Date, actor: String, action: String, summary: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.at = at
        self.actor = actor
        self.action = action
        self.summary = summary
    }
}

/// The audit trail of one workspace (`WorkspaceStore.audit`) or of the host
/// (`Store.hostAudit`): entries are only ever appended.
public protocol AuditRepository: Sendable {
    @discardableResult
    func record(actor: String, action: String, summary: String) throws -> AuditEntry
    /// Newest first: at most `limit` entries with an id below `before` (all when nil).
    func list(before: Int64?, limit: Int) throws -> [AuditEntry]
}
