import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// One person, one contact: LID <-> number and BSUID <-> number mappings, and the merge
/// of two contacts that turn out to be one person.
@Suite struct ContactIdentityTests {
    let backend: StoreBackend

    init() { backend = .sqlite }
    init(backend: StoreBackend) { self.backend = backend }

    @Test func addressesSeenTogetherFindOneContact() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        let first = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321", whatsAppLID: "123456789012345"),
                                            rawPhone: "5511987654321", profileName: "Ana")
        #expect(first.created)
        #expect(first.contact.e164 == "+5511987654321")
        // Later the LID alone, then the number alone: the same contact.
        let byLID = try ws.contacts.resolve(ContactIdentities(whatsAppLID: "123456789012345"), rawPhone: nil, profileName: nil)
        let byNumber = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321"), rawPhone: nil, profileName: "Ana S.")
        #expect(!byLID.created && !byNumber.created)
        #expect(byLID.contact.id == first.contact.id)
        #expect(byNumber.contact.id == first.contact.id)
        #expect(byNumber.contact.profileName == "Ana S.")
        #expect(try ws.contacts.aliases(of: first.contact.id) == [ContactAlias(kind: "lid", value: "123456789012345")])
        #expect(try ws.contacts.list(limit: 10).count == 1)
        // The plain upsert by number still finds it.
        #expect(try ws.contacts.upsert(e164: "+5511987654321", rawPhone: nil, profileName: nil).contact.id == first.contact.id)
    }

    @Test func mappingsAreWorkspaceScoped() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let a = try store.workspace("a").contacts.resolve(ContactIdentities(e164: "+5511987654321", whatsAppLID: "999"), rawPhone: nil, profileName: nil)
        let b = try store.workspace("b").contacts.resolve(ContactIdentities(whatsAppLID: "999"), rawPhone: nil, profileName: nil)
        #expect(b.created)
        #expect(b.contact.id != a.contact.id)
        #expect(b.contact.address == .whatsAppUser("999@lid"))
        #expect(try store.workspace("b").contacts.find(e164: "+5511987654321") == nil)
    }

    @Test func aLIDContactMergesIntoTheNumberWithItsHistory() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        // The customer wrote by number before, and by LID (number hidden) since.
        let byNumber = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321"), rawPhone: nil, profileName: "Ana").contact
        let numberConv = try ws.conversations.findOrCreate(channel: "wa-web", contact: byNumber.id).conversation
        let m1 = try insert(ws, numberConv.id, "P1", "by number")
        let byLID = try ws.contacts.resolve(ContactIdentities(whatsAppLID: "777"), rawPhone: nil, profileName: nil).contact
        #expect(byLID.id != byNumber.id)
        let lidConv = try ws.conversations.findOrCreate(channel: "wa-web", contact: byLID.id).conversation
        let m2 = try insert(ws, lidConv.id, "L1", "by lid")
        _ = try ws.events.append(NewEvent(.received, conversation: lidConv.id, message: m2, channel: "wa-web"))
        _ = try ws.queue.enqueueInbound(conversation: lidConv.id, message: m2, receivedAt: Date())
        _ = try ws.conversations.transition(lidConv.id, .handoff)
        // Another channel's conversation of the LID contact just changes hands.
        let otherConv = try ws.conversations.findOrCreate(channel: "wa-other", contact: byLID.id).conversation

        // A payload shows both: one contact, one conversation per channel, all history.
        let r = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321", whatsAppLID: "777"), rawPhone: nil, profileName: nil)
        #expect(r.contact.id == byNumber.id)
        #expect(r.merged == [byLID.id])
        #expect(r.mergedConversations == [MergedConversation(absorbed: lidConv.id, into: numberConv.id)])
        #expect(try ws.contacts.get(byLID.id) == nil)
        #expect(try ws.contacts.list(limit: 10).map(\.id) == [byNumber.id])
        #expect(try ws.conversations.get(lidConv.id) == nil)
        let merged = try #require(try ws.conversations.get(numberConv.id))
        #expect(merged.state == .human) // the agent who took the LID conversation keeps it
        #expect(try ws.messages.list(conversation: numberConv.id, after: nil, limit: 10).map(\.id) == [m1, m2])
        #expect(try ws.events.list(conversation: numberConv.id, after: nil, limit: 10).map(\.messageID).contains(m2))
        #expect(try store.queue.pendingInbound(limit: 10).allSatisfy { $0.conversationID == numberConv.id })
        #expect(try ws.conversations.get(otherConv.id)?.contactID == byNumber.id)
        // And the LID alone now finds the number's contact.
        #expect(try ws.contacts.resolve(ContactIdentities(whatsAppLID: "777"), rawPhone: nil, profileName: nil).contact.id == byNumber.id)
    }

    @Test func labelsNotesAndTheProfileOfAMergedContactFollowIt() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        let byNumber = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321"), rawPhone: nil, profileName: nil).contact
        let numberConv = try ws.conversations.findOrCreate(channel: "wa-web", contact: byNumber.id).conversation
        let byLID = try ws.contacts.resolve(ContactIdentities(whatsAppLID: "888"), rawPhone: nil, profileName: nil).contact
        let lidConv = try ws.conversations.findOrCreate(channel: "wa-web", contact: byLID.id).conversation
        let vip = try ws.labels.create(name: "vip", color: nil)
        try ws.labels.attach(vip.id, to: lidConv.id)
        _ = try ws.contactProfiles.addNote(byLID.id, author: "ada", text: "prefers mornings")
        _ = try ws.contactProfiles.update(byLID.id, name: .some("Ana (LID)"), attributes: ["city": "Recife"])

        let r = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321", whatsAppLID: "888"), rawPhone: nil, profileName: nil)
        #expect(r.merged == [byLID.id])
        #expect(try ws.labels.labels(of: [numberConv.id])[numberConv.id]?.map(\.name) == ["vip"])
        #expect(try ws.contactProfiles.notes(byNumber.id, limit: 10).map(\.text) == ["prefers mornings"])
        #expect(try ws.contactProfiles.profile(byNumber.id).name == "Ana (LID)")
    }

    @Test func erasingAContactDeletesItsAliasesAndTheExportListsThem() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        let c = try ws.contacts.resolve(ContactIdentities(e164: "+5511987654321", whatsAppLID: "999"), rawPhone: nil, profileName: nil).contact
        let export = try #require(try ws.dataCare.export(contact: c.id))
        #expect(export.aliases == [ContactAlias(kind: "lid", value: "999")])
        #expect(try ws.dataCare.erase(contact: c.id) != nil)
        #expect(try ws.contacts.aliases(of: c.id).isEmpty)
        // The LID alone is a stranger now.
        let again = try ws.contacts.resolve(ContactIdentities(whatsAppLID: "999"), rawPhone: nil, profileName: nil)
        #expect(again.created && again.contact.id != c.id)
    }

    @Test func aLIDContactTakesTheNumberWhenNoneExisted() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        let lid = try ws.contacts.resolve(ContactIdentities(whatsAppLID: "555"), rawPhone: nil, profileName: nil).contact
        #expect(lid.address == .whatsAppUser("555@lid"))
        let r = try ws.contacts.resolve(ContactIdentities(e164: "+2348031234567", whatsAppLID: "555"), rawPhone: "2348031234567", profileName: nil)
        #expect(r.contact.id == lid.id)
        #expect(r.merged.isEmpty)
        #expect(r.contact.e164 == "+2348031234567")
        #expect(try ws.contacts.find(e164: "+2348031234567")?.id == lid.id)
    }

    @Test func aBusinessUserIDContactFromBeforeMergesWhenTheNumberAppears() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        // As the Cloud API ingress stored it before: keyed `user:<BSUID>`, no alias.
        let known = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: "Titi").contact
        let second = try ws.contacts.upsert(e164: "user:NG.123abc", rawPhone: nil, profileName: nil).contact
        let r = try ws.contacts.resolve(ContactIdentities(e164: "+2348031234567", businessUserID: "NG.123abc"), rawPhone: nil, profileName: nil)
        #expect(r.contact.id == known.id)
        #expect(r.merged == [second.id])
        #expect(try ws.contacts.resolve(ContactIdentities(businessUserID: "NG.123abc"), rawPhone: nil, profileName: nil).contact.id == known.id)
    }

    @Test func twoNumbersAreNeverMergedTheAliasMovesInstead() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        let ws = store.workspace("a")
        let a = try ws.contacts.resolve(ContactIdentities(e164: "+5511000000001", whatsAppLID: "42"), rawPhone: nil, profileName: nil).contact
        let b = try ws.contacts.resolve(ContactIdentities(e164: "+5511000000002", whatsAppLID: "42"), rawPhone: nil, profileName: nil)
        #expect(b.contact.id != a.id)
        #expect(b.merged.isEmpty)
        #expect(try ws.contacts.get(a.id) != nil)
        #expect(try ws.contacts.resolve(ContactIdentities(whatsAppLID: "42"), rawPhone: nil, profileName: nil).contact.id == b.contact.id)
    }

    @Test func nothingToResolveIsRefused() throws {
        let dir = TempDir()
        let store = try makeStore(dir, backend: backend)
        #expect(throws: StoreError.self) {
            try store.workspace("a").contacts.resolve(ContactIdentities(), rawPhone: nil, profileName: nil)
        }
    }

    func insert(_ ws: any WorkspaceStore, _ conv: ConversationID, _ pid: String, _ text: String) throws -> MessageID {
        guard case .inserted(let m) = try ws.messages.insertInbound(
            NewInboundMessage(conversationID: conv, providerMessageID: pid, kind: .text, text: text)) else {
            throw StoreError(.conflict, "duplicate", path: "")
        }
        return m.id
    }
}
