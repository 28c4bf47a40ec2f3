import Foundation
import Testing
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardStore
@testable import SwitchboardHost

/// The settler against a real store: an outcome for a message that no longer exists (an
/// erase while its reply was in flight) is dropped with a log line and a count, not
/// retried forever.
@Suite struct OutboxSettlerTests {
    let dir = NSTemporaryDirectory() + "settler-\(UUID().uuidString)"
    let store: SQLiteStore
    let registry = MetricsRegistry()
    let logPath: String
    let settler: OutboxSettler

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try SQLiteStore(path: dir + "/t.db", options: StoreOptions())
        _ = try store.syncWorkspaces([WorkspaceDefinition(id: "demo", name: "Demo", region: "NG", timezone: "Africa/Lagos", configHash: "x")])
        logPath = dir + "/host.log"
        let logger = Logger(sink: try LogSink(level: .info, format: .json, path: logPath))
        settler = OutboxSettler(store: store, logger: logger, metrics: PipelineMetrics(registry))
    }

    func finish() {
        settler.stop(deadline: .now + .seconds(1))
        store.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A reply claimed by a sender, then erased (outbox entry and message) while its
    /// provider call was in flight.
    func erasedInFlight(_ phone: String) throws -> OutboxItem {
        let ws = store.workspace("demo")
        let contact = try ws.contacts.upsert(e164: "+" + phone, rawPhone: nil, profileName: nil).contact
        let c = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "hello"))
        _ = try ws.queue.enqueueOutbox(NewOutboxItem(conversationID: c.id, messageID: m.id, channelID: "wa-main", recipient: phone,
                                                     kind: .send, bodyJSON: OutboxBody.send(text: "hello", buttons: []),
                                                     receivedAt: nil))
        let item = try #require(try store.queue.claimOutbox(channel: "wa-main", now: Date(), limit: 1).first)
        try store.pool.write { db in
            _ = try db.run("DELETE FROM outbox WHERE id = ?", [item.id])
            _ = try db.run("DELETE FROM messages WHERE workspace_id = 'demo' AND id = ?", [m.id.rawValue])
        }
        #expect(try ws.messages.get(m.id) == nil)
        return item
    }

    func logged(_ message: String) throws -> [[String: Any]] {
        try String(contentsOfFile: logPath, encoding: .utf8).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.filter { $0["message"] as? String == message }
    }

    func dropped(_ outcome: String) -> Double {
        PipelineMetrics(registry).settlesDropped.labels("wa-main", outcome).current
    }

    @Test func aSentOutcomeForAMessageThatNoLongerExistsIsDroppedNotRetried() throws {
        defer { finish() }
        let item = try erasedInFlight("2348031110001")
        #expect(settler.settle(item, .sent(providerMessageID: "wamid.out1", detail: [:])))
        #expect(settler.waiting == 0)
        #expect(dropped("sent") == 1)
        let lines = try logged("outbox entry's message no longer exists; its outcome is dropped")
        #expect(lines.count == 1)
        #expect(lines.first?["level"] as? String == "error")
        #expect(lines.first?["message_id"] as? String == item.messageID.rawValue)
        #expect(try logged("outbox entry not settled; trying again").isEmpty)
        // Nothing was journalled about the erased message.
        #expect(try store.workspace("demo").events.list(conversation: item.conversationID, after: nil, limit: 100).isEmpty)
    }

    @Test func aFailedOutcomeQueuedForAMessageThatNoLongerExistsIsDroppedToo() throws {
        defer { finish() }
        let item = try erasedInFlight("2348031110002")
        settler.settleQueued(item, .failed(code: "131026", title: "undeliverable", detail: [:])).wait()
        #expect(settler.waiting == 0)
        #expect(dropped("failed") == 1)
        #expect(try logged("outbox entry not settled; trying again").isEmpty)
    }
}
