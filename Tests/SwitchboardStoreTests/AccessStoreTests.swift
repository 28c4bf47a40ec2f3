import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Users, API tokens and sessions: stored per workspace, found by credential hash across
/// workspaces, and invisible from every other workspace.
@Suite struct AccessStoreTests {
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

    @Test func usersAreCreatedFoundAndListed() throws {
        let titi = try a.users.create(email: "titi@bakery.ng", role: .owner, passwordHash: "scrypt$h1")
        let ade = try a.users.create(email: "ade@bakery.ng", role: .agent, passwordHash: "scrypt$h2")
        #expect(titi.id.hasPrefix("usr_"))
        #expect(titi.workspaceID == "a")
        #expect(try a.users.get(titi.id) == titi)
        #expect(try a.users.find(email: "ade@bakery.ng") == ade)
        #expect(try a.users.find(email: "nobody@bakery.ng") == nil)
        #expect(try a.users.list().map(\.email) == ["titi@bakery.ng", "ade@bakery.ng"])
        try a.users.setPasswordHash(ade.id, "scrypt$h3")
        #expect(try a.users.get(ade.id)?.passwordHash == "scrypt$h3")
    }

    @Test func aDuplicateEmailInTheWorkspaceIsRefusedWithAClearMessage() throws {
        _ = try a.users.create(email: "titi@bakery.ng", role: .owner, passwordHash: "x")
        let error = storeError { _ = try a.users.create(email: "titi@bakery.ng", role: .agent, passwordHash: "y") }
        #expect(error?.code == .constraint)
        #expect(error?.message == "a user with e-mail titi@bakery.ng already exists in workspace a")
        #expect(try a.users.list().count == 1)
        // The same person in another workspace is another user.
        let other = try b.users.create(email: "titi@bakery.ng", role: .agent, passwordHash: "z")
        #expect(other.workspaceID == "b")
    }

    @Test func aWorkspaceThatWasNeverSyncedCannotGetUsersOrTokens() throws {
        let ghost = store.workspace("ghost")
        #expect(storeError { _ = try ghost.users.create(email: "x@y.z", role: .admin, passwordHash: "h") }?.code == .constraint)
        #expect(storeError { _ = try ghost.tokens.create(name: "ci", tokenHash: "abc") }?.code == .constraint)
    }

    @Test func tokensAreFoundByHashWithTheirWorkspace() throws {
        let token = try b.tokens.create(name: "crm-sync", tokenHash: "hash-of-secret")
        #expect(token.id.hasPrefix("tok_"))
        #expect(token.lastUsedAt == nil)
        let found = try #require(try store.authenticate(tokenHash: "hash-of-secret"))
        #expect(found.0 == "b")
        #expect(found.1 == token)
        #expect(try store.authenticate(tokenHash: "hash-of-other") == nil)

        let used = Date(millisecondsSince1970: 1_790_000_000_000)
        try b.tokens.markUsed(token.id, at: used)
        #expect(try b.tokens.get(token.id)?.lastUsedAt == used)

        #expect(try b.tokens.revoke(token.id))
        #expect(try store.authenticate(tokenHash: "hash-of-secret") == nil)
        #expect(try !b.tokens.revoke(token.id))
    }

    @Test func aTokenHashIsUniqueAcrossWorkspaces() throws {
        _ = try a.tokens.create(name: "one", tokenHash: "same")
        #expect(storeError { _ = try b.tokens.create(name: "two", tokenHash: "same") }?.code == .constraint)
        #expect(try b.tokens.list().isEmpty)
    }

    @Test func sessionsAreFoundByHashExpireAndGoWithTheirUser() throws {
        let user = try a.users.create(email: "titi@bakery.ng", role: .admin, passwordHash: "h")
        let t = Date(millisecondsSince1970: 1_790_000_000_000)
        let s1 = try a.sessions.create(idHash: "s1", userID: user.id, csrfToken: "c1", expiresAt: t)
        _ = try a.sessions.create(idHash: "s2", userID: user.id, csrfToken: "c2", expiresAt: t.addingTimeInterval(3600))
        let found = try #require(try store.authenticate(sessionHash: "s1"))
        #expect(found.0 == "a")
        #expect(found.1 == s1)
        #expect(found.1.csrfToken == "c1")

        #expect(try a.sessions.deleteExpired(now: t) == 1)
        #expect(try store.authenticate(sessionHash: "s1") == nil)
        #expect(try store.authenticate(sessionHash: "s2") != nil)

        #expect(try a.sessions.delete(idHash: "s2"))
        #expect(try store.authenticate(sessionHash: "s2") == nil)

        _ = try a.sessions.create(idHash: "s3", userID: user.id, csrfToken: "c3", expiresAt: t.addingTimeInterval(3600))
        #expect(try a.users.delete(user.id))
        #expect(try store.authenticate(sessionHash: "s3") == nil)
    }

    @Test func aSessionNeedsAUserOfItsOwnWorkspace() throws {
        let user = try a.users.create(email: "titi@bakery.ng", role: .admin, passwordHash: "h")
        let error = storeError { _ = try b.sessions.create(idHash: "x", userID: user.id, csrfToken: "c", expiresAt: Date()) }
        #expect(error?.code == .constraint)
        #expect(try store.authenticate(sessionHash: "x") == nil)
    }

    @Test func usersTokensAndSessionsOfAAreInvisibleFromB() throws {
        let user = try a.users.create(email: "titi@bakery.ng", role: .owner, passwordHash: "h")
        let token = try a.tokens.create(name: "ci", tokenHash: "th")
        _ = try a.sessions.create(idHash: "sh", userID: user.id, csrfToken: "c", expiresAt: Date().addingTimeInterval(3600))

        #expect(try b.users.get(user.id) == nil)
        #expect(try b.users.find(email: "titi@bakery.ng") == nil)
        #expect(try b.users.list().isEmpty)
        #expect(try b.tokens.get(token.id) == nil)
        #expect(try b.tokens.list().isEmpty)
        #expect(try b.sessions.list(user: user.id).isEmpty)

        // B cannot change A's rows by naming their ids.
        #expect(storeError { try b.users.setPasswordHash(user.id, "mallory") }?.code == .notFound)
        #expect(try !b.users.delete(user.id))
        #expect(storeError { try b.tokens.markUsed(token.id, at: Date()) }?.code == .notFound)
        #expect(try !b.tokens.revoke(token.id))
        #expect(try !b.sessions.delete(idHash: "sh"))
        #expect(try b.sessions.deleteAll(user: user.id) == 0)
        #expect(try b.sessions.deleteExpired(now: Date().addingTimeInterval(7200)) == 0)

        #expect(try a.users.get(user.id)?.passwordHash == "h")
        #expect(try a.tokens.get(token.id) != nil)
        #expect(try store.authenticate(tokenHash: "th")?.0 == "a")
        #expect(try store.authenticate(sessionHash: "sh")?.0 == "a")
        #expect(try a.sessions.list(user: user.id).count == 1)
    }
}
