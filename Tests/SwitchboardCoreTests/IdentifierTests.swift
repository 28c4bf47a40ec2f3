import Testing
@testable import SwitchboardCore

@Suite struct IdentifierTests {
    @Test func workspaceIDValidation() {
        #expect(WorkspaceID.isValid("bakery"))
        #expect(WorkspaceID.isValid("mama-titi_2"))
        #expect(!WorkspaceID.isValid(""))
        #expect(!WorkspaceID.isValid("Bakery"))
        #expect(!WorkspaceID.isValid("-bakery"))
        #expect(!WorkspaceID.isValid("a b"))
        #expect(!WorkspaceID.isValid(String(repeating: "a", count: 65)))
    }
}
