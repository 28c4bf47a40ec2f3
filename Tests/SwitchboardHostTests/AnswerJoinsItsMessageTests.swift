import Foundation
import Synchronization
import Testing
import SwitchboardChannels
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardStore
@testable import SwitchboardHost

/// A message whose workspace answers at once (every plugin inline, no debounce) goes to
/// its worker before its commit, and the answer joins that commit: when the webhook is
/// acknowledged the reply is already stored. A worker's outcome is written only for a job
/// still pending, so a job whose message was never committed (or that another host
/// completed) answers nothing.
@Suite struct AnswerJoinsItsMessageTests {
    func config(debounceMilliseconds: Int = 0) throws -> LoadedConfig {
        try ConfigLoader.parse(host: """
            storage:
              sqlite: unused.db
            whatsapp:
              apps:
                - {id: main, app_secret: s3cret-app, verify_token: v3rify, graph_url: "http://127.0.0.1:9"}
            channels:
              - {id: wa-main, type: whatsapp, app: main, phone_number_id: "106540352242922", access_token: t0ken, workspace: demo}
            """, workspaces: [(file: "demo.yaml", text: """
            id: demo
            name: Demo
            region: NG
            timezone: Africa/Lagos
            fallback: "Thanks, we will answer soon."
            debounce_ms: \(debounceMilliseconds)

            """)])
    }

    /// A store whose commits may wait long for a hold (the test then never depends on how
    /// fast the worker is).
    func pipeline(_ dir: String, config: LoadedConfig) throws -> (SQLiteStore, Pipeline) {
        var options = StoreOptions()
        options.durability = .normal
        options.commitHoldLimit = .seconds(60)
        let store = try SQLiteStore(path: dir + "/t.db", options: options)
        _ = try store.syncWorkspaces([WorkspaceDefinition(id: "demo", name: "Demo", region: "NG", timezone: "Africa/Lagos", configHash: "x")])
        let pipeline = try Pipeline(host: config, store: store, logger: Logger(sink: LogSink(level: .error)),
                                    metrics: MetricsRegistry())
        try pipeline.workers.start()
        return (store, pipeline)
    }

    func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("answer-joins-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func message(_ id: String) -> InboundMessage {
        InboundMessage(channel: "wa-main", providerMessageID: id, from: "2348031234567", timestamp: Date(), kind: .text,
                       providerType: "text", text: "hello", rawJSON: "{}")
    }

    /// A customer of workspace `ws` with a conversation on wa-main.
    func customer(_ ws: any WorkspaceStore) throws -> (contact: Contact, conversation: Conversation) {
        let contact = try ws.contacts.upsert(address: .phone("+2348031234567"), rawPhone: nil, profileName: nil).contact
        return (contact, try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation)
    }

    struct NotInserted: Error { let providerMessageID: String }

    /// An inbound text message stored (committed) in `conversation`.
    func inbound(_ ws: any WorkspaceStore, _ conversation: Conversation, _ id: String, _ text: String) throws -> Message {
        guard case .inserted(let m) = try ws.messages.insertInbound(NewInboundMessage(
            conversationID: conversation.id, providerMessageID: id, kind: .text, text: text, payloadJSON: nil)) else {
            throw NotInserted(providerMessageID: id)
        }
        return m
    }

    func kinds(_ store: SQLiteStore) throws -> [EventKind] {
        try store.workspace("demo").events.list(conversation: nil, after: nil, limit: 100).map(\.kind)
    }

    /// What the ingest saw once it reported the batch committed (what the webhook's
    /// acknowledgement waits for): the journal then, and the commits and writes since
    /// just before.
    struct Acknowledged: Sendable {
        var kinds: [EventKind] = []
        var commits = 0
        var writes = 0
        var failure: String?
    }

    func ingest(_ pipeline: Pipeline, _ store: SQLiteStore, _ m: InboundMessage...,
                within: DispatchTime = .now() + 60) throws -> Acknowledged {
        let before = store.writeStatistics
        let seen = Mutex(Acknowledged())
        let done = DispatchSemaphore(value: 0)
        pipeline.ingest.commit(InboundBatch(messages: m), source: "test", receivedAt: Date()) { result in
            let now = store.writeStatistics
            let kinds = Result { try self.kinds(store) }
            seen.withLock { s in
                s.commits = now.commits - before.commits
                s.writes = now.writes - before.writes
                switch (result, kinds) {
                case (.success, .success(let k)): s.kinds = k
                case (.failure(let e), _), (_, .failure(let e)): s.failure = "\(e)"
                }
            }
            done.signal()
        }
        #expect(done.wait(timeout: within) == .success)
        return seen.withLock { $0 }
    }

    @Test func aMessageAnsweredAtOnceIsAcknowledgedWithItsAnswerInTheSameCommit() throws {
        let dir = tempDir()
        let (store, pipeline) = try pipeline(dir, config: config())
        defer { pipeline.workers.stop(deadline: .now + .seconds(5)); store.close() }
        let seen = try ingest(pipeline, store, message("wamid.one"))
        #expect(seen.failure == nil)
        // The answer (verdict and queued reply) was committed with the message: when the
        // acknowledgement was due, both writes were in. (Commits are not counted: the
        // writer's own indexing passes commit without writes of any caller's.)
        #expect(seen.kinds.contains(.received))
        #expect(seen.kinds.contains(.verdict))
        #expect(seen.kinds.contains(.queued))
        #expect(seen.writes >= 2, "commits \(seen.commits), writes \(seen.writes)")
        #expect(try store.queue.outboxDepth()["wa-main"] == 1)
    }

