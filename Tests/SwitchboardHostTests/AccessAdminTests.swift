import Foundation
import Testing
import SwitchboardAuth
import SwitchboardStore
@testable import SwitchboardHost

/// What `switchboard user add` and `token create` refuse, and what they store.
@Suite struct AccessAdminTests {
    let f: AuthFixture
    init() throws { f = try AuthFixture() }

    func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let r as AccessAdmin.Refusal {
            return r.description
        } catch {
            return "not a refusal: \(error)"
        }
    }

    @Test func theStoredUserHasAScryptHashNotThePassword() throws {
        let user = try AccessAdmin(store: f.store).addUser(workspace: "demo", email: "  Titi@Bakery.NG ", role: .admin,
                                                           password: "a long pass phrase")
        #expect(user.email == "titi@bakery.ng")
        let stored = try #require(try f.store.workspace("demo").users.get(user.id))
        #expect(stored.passwordHash.hasPrefix("scrypt$32768$8$1$"))
        #expect(!stored.passwordHash.contains("a long pass phrase"))
        #expect(try PasswordHasher.standard.verify("a long pass phrase", against: stored.passwordHash))
    }

    @Test func badInputIsRefusedWithAReason() throws {
        let admin = AccessAdmin(store: f.store)
        #expect(refusal { _ = try admin.addUser(workspace: "demo", email: "not-an-email", role: .agent, password: "long enough") }
                == "'not-an-email' is not an e-mail address")
        #expect(refusal { _ = try admin.addUser(workspace: "demo", email: "a@b.ng", role: .agent, password: "short") }
                == "the password is shorter than 8 characters")
        #expect(refusal { _ = try admin.addUser(workspace: "ghost", email: "a@b.ng", role: .agent, password: "long enough") }
                == "workspace ghost is not in the database (is it configured?)")
        _ = try admin.addUser(workspace: "demo", email: "a@b.ng", role: .agent, password: "long enough")
        #expect(refusal { _ = try admin.addUser(workspace: "demo", email: "A@B.ng", role: .owner, password: "long enough") }
                == "a user with e-mail a@b.ng already exists in workspace demo")
        #expect(refusal { _ = try admin.createToken(workspace: "demo", name: "  ") }
                == "a token name is 1 to 100 printable characters, got '  '")
        _ = try f.store.syncWorkspaces([AuthFixture.definition("demo")])
        #expect(refusal { _ = try admin.createToken(workspace: "other", name: "ci") }
                == "workspace other is no longer configured (inactive in the database)")
    }

    @Test func tokensAreStoredOnlyAsTheirHash() throws {
        let (record, token) = try AccessAdmin(store: f.store).createToken(workspace: "demo", name: "ci")
        #expect(try f.store.authenticate(tokenHash: token) == nil)
        #expect(try f.store.authenticate(tokenHash: Secrets.hash(token))?.1 == record)
        #expect(try AccessAdmin.generatePassword().count == 24)
        #expect(try AccessAdmin.generatePassword() != AccessAdmin.generatePassword())
    }
}
