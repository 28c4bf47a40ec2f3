import Foundation
import SwitchboardCore

/// `WorkspaceStore` on SQLite: the repositories of one workspace.
struct SQLiteWorkspaceStore: WorkspaceStore {
    let scope: SQLiteScope

    var workspaceID: WorkspaceID { scope.workspaceID }
    var contacts: any ContactRepository { SQLiteContactRepository(scope: scope) }
    var conversations: any ConversationRepository { SQLiteConversationRepository(scope: scope) }
    var messages: any MessageRepository { SQLiteMessageRepository(scope: scope) }
    var events: any EventRepository { SQLiteEventRepository(scope: scope) }
    var pluginState: any PluginStateRepository { SQLitePluginStateRepository(scope: scope) }
    var queue: any QueueRepository { SQLiteQueueRepository(scope: scope) }
    var users: any UserRepository { SQLiteUserRepository(scope: scope) }
    var tokens: any TokenRepository { SQLiteTokenRepository(scope: scope) }
    var sessions: any SessionRepository { SQLiteSessionRepository(scope: scope) }
    var dataCare: any DataCareRepository { SQLiteDataCareRepository(scope: scope) }
    var cannedReplies: any CannedReplyRepository { SQLiteCannedReplyRepository(scope: scope) }
    var labels: any LabelRepository { SQLiteLabelRepository(scope: scope) }
    var contactProfiles: any ContactProfileRepository { SQLiteContactProfileRepository(scope: scope) }
    var reports: any ReportRepository { SQLiteReportRepository(scope: scope) }
    var invites: any InviteRepository { SQLiteInviteRepository(scope: scope) }
    var audit: any AuditRepository { SQLiteAuditRepository(store: scope.store, workspaceID: scope.workspaceID, tx: scope.tx) }
    var media: any MediaRepository { SQLiteMediaRepository(scope: scope) }

    func record() throws -> Workspace? {
        try scope.read { db in
            try db.queryOne("SELECT \(Self.columns) FROM workspaces WHERE id = ?", [scope.workspaceID], Self.read)
        }
    }

    func transaction<T>(_ body: (any WorkspaceStore) throws -> T) throws -> T {
        // Reached through a transaction's handle: joins it.
        if scope.tx != nil { return try body(self) }
        return try scope.store.transaction { tx in try body(tx.workspace(scope.workspaceID)) }
    }

    static let columns = "id, name, region, timezone, active, config_hash, created_at, updated_at"

    static func read(_ r: SQLiteRow) -> Workspace {
        Workspace(
            id: WorkspaceID(r.string(0)), name: r.string(1), region: r.string(2), timezone: r.string(3),
            active: r.bool(4), configHash: r.string(5), createdAt: r.date(6), updatedAt: r.date(7))
    }
}
