import Foundation
import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardStore

/// `QueueStore.hasEarlierInbound`: with two stores on one PostgreSQL database (two hosts),
/// a job whose conversation has an older job pending on the other host sees it until
/// that one is done; other conversations and other workspaces do not count. On SQLite
/// (one host, its jobs in its memory) it is always false.
@Suite struct EarlierInboundTests {
    @Test func anOlderJobOfTheConversationOnAnotherHostIsSeenUntilItIsDone() throws {
        let url = try TestPostgres.freshDatabase(prefix: "earlier")
        let one = try PostgresStore(url: url, poolSize: 2, options: testOptions())
        _ = try one.syncWorkspaces([definition("a"), definition("b")])
        let two = try PostgresStore(url: url, poolSize: 2, options: testOptions())
        let a1 = one.workspace("a"), a2 = two.workspace("a")
        let conversation = try makeConversation(a1)
        let other = try makeConversation(a1, phone: "+2348039999999")
        let b = try makeConversation(one.workspace("b"))

        // Message 1 reached host one, message 2 host two.
        let m1 = try #require(try a1.messages.insertInbound(inbound(conversation, "wamid.1", "first")).inserted)
        let job1 = try a1.queue.enqueueInbound(conversation: conversation.id, message: m1.id, receivedAt: Date())
        let m2 = try #require(try a2.messages.insertInbound(inbound(conversation, "wamid.2", "second")).inserted)
        let job2 = try a2.queue.enqueueInbound(conversation: conversation.id, message: m2.id, receivedAt: Date())
        let mo = try #require(try a2.messages.insertInbound(inbound(other, "wamid.o", "other")).inserted)
        let jobOther = try a2.queue.enqueueInbound(conversation: other.id, message: mo.id, receivedAt: Date())
        let mb = try #require(try two.workspace("b").messages.insertInbound(inbound(b, "wamid.b", "b")).inserted)
        let jobB = try two.workspace("b").queue.enqueueInbound(conversation: b.id, message: mb.id, receivedAt: Date())

        #expect(try two.queue.hasEarlierInbound(workspace: "a", conversation: conversation.id, before: job2.id))
        #expect(try !one.queue.hasEarlierInbound(workspace: "a", conversation: conversation.id, before: job1.id))
        #expect(try !two.queue.hasEarlierInbound(workspace: "a", conversation: other.id, before: jobOther.id))
        #expect(try !two.queue.hasEarlierInbound(workspace: "b", conversation: b.id, before: jobB.id))
        // Host one finishes message 1: message 2 may run.
        try one.transaction { tx in try tx.workspace("a").queue.completeInbound(job1.id) }
        #expect(try !two.queue.hasEarlierInbound(workspace: "a", conversation: conversation.id, before: job2.id))
    }

    @Test func onSQLiteItIsAlwaysFalse() throws {
        let dir = TempDir()
        let store = try makeSQLiteStore(dir)
        let ws = store.workspace("a")
        let conversation = try makeConversation(ws)
        var jobs: [InboundJob] = []
        for i in 0..<2 {
            let m = try #require(try ws.messages.insertInbound(inbound(conversation, "wamid.\(i)", "m\(i)")).inserted)
            jobs.append(try ws.queue.enqueueInbound(conversation: conversation.id, message: m.id, receivedAt: Date()))
        }
        #expect(try !store.queue.hasEarlierInbound(workspace: "a", conversation: conversation.id, before: jobs[1].id))
    }
}
