import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

@Suite struct ConversationStoreTests {
    let dir = TempDir()
    let store: any Store
    let ws: any WorkspaceStore

    init() throws { try self.init(backend: .sqlite) }

    init(backend: StoreBackend) throws {
        store = try makeStore(dir, backend: backend)
        ws = store.workspace("a")
    }

    @Test func contactUpsertCreatesOnceAndTracksProfileName() throws {
        let first = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: "2348031234567", profileName: "Titi")
        #expect(first.created)
        let again = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: "08031234567", profileName: "Mama Titi")
        #expect(!again.created)
        #expect(again.contact.id == first.contact.id)
        #expect(again.contact.profileName == "Mama Titi")
        #expect(again.contact.rawPhone == "2348031234567") // kept from the first sighting
        let unnamed = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil)
        #expect(unnamed.contact.profileName == "Mama Titi")
        #expect(try ws.contacts.get(first.contact.id) == again.contact)
        #expect(first.contact.id.rawValue.hasPrefix("ct_"))
    }

    @Test func findOrCreateReturnsTheSameConversation() throws {
        let contact = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil).contact
        let first = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id)
        #expect(first.created)
        #expect(first.conversation.state == .bot)
        let again = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id)
        #expect(!again.created)
        #expect(again.conversation == first.conversation)
        let otherChannel = try ws.conversations.findOrCreate(channel: "wa-second", contact: contact.id)
        #expect(otherChannel.created)
        #expect(otherChannel.conversation.id != first.conversation.id)
        #expect(storeError { _ = try ws.conversations.findOrCreate(channel: "wa-main", contact: ContactID("ct_nobody")) }?.code == .notFound)
    }

    @Test func transitionsArePersistedAndJournalled() throws {
        let conversation = try makeConversation(ws)
        let handoff = try ws.conversations.transition(conversation.id, .handoff, extraDetail: ["plugin": "handoff"])
        #expect(handoff.previous == .bot)
        #expect(handoff.conversation.state == .human)
        #expect(handoff.changed)
        let event = try #require(handoff.event)
        #expect(event.kind == .stateChanged)
        #expect(event.conversationID == conversation.id)
        #expect(event.channelID == "wa-main")
        #expect(event.detail == ["from": "bot", "to": "human", "trigger": "handoff", "plugin": "handoff"])

        // Persisted: a fresh store on the same file sees it.
        store.close()
        let reopened = try reopen(store)
        let again = reopened.workspace("a")
        #expect(try again.conversations.get(conversation.id)?.state == .human)
        #expect(try again.events.list(conversation: conversation.id, after: nil, limit: 10) == [event])

        // A trigger that keeps the state changes nothing and journals nothing.
        let same = try again.conversations.transition(conversation.id, .handoff)
        #expect(!same.changed)
        #expect(same.event == nil)
        _ = try again.conversations.transition(conversation.id, .resolve)
        _ = try again.conversations.transition(conversation.id, .inbound)
        let states = try again.events.list(conversation: conversation.id, after: nil, limit: 10).compactMap { $0.detail?["to"] }
        #expect(states == ["human", "resolved", "bot"])
        #expect(try again.conversations.get(conversation.id)?.state == .bot)
    }

    @Test func invalidTransitionsAreRejectedAndChangeNothing() throws {
        let conversation = try makeConversation(ws)
        let error = storeError { _ = try ws.conversations.transition(conversation.id, .agentReopen) }
        #expect(error?.code == .invalidTransition)
        #expect(error?.message == "conversation \(conversation.id): conversation in state bot cannot take agent_reopen")
        #expect(try ws.conversations.get(conversation.id) == conversation)
        #expect(try ws.events.list(conversation: conversation.id, after: nil, limit: 10).isEmpty)
        #expect(storeError { _ = try ws.conversations.transition(ConversationID("cv_missing"), .resolve) }?.code == .notFound)
    }

    @Test func listIsNewestFirstAndFiltersByState() throws {
        let first = try makeConversation(ws, phone: "+2348030000001")
        let second = try makeConversation(ws, phone: "+2348030000002")
        let third = try makeConversation(ws, phone: "+2348030000003")
        #expect(try ws.conversations.list(state: nil, limit: 10).map(\.id) == [third.id, second.id, first.id])
        #expect(try ws.conversations.list(state: nil, limit: 2).map(\.id) == [third.id, second.id])
        // Activity moves a conversation to the top.
        _ = try ws.messages.insertInbound(inbound(first, "wamid.1", "hello again"))
        #expect(try ws.conversations.list(state: nil, limit: 10).map(\.id) == [first.id, third.id, second.id])
        _ = try ws.conversations.transition(second.id, .handoff)
        #expect(try ws.conversations.list(state: .human, limit: 10).map(\.id) == [second.id])
        #expect(try ws.conversations.list(state: .bot, limit: 10).map(\.id) == [first.id, third.id])
        #expect(try ws.conversations.list(state: .resolved, limit: 10).isEmpty)
    }

    @Test func assignmentIsStoredAndJournalled() throws {
        let conversation = try makeConversation(ws)
        let assigned = try ws.conversations.assign(conversation.id, to: "ada")
        #expect(assigned.assignedTo == "ada")
        #expect(try ws.conversations.get(conversation.id)?.assignedTo == "ada")
        #expect(try ws.conversations.assign(conversation.id, to: nil).assignedTo == nil)
        let events = try ws.events.list(conversation: conversation.id, after: nil, limit: 10)
        #expect(events.map(\.kind) == [.assigned, .assigned])
        #expect(events.map(\.detail) == [["agent": "ada"], [:]])
    }
}