    /// Two messages of one customer in one webhook: the second waits for the first's
    /// answer, so only the first holds the commit (the acknowledgement does not wait out the
    /// hold limit, 60 s here); both are answered, in order.
    @Test func twoMessagesOfOneConversationInOneBatchHoldTheCommitOnce() throws {
        let dir = tempDir()
        let (store, pipeline) = try pipeline(dir, config: config())
        defer { pipeline.workers.stop(deadline: .now + .seconds(5)); store.close() }
        let seen = try ingest(pipeline, store, message("wamid.first"), message("wamid.second"), within: .now() + 30)
        #expect(seen.failure == nil)
        #expect(seen.kinds.filter { $0 == .received }.count == 2)
        #expect(seen.kinds.filter { $0 == .queued }.count >= 1)
        var queued = 0
        for _ in 0..<600 where queued < 2 {
            queued = try kinds(store).filter { $0 == .queued }.count
            if queued < 2 { usleep(20_000) }
        }
        #expect(queued == 2)
    }

    /// A debounce window means the answer waits for the customer to stop typing: the
    /// message commits on its own, and the answer comes later.
    @Test func aMessageWithADebounceWindowCommitsWithoutWaitingForItsAnswer() throws {
        let dir = tempDir()
        let (store, pipeline) = try pipeline(dir, config: config(debounceMilliseconds: 200))
        defer { pipeline.workers.stop(deadline: .now + .seconds(5)); store.close() }
        let seen = try ingest(pipeline, store, message("wamid.two"))
        #expect(seen.failure == nil)
        #expect(seen.kinds.contains(.received))
        #expect(!seen.kinds.contains(.queued))
        var answered = false
        for _ in 0..<600 where !answered {
            answered = try kinds(store).contains(.queued)
            if !answered { usleep(20_000) }
        }
        #expect(answered)
    }

    /// A job that is not pending (its message's commit failed after it was handed on, or
    /// another host completed it) writes no outcome: no verdict, no reply. The same
    /// message with its job pending is answered.
    @Test func aJobThatIsNoLongerPendingAnswersNothing() throws {
        let dir = tempDir()
        let (store, pipeline) = try pipeline(dir, config: config())
        defer { pipeline.workers.stop(deadline: .now + .seconds(5)); store.close() }
        let ws = store.workspace("demo")
        let (contact, conversation) = try customer(ws)
        let stored = try inbound(ws, conversation, "wamid.three", "hello")
        func process(_ job: InboundJob) {
            let done = DispatchSemaphore(value: 0)
            pipeline.workers.process(job) { done.signal() }
            #expect(done.wait(timeout: .now() + 60) == .success)
        }
        process(InboundJob(id: 9_999_999, workspaceID: "demo", conversationID: conversation.id, messageID: stored.id,
                           receivedAt: Date(), stored: (stored, contact, conversation)))
        #expect(!(try kinds(store).contains(.verdict)))
        #expect(try store.queue.outboxDepth()["wa-main"] ?? 0 == 0)

        var pending = try ws.queue.enqueueInbound(conversation: conversation.id, message: stored.id, receivedAt: Date())
        pending.stored = (stored, contact, conversation)
        process(pending)
        #expect(try kinds(store).filter { $0 == .verdict }.count == 1)
        #expect(try kinds(store).contains(.queued))
        #expect(try store.queue.outboxDepth()["wa-main"] == 1)
    }

    /// A plugin asking for the history while the message it handles is not committed yet
    /// (its commit waits for the chain's answer) gets the conversation's earlier messages,
    /// as it would once committed; never the message itself or a later one.
    @Test func theHistoryOfAMessageNotCommittedYetIsWhatCameBeforeIt() throws {
        let dir = tempDir()
        let (store, pipeline) = try pipeline(dir, config: config())
        defer { pipeline.workers.stop(deadline: .now + .seconds(5)); store.close() }
        let ws = store.workspace("demo")
        let conversation = try customer(ws).conversation
        _ = try inbound(ws, conversation, "wamid.h1", "when are you open?")
        _ = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: conversation.id, kind: .text, text: "8am to 7pm."))
        let committed = try inbound(ws, conversation, "wamid.h2", "and on sunday?")
        // Committed: what came before it.
        #expect(try ChainResponders.earlier(ws, conversation: conversation.id, than: committed, limit: 10).map(\.text)
                == ["when are you open?", "8am to 7pm."])
        // Not committed yet (a message the store does not show): everything the store shows.
        var held = committed
        held.id = MessageID("msg-not-committed-yet")
        let all = try ChainResponders.earlier(ws, conversation: conversation.id, than: held, limit: 10).map(\.text)
        #expect(all == ["when are you open?", "8am to 7pm.", "and on sunday?"])
        #expect(try ChainResponders.earlier(ws, conversation: conversation.id, than: held, limit: 1).map(\.text) == ["and on sunday?"])
    }
}
