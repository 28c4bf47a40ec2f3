import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Token roles and expiry, the audit trail, invites and operators: per workspace where
/// they belong to one, found by hash where the credential names it, and invisible from
/// every other workspace.
@Suite struct AdminStoreTests {
    let dir = TempDir()
    let store: any Store
    let a: any WorkspaceStore
    let b: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        a = store.workspace("a")
        b = store.workspace("b")
    }

    @Test func tokensKeepTheirRoleAndExpiry() throws {
        let expires = Date(millisecondsSince1970: 5_000_000)
        let t = try a.tokens.create(name: "kiosk", tokenHash: "h-kiosk", role: .agent, expiresAt: expires)
        #expect(try store.authenticate(tokenHash: "h-kiosk")?.1.role == .agent)
        #expect(try a.tokens.get(t.id)?.expiresAt == expires)
        #expect(try a.tokens.get(t.id)?.isExpired(at: expires) == true)
        #expect(try a.tokens.get(t.id)?.isExpired(at: Date(millisecondsSince1970: 4_999_999)) == false)
        // The old call still makes an admin token that never expires.
        let old = try a.tokens.create(name: "ci", tokenHash: "h-ci")
        #expect(old.role == .admin && old.expiresAt == nil)
    }

    @Test func aUsersRoleChangesInItsWorkspaceOnly() throws {
        let u = try a.users.create(email: "ada@bakery.ng", role: .agent, passwordHash: "x")
        try a.users.setRole(u.id, .owner)
        #expect(try a.users.get(u.id)?.role == .owner)
        #expect(storeError { try b.users.setRole(u.id, .agent) }?.code == .notFound)
        #expect(try a.users.get(u.id)?.role == .owner)
    }

    @Test func theAuditTrailIsPerWorkspaceNewestFirstAndPaged() throws {
        for i in 1...5 { try a.audit.record(actor: "cli", action: "user_added", summary: "added \(i)") }
        try b.audit.record(actor: "cli", action: "user_added", summary: "b's own")
        try store.hostAudit.record(actor: "file", action: "config_reload", summary: "host")
        let first = try a.audit.list(before: nil, limit: 3)
        #expect(first.map(\.summary) == ["added 5", "added 4", "added 3"])
        #expect(try a.audit.list(before: first.last!.id, limit: 3).map(\.summary) == ["added 2", "added 1"])
        #expect(try b.audit.list(before: nil, limit: 10).map(\.summary) == ["b's own"])
        #expect(try store.hostAudit.list(before: nil, limit: 10).map(\.summary) == ["host"])
        #expect(first.allSatisfy { $0.workspaceID == "a" })
    }

    @Test func invitesAreFoundByHashAndAcceptedOnce() throws {
        let expires = Date(millisecondsSince1970: 9_000_000)
        let invite = try a.invites.create(email: "sam@bakery.ng", role: .agent, tokenHash: "inv-1", createdBy: "cli", expiresAt: expires)
        #expect(invite.id.hasPrefix("inv_"))
        let (workspace, found) = try #require(try store.invite(tokenHash: "inv-1"))
        #expect(workspace == "a" && found == invite)
        #expect(found.isOpen(at: Date(millisecondsSince1970: 8_999_999)))
        #expect(!found.isOpen(at: expires))
        #expect(storeError { try b.invites.markAccepted(invite.id, at: Date()) }?.code == .notFound)
        try a.invites.markAccepted(invite.id, at: Date(millisecondsSince1970: 2_000))
        #expect(storeError { try a.invites.markAccepted(invite.id, at: Date()) }?.code == .notFound)
        let accepted = try store.invite(tokenHash: "inv-1")?.1.acceptedAt
        #expect(accepted == Date(millisecondsSince1970: 2_000), "\(String(describing: accepted?.timeIntervalSince1970))")
        #expect(try b.invites.list().isEmpty)
        #expect(try store.invite(tokenHash: "nope") == nil)
    }

    @Test func operatorsAndTheirTokens() throws {
        let op = try store.operators.create(email: "ops@agency.ng", passwordHash: "x")
        #expect(storeError { _ = try store.operators.create(email: "ops@agency.ng", passwordHash: "y") }?.code == .constraint)
        let token = try store.operators.createToken(operatorID: op.id, name: "default", tokenHash: "op-h", expiresAt: nil)
        let (who, which) = try #require(try store.operators.authenticate(tokenHash: "op-h"))
        #expect(who == op && which == token)
        // A workspace token's hash is not an operator's, and the other way round.
        _ = try a.tokens.create(name: "ci", tokenHash: "ws-h")
        #expect(try store.operators.authenticate(tokenHash: "ws-h") == nil)
        #expect(try store.authenticate(tokenHash: "op-h") == nil)
        #expect(try store.operators.delete(op.id))
        #expect(try store.operators.authenticate(tokenHash: "op-h") == nil)
        #expect(try store.operators.tokens().isEmpty)
    }
}
