import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct WorkspaceSyncTests {
    let backend: StoreBackend

    init() { backend = .sqlite }
    init(backend: StoreBackend) { self.backend = backend }

    @Test func createsUpdatesAndDeactivatesWithoutDeleting() throws {
        let dir = TempDir()
        let store = try openStore(dir, backend: backend)
        var report = try store.syncWorkspaces([definition("bakery"), definition("salon")])
        #expect(report.created == ["bakery", "salon"])
        #expect(try store.workspaces().map(\.id) == ["bakery", "salon"])
        #expect(try store.workspaces().allSatisfy(\.active))

        let conversation = try makeConversation(store.workspace("salon"))

        // Same config again: nothing to do, nothing journalled.
        report = try store.syncWorkspaces([definition("bakery"), definition("salon")])
        #expect(report.unchanged == ["bakery", "salon"])
        #expect(report.created.isEmpty && report.updated.isEmpty && report.deactivated.isEmpty)

        // Bakery's config changed, salon was removed from config, cafe is new.
        var bakery = definition("bakery", hash: "h2")
        bakery.name = "Mama Titi Bakery"
        report = try store.syncWorkspaces([bakery, definition("cafe")])
        #expect(report.created == ["cafe"])
        #expect(report.updated == ["bakery"])
        #expect(report.deactivated == ["salon"])
        let stored = try store.workspaces()
        #expect(stored.map(\.id) == ["bakery", "cafe", "salon"])
        #expect(stored[0].name == "Mama Titi Bakery")
        #expect(stored[0].configHash == "h2")
        #expect(stored[0].updatedAt > stored[0].createdAt)
        #expect(stored[2].active == false)
        // The inactive workspace's history is still there.
        #expect(try store.workspace("salon").conversations.get(conversation.id) == conversation)

        // It comes back when configured again.
        report = try store.syncWorkspaces([bakery, definition("cafe"), definition("salon")])
        #expect(report.updated == ["salon"])
        #expect(try store.workspace("salon").record()?.active == true)

        let bakeryJournal = try store.workspace("bakery").events.list(conversation: nil, after: nil, limit: 10)
        #expect(bakeryJournal.map(\.kind) == [.workspaceSynced, .workspaceSynced])
        #expect(bakeryJournal.map { $0.detail?["change"] } == ["created", "updated"])
        #expect(bakeryJournal.last?.detail?["fields"] == "name,config_hash")
        let salonJournal = try store.workspace("salon").events.list(conversation: nil, after: nil, limit: 10)
        #expect(salonJournal.map { $0.detail?["change"] } == ["created", "deactivated", "reactivated"])
    }

    @Test func aDuplicatedDefinitionIsRefused() throws {
        let dir = TempDir()
        let store = try openStore(dir, backend: backend)
        let error = storeError { _ = try store.syncWorkspaces([definition("a"), definition("a")]) }
        #expect(error?.message == "workspace a is configured twice")
        #expect(try store.workspaces().isEmpty)
    }
}
