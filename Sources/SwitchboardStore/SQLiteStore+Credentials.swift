import Foundation
import SwitchboardCore

extension SQLiteStore {
    public var hostAudit: any AuditRepository { SQLiteAuditRepository(store: self, workspaceID: nil) }
    public var operators: any OperatorRepository { SQLiteOperatorRepository(store: self) }

    public func invite(tokenHash: String) throws -> (WorkspaceID, InviteRecord)? { try invite(tokenHash: tokenHash, tx: nil) }

    func invite(tokenHash: String, tx: SQLiteTransactionContext?) throws -> (WorkspaceID, InviteRecord)? {
        try read(tx) { db in
            try db.queryOne("SELECT \(SQLiteInviteRepository.columns) FROM invites WHERE token_hash = ?",
                            [tokenHash], SQLiteInviteRepository.read)
        }.map { ($0.workspaceID, $0) }
    }

    public func authenticate(tokenHash: String) throws -> (WorkspaceID, TokenRecord)? { try authenticate(tokenHash: tokenHash, tx: nil) }

    func authenticate(tokenHash: String, tx: SQLiteTransactionContext?) throws -> (WorkspaceID, TokenRecord)? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT \(SQLiteTokenRepository.columns) FROM api_tokens WHERE token_hash = ?",
                [tokenHash], SQLiteTokenRepository.read)
        }.map { ($0.workspaceID, $0) }
    }

    public func authenticate(sessionHash: String) throws -> (WorkspaceID, SessionRecord)? { try authenticate(sessionHash: sessionHash, tx: nil) }

    func authenticate(sessionHash: String, tx: SQLiteTransactionContext?) throws -> (WorkspaceID, SessionRecord)? {
        try read(tx) { db in
            try db.queryOne(
                "SELECT \(SQLiteSessionRepository.columns) FROM sessions WHERE id_hash = ?",
                [sessionHash], SQLiteSessionRepository.read)
        }.map { ($0.workspaceID, $0) }
    }
}
