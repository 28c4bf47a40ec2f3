import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The queries the inbox lists with: filtered conversation pages, contact pages and
/// unread counts, each bound to its workspace.
@Suite struct InboxQueryStoreTests {
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

    @Test func conversationPagesFollowTheCursorAndTheFilter() throws {
        var made: [Conversation] = []
        for i in 0..<5 { made.append(try makeConversation(a, phone: "+23480300000\(10 + i)", channel: i == 4 ? "wa-2" : "wa-main")) }
        _ = try a.conversations.assign(made[1].id, to: "u1")
        _ = try a.conversations.transition(made[2].id, .handoff)
        _ = try makeConversation(b)
        let newestFirst = try a.conversations.list(ConversationFilter(), after: nil, limit: 10)
        #expect(newestFirst.map(\.id) == [made[2], made[1], made[4], made[3], made[0]].map(\.id))
        let page1 = try a.conversations.list(ConversationFilter(), after: nil, limit: 2)
        let cursor = ListCursor(at: page1.last!.updatedAt, id: page1.last!.id.rawValue)
        let page2 = try a.conversations.list(ConversationFilter(), after: cursor, limit: 2)
        #expect((page1 + page2).map(\.id) == Array(newestFirst.prefix(4)).map(\.id))

        #expect(try a.conversations.list(ConversationFilter(assignment: .to("u1")), after: nil, limit: 10).map(\.id) == [made[1].id])
        #expect(try a.conversations.list(ConversationFilter(assignment: .nobody), after: nil, limit: 10).count == 4)
        #expect(try a.conversations.list(ConversationFilter(state: .human), after: nil, limit: 10).map(\.id) == [made[2].id])
        #expect(try a.conversations.list(ConversationFilter(channel: "wa-2"), after: nil, limit: 10).map(\.id) == [made[4].id])
        #expect(try b.conversations.list(ConversationFilter(), after: nil, limit: 10).count == 1)
        #expect(try b.conversations.list(ConversationFilter(assignment: .to("u1")), after: nil, limit: 10).isEmpty)
    }

    @Test func contactPagesFollowTheCursor() throws {
        var made: [ContactID] = []
        for i in 0..<3 { made.append(try a.contacts.upsert(e164: "+23480300000\(10 + i)", rawPhone: nil, profileName: nil).contact.id) }
        let first = try a.contacts.list(after: nil, limit: 2)
        #expect(first.map(\.id) == [made[2], made[1]])
        let rest = try a.contacts.list(after: ListCursor(at: first[1].createdAt, id: first[1].id.rawValue), limit: 2)
        #expect(rest.map(\.id) == [made[0]])
        #expect(try b.contacts.list(after: nil, limit: 10).isEmpty)
    }

    @Test func unreadCountsInboundSinceTheLastSentReply() throws {
        let c = try makeConversation(a)
        let other = try makeConversation(a, phone: "+2348030000099")
        func inbound(_ n: Int) throws {
            _ = try a.messages.insertInbound(NewInboundMessage(conversationID: c.id, providerMessageID: "wamid.\(n)", kind: .text, text: "m\(n)"))
        }
        #expect(try a.messages.unreadCounts([c.id, other.id]).isEmpty)
        try inbound(1)
        try inbound(2)
        #expect(try a.messages.unreadCounts([c.id, other.id]) == [c.id: 2])
        _ = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .note, text: "a note"))
        #expect(try a.messages.unreadCounts([c.id]) == [c.id: 2])
        _ = try a.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "reply"))
        #expect(try a.messages.unreadCounts([c.id]) == [:])
        try inbound(3)
        #expect(try a.messages.unreadCounts([c.id]) == [c.id: 1])
        #expect(try b.messages.unreadCounts([c.id]) == [:])
    }
}
