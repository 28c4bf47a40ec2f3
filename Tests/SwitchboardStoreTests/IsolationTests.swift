import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Data written in workspace A is invisible from workspace B, through every repository,
/// and B cannot change it by naming A's ids.
@Suite struct IsolationTests {
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

    @Test func contacts() throws {
        let mine = try a.contacts.upsert(e164: "+2348031234567", rawPhone: "2348031234567", profileName: "Titi")
        #expect(try b.contacts.find(e164: "+2348031234567") == nil)
        #expect(try b.contacts.get(mine.contact.id) == nil)
        #expect(try b.contacts.list(limit: 10).isEmpty)
        // The same person writing to B is B's own contact.
        let theirs = try b.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: "T")
        #expect(theirs.created)
        #expect(theirs.contact.id != mine.contact.id)
        #expect(theirs.contact.workspaceID == "b")
        #expect(try a.contacts.get(mine.contact.id)?.profileName == "Titi")
        #expect(try a.contacts.list(limit: 10).map(\.id) == [mine.contact.id])
    }

    @Test func conversations() throws {
        let conversation = try makeConversation(a)
        #expect(try b.conversations.get(conversation.id) == nil)
        #expect(try b.conversations.list(state: nil, limit: 10).isEmpty)
        #expect(try b.conversations.list(state: .bot, limit: 10).isEmpty)
        #expect(storeError { _ = try b.conversations.findOrCreate(channel: "wa-main", contact: conversation.contactID) }?.code == .notFound)
        #expect(storeError { _ = try b.conversations.transition(conversation.id, .handoff) }?.code == .notFound)
        #expect(storeError { _ = try b.conversations.assign(conversation.id, to: "mallory") }?.code == .notFound)
        let after = try #require(try a.conversations.get(conversation.id))
        #expect(after.state == .bot)
        #expect(after.assignedTo == nil)
        #expect(try b.events.list(conversation: nil, after: nil, limit: 10).filter { $0.kind != .workspaceSynced }.isEmpty)
    }

    @Test func messages() throws {
        let conversation = try makeConversation(a)
        let message = try #require(try a.messages.insertInbound(inbound(conversation, "wamid.A1", "secret recipe question")).inserted)
        let reply = try a.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "secret answer"))
        _ = try a.messages.recordSend(reply.id, status: .sent, providerMessageID: "wamid.A2", errorCode: nil, errorTitle: nil)

        #expect(try b.messages.get(message.id) == nil)
        #expect(try b.messages.get(reply.id) == nil)
        #expect(try b.messages.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(try b.messages.find(channel: "wa-main", providerMessageID: "wamid.A1") == nil)
        waitForSearchIndex(store)
        #expect(try a.messages.search("secret", limit: 10).count == 2)
        #expect(try b.messages.search("secret", limit: 10).isEmpty)
        // B cannot write into A's conversation nor touch A's messages.
        #expect(storeError { _ = try b.messages.insertInbound(inbound(conversation, "wamid.B1", "hi")) }?.code == .notFound)
        #expect(storeError { _ = try b.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "x")) }?.code == .notFound)
        #expect(storeError { _ = try b.messages.recordSend(reply.id, status: .failed, providerMessageID: nil, errorCode: "1", errorTitle: "x") }?.code == .notFound)
        #expect(try b.messages.updateStatus(channel: "wa-main", providerMessageID: "wamid.A2", to: .failed, errorCode: "131", errorTitle: "x") == nil)
        #expect(try a.messages.get(reply.id)?.status == .sent)
        #expect(try a.messages.list(conversation: conversation.id, after: nil, limit: 10).map(\.id) == [message.id, reply.id])
    }

    @Test func events() throws {
        let conversation = try makeConversation(a)
        let event = try a.events.append(NewEvent(.note, conversation: conversation.id, detail: ["text": "A only"]))
        #expect(try b.events.list(conversation: nil, after: nil, limit: 100).allSatisfy { $0.workspaceID == "b" && $0.kind == .workspaceSynced })
        #expect(try b.events.list(conversation: conversation.id, after: nil, limit: 100).isEmpty)
        #expect(try b.events.tail(conversation: nil, limit: 100).allSatisfy { $0.workspaceID == "b" })
        #expect(try b.events.tail(conversation: conversation.id, limit: 100).isEmpty)
        #expect(try a.events.list(conversation: conversation.id, after: nil, limit: 100) == [event])
    }

    @Test func pluginState() throws {
        try a.pluginState.set(plugin: "faq", key: "greeted", value: Array("yes".utf8))
        #expect(try b.pluginState.get(plugin: "faq", key: "greeted") == nil)
        #expect(try b.pluginState.keys(plugin: "faq").isEmpty)
        #expect(try b.pluginState.delete(plugin: "faq", key: "greeted") == false)
        try b.pluginState.set(plugin: "faq", key: "greeted", value: Array("no".utf8))
        #expect(try a.pluginState.get(plugin: "faq", key: "greeted") == Array("yes".utf8))
        #expect(try b.pluginState.get(plugin: "faq", key: "greeted") == Array("no".utf8))
    }

    @Test func workspaceRecords() throws {
        #expect(try a.record()?.id == "a")
        #expect(try b.record()?.id == "b")
        #expect(try store.workspace("nope").record() == nil)
    }

    /// Dedup is per channel: the same provider id on two channels is two messages; the
    /// same on one channel is one, even when a second workspace tries to store it.
    @Test func dedupIsPerChannel() throws {
        let one = try makeConversation(a, channel: "wa-1")
        let two = try makeConversation(a, channel: "wa-2")
        let first = try #require(try a.messages.insertInbound(inbound(one, "wamid.X", "hello")).inserted)
        let other = try #require(try a.messages.insertInbound(inbound(two, "wamid.X", "hello")).inserted)
        #expect(first.id != other.id)
        #expect(try a.messages.insertInbound(inbound(one, "wamid.X", "hello")).duplicateID == first.id)
        #expect(try a.messages.list(conversation: one.id, after: nil, limit: 10).count == 1)

        let theirs = try makeConversation(b, channel: "wa-1")
        let conflict = storeError { _ = try b.messages.insertInbound(inbound(theirs, "wamid.X", "hello")) }
        #expect(conflict?.code == .conflict)
        #expect(conflict?.message.contains(first.id.rawValue) == false) // A's id is not revealed
        #expect(try b.messages.list(conversation: theirs.id, after: nil, limit: 10).isEmpty)
        let theirsOnThree = try makeConversation(b, channel: "wa-3")
        #expect(try b.messages.insertInbound(inbound(theirsOnThree, "wamid.X", "hello")).inserted != nil)
    }

    /// A status webhook on a shared channel is routed to the workspace that sent the message.
    @Test func deliveryReportsAreRoutedToTheOwningWorkspace() throws {
        let ca = try makeConversation(a, channel: "wa-shared")
        let cb = try makeConversation(b, phone: "+2348030000002", channel: "wa-shared")
        for (ws, conversation, wamid) in [(a, ca, "wamid.A"), (b, cb, "wamid.B")] {
            let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "hi"))
            _ = try ws.messages.recordSend(reply.id, status: .sent, providerMessageID: wamid, errorCode: nil, errorTitle: nil)
        }
        #expect(try store.workspaceOwning(channel: "wa-shared", providerMessageID: "wamid.A") == "a")
        #expect(try store.workspaceOwning(channel: "wa-shared", providerMessageID: "wamid.B") == "b")
        #expect(try store.workspaceOwning(channel: "wa-other", providerMessageID: "wamid.A") == nil)
        #expect(try store.workspaceOwning(channel: "wa-shared", providerMessageID: "wamid.C") == nil)
    }

    @Test func anUnsyncedWorkspaceCannotBeWritten() throws {
        let ghost = store.workspace("ghost")
        let error = storeError { _ = try ghost.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil) }
        #expect(error?.code == .constraint)
        #expect(error?.message.contains("workspace ghost is not stored") == true)
        #expect(try ghost.contacts.list(limit: 10).isEmpty)
    }
}
