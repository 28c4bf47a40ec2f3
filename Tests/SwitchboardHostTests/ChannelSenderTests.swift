import Foundation
import Testing
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// The channel sender against a fake Graph API and a real store whose clock the test
/// sets: the 24-hour window is checked before calling the provider.
@Suite struct ChannelSenderTests {
    func config(_ graph: FakeGraphAPI) throws -> LoadedConfig {
        try ConfigLoader.parse(host: """
            storage:
              sqlite: unused.db
            whatsapp:
              apps:
                - id: main
                  app_secret: s3cret-app
                  verify_token: v3rify
                  graph_url: \(graph.graphURL)
            channels:
              - id: wa-main
                type: whatsapp
                app: main
                phone_number_id: "106540352242922"
                access_token: \(graph.accessToken)
                workspace: demo
            """, workspaces: [(file: "demo.yaml", text: "id: demo\nname: Demo\nregion: NG\ntimezone: Africa/Lagos\n")])
    }

    /// A store whose clock reads `offset` seconds from now, with a conversation whose
    /// customer wrote at that time and a reply queued for it.
    func storeWithQueuedReply(_ dir: String, offset: TimeInterval) throws -> (SQLiteStore, MessageID) {
        var options = StoreOptions()
        options.clock = { Date().addingTimeInterval(offset) }
        let store = try SQLiteStore(path: dir + "/t.db", options: options)
        _ = try store.syncWorkspaces([WorkspaceDefinition(id: "demo", name: "Demo", region: "NG", timezone: "Africa/Lagos", configHash: "x")])
        let ws = store.workspace("demo")
        let contact = try ws.contacts.upsert(e164: "+2348031234567", rawPhone: nil, profileName: nil).contact
        let c = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
        _ = try ws.messages.insertInbound(NewInboundMessage(conversationID: c.id, providerMessageID: "wamid.in", kind: .text, text: "hi"))
        let reply = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: "hello"))
        _ = try ws.queue.enqueueOutbox(NewOutboxItem(conversationID: c.id, messageID: reply.id, channelID: "wa-main",
                                                     recipient: "2348031234567", kind: .send,
                                                     bodyJSON: OutboxBody.send(text: "hello", buttons: []), receivedAt: nil))
        return (store, reply.id)
    }

    func run(offset: TimeInterval) throws -> (FakeGraphAPI, Message?) {
        let graph = try FakeGraphAPI()
        let dir = NSTemporaryDirectory() + "sender-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, id) = try storeWithQueuedReply(dir, offset: offset)
        let cfg = try config(graph)
        let sender = ChannelSender(channel: cfg.host.channels[0], app: cfg.host.whatsAppApps[0], outbox: cfg.host.outbox, store: store,
                                   logger: Logger(sink: LogSink(level: .error)), metrics: PipelineMetrics(MetricsRegistry()))
        try sender.start()
        var message: Message?
        for _ in 0..<200 {
            message = try store.workspace("demo").messages.get(id)
            if message?.status == .sent || message?.status == .failed { break }
            usleep(20_000)
        }
        sender.stop(deadline: .now + .seconds(2))
        store.close()
        return (graph, message)
    }

    @Test func aReplyWithinTheWindowIsSent() throws {
        let (graph, message) = try run(offset: -3600)
        #expect(message?.status == .sent)
        #expect(graph.acceptedSends.count == 1)
    }

    @Test func aReplyOutsideTheWindowFailsWithoutCallingTheProvider() throws {
        let (graph, message) = try run(offset: -25 * 3600)
        #expect(message?.status == .failed)
        #expect(message?.errorTitle == "outside the 24-hour customer service window")
        #expect(graph.sends.isEmpty)
    }
}
