import Foundation
import SwitchboardChannels
import Testing
import SwitchboardConfig
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// Replies claimed in their worker's transaction and handed to the channel's sender in
/// memory, against a fake Graph API and a real store: sent once, without a claim of the
/// sender's own; handed back to the queue when no lane may send them (the channel
/// paused, the sender stopped); taken again by a claim when their lease ran out first.
/// Nothing lost, nothing sent twice. Waits on conditions, never a fixed sleep.
@Suite(.serialized) struct SenderHandoverTests {
    let graph: FakeGraphAPI
    let dir = NSTemporaryDirectory() + "handover-\(UUID().uuidString)"
    let store: SQLiteStore

    init() throws {
        graph = try FakeGraphAPI()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try SQLiteStore(path: dir + "/t.db", options: StoreOptions())
        _ = try store.syncWorkspaces([WorkspaceDefinition(id: "demo", name: "Demo", region: "NG", timezone: "Africa/Lagos", configHash: "x")])
    }

    func finish() {
        store.close()
        graph.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func sender(token: String? = nil, laneIdleExit: TimeInterval = ChannelSender.defaultLaneIdleExit) throws -> ChannelSender {
        let cfg = try ConfigLoader.parse(host: """
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
                access_token: \(token ?? graph.accessToken)
                workspace: demo
            outbox:
              pair_spacing_ms: 0
            """, workspaces: [(file: "demo.yaml", text: "id: demo\nname: Demo\nregion: NG\ntimezone: Africa/Lagos\n")])
        return ChannelSender(channel: cfg.host.channels[0], app: cfg.host.whatsAppApps[0], outbox: cfg.host.outbox, store: store,
                             logger: Logger(sink: LogSink(level: .error)), metrics: PipelineMetrics(MetricsRegistry()),
                             laneIdleExit: laneIdleExit)
    }

    /// Starts `s` with a host's outbox sweep beside it (`LiveSenders`), as a host runs a
    /// sender; the closure returned stops both.
    func startAsAHost(_ s: ChannelSender) throws -> () -> Void {
        let live = LiveSenders(["wa-main": s], store: store)
        try s.start()
        try live.start()
        return {
            live.stop(deadline: .now + .seconds(2))
            s.stop(deadline: .now + .seconds(2))
        }
    }

    /// A customer who wrote just now and a reply to them queued the way a worker queues
    /// it: claimed for the sender when `lease` is given.
    func reply(_ phone: String, _ text: String, lease: TimeInterval?) throws -> (OutboxItem, MessageID) {
        let ws = store.workspace("demo")
        let contact = try ws.contacts.upsert(e164: "+" + phone, rawPhone: nil, profileName: nil).contact
        let c = try ws.conversations.findOrCreate(channel: "wa-main", contact: contact.id).conversation
        _ = try ws.messages.insertInbound(NewInboundMessage(conversationID: c.id, providerMessageID: "wamid.\(UUID().uuidString)",
                                                            kind: .text, text: "hi"))
        let m = try ws.messages.insertOutbound(NewOutboundMessage(conversationID: c.id, kind: .text, text: text))
        let new = NewOutboxItem(conversationID: c.id, messageID: m.id, channelID: "wa-main", recipient: phone, kind: .send,
                                bodyJSON: OutboxBody.send(text: text, buttons: []), receivedAt: nil)
        let item = try lease.map { try ws.queue.enqueueOutbox(new, claimFor: $0) } ?? ws.queue.enqueueOutbox(new)
        return (item, m.id)
    }

    func status(_ id: MessageID) throws -> DeliveryStatus? { try store.workspace("demo").messages.get(id)?.status }

    func outboxState(_ id: Int64) throws -> String? {
        try store.pool.read { db in try db.queryOne("SELECT state FROM outbox WHERE id = ?", [id]) { $0.string(0) } }
    }

    /// Polls `condition` every 10 ms until it holds or 10 s pass.
    func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    @Test func aReplyHandedOverIsSentOnceWithoutAClaim() throws {
        defer { finish() }
        let s = try sender()
        try s.start()
        defer { s.stop(deadline: .now + .seconds(2)) }
        let (item, id) = try reply("2348031110001", "hello", lease: 300)
        #expect(item.state == .sending)
        // No claim can take it (its lease holds for 5 minutes): only the hand-over sends it.
        s.handOver(item)
        #expect(try eventually { try status(id) == .sent })
        #expect(try eventually { try store.queue.outboxDepth().isEmpty })
        #expect(graph.acceptedSends.map(\.to) == ["2348031110001"])
        #expect(graph.acceptedSends.map(\.text) == ["hello"])
    }

    @Test func aReplyQueuedBehindAHandedOverOneFollowsItInOrder() throws {
        defer { finish() }
        let s = try sender()
        graph.setHeld(true)
        try s.start()
        defer { s.stop(deadline: .now + .seconds(2)) }
        let (first, firstID) = try reply("2348031110002", "one", lease: 300)
        s.handOver(first)
        #expect(graph.wait { $0.sends.count == 1 })
        // The customer's next reply is queued behind the one in flight, as a worker queues it.
        let (second, secondID) = try reply("2348031110002", "two", lease: 300)
        #expect(second.state == .queued)
        s.notify()
        graph.setHeld(false)
        #expect(try eventually { try status(firstID) == .sent && status(secondID) == .sent })
        #expect(graph.acceptedSends.map(\.text) == ["one", "two"])
    }

    @Test func aReplyHandedOverWhileTheChannelIsPausedIsHeldInTheQueueAndSentOnceResumed() throws {
        defer { finish() }
        let s = try sender(token: "refused-token")
        try s.start()
        defer { s.stop(deadline: .now + .seconds(2)) }
        // A queued reply meets the refused token: the channel pauses, holding it.
        let (_, heldID) = try reply("2348031110003", "held", lease: nil)
        s.notify()
        #expect(eventually { s.state == .authFailed })
        #expect(s.takesHandover == false)
        // A worker that claimed its reply just before the pause hands it over anyway.
        let (handed, handedID) = try reply("2348031110004", "handed", lease: 300)
        s.handOver(handed)
        #expect(try eventually { try outboxState(handed.id) == "queued" })
        #expect(graph.acceptedSends.isEmpty)
        // The token is replaced: both go out, once each.
        #expect((s.transport as? WhatsAppCloudTransport)?.replaceCredentials(accessToken: graph.accessToken, graphURL: graph.graphURL) == true)
        s.credentialsReplaced()
        #expect(try eventually { try status(heldID) == .sent && status(handedID) == .sent })
        #expect(graph.acceptedSends.compactMap(\.text).sorted() == ["handed", "held"])
    }

    @Test func aReplyHandedOverToAStoppedSenderGoesBackToTheQueue() throws {
        defer { finish() }
        let s = try sender()
        try s.start()
        s.stop(deadline: .now + .seconds(2))
        let (item, id) = try reply("2348031110005", "late", lease: 300)
        s.handOver(item)
        #expect(try eventually { try outboxState(item.id) == "queued" })
        #expect(try status(id) == .queued)
        #expect(graph.sends.isEmpty)
        // The next start's sender claims it.
        let next = try sender()
        try next.start()
        defer { next.stop(deadline: .now + .seconds(2)) }
        #expect(try eventually { try status(id) == .sent })
        #expect(graph.acceptedSends.map(\.text) == ["late"])
    }

    /// A channel with nothing to send holds no thread: the lane the start began ends once
    /// idle, and a reply handed over, or queued and announced, starts one again.
    @Test func aQuietChannelHoldsNoLaneAndWorkStartsOne() throws {
        defer { finish() }
        let s = try sender(laneIdleExit: 0.3)
        try s.start()
        defer { s.stop(deadline: .now + .seconds(2)) }
        #expect(eventually { s.lanesRunning == 0 })
        let (item, id) = try reply("2348031110007", "handed", lease: 300)
        s.handOver(item)
        #expect(try eventually { try status(id) == .sent })
        #expect(eventually { s.lanesRunning == 0 })
        let (_, queuedID) = try reply("2348031110008", "queued", lease: nil)
        s.notify()
        #expect(try eventually { try status(queuedID) == .sent })
        #expect(eventually { s.lanesRunning == 0 })
        #expect(graph.acceptedSends.map(\.text) == ["handed", "queued"])
    }

    /// A channel a reload adds is listed (workers may hand it replies) a moment before its
    /// sender starts: a reply handed over in that moment is claimed already (its lease
    /// hides it from claims and from the host's sweep), so the start sends it, not the end
    /// of its lease.
    @Test func aReplyHandedOverBeforeTheSenderStartedIsSentAtItsStart() throws {
        defer { finish() }
        let s = try sender(laneIdleExit: 0.3)
        defer { s.stop(deadline: .now + .seconds(2)) }
        let (item, id) = try reply("2348031110010", "before the start", lease: 300)
        s.handOver(item)
        #expect(s.lanesRunning == 0)
        try s.start()
        #expect(try eventually { try status(id) == .sent })
        #expect(graph.acceptedSends.map(\.text) == ["before the start"])
    }

    /// What no commit announces, the host's sweep (`LiveSenders`) finds: a retry that
    /// comes due after the channel's lanes ended is sent without anyone telling the sender.
    @Test func theHostsSweepStartsALaneForARetryThatCameDue() throws {
        defer { finish() }
        let (item, id) = try reply("2348031110009", "later", lease: nil)
        try store.workspace("demo").queue.retryOutbox(item.id, attempts: 1, nextAttemptAt: Date(timeIntervalSinceNow: 3),
                                                      error: "provider busy")
        let s = try sender(laneIdleExit: 0.2)
        let stop = try startAsAHost(s)
        defer { stop() }
        // The start's lane saw nothing due and ended before the retry's time.
        #expect(eventually { s.lanesRunning == 0 })
        #expect(try status(id) == .queued)
        #expect(try eventually { try status(id) == .sent })
        #expect(graph.acceptedSends.map(\.text) == ["later"])
    }

    @Test func aReplyWhoseLeaseRanOutBeforeALaneTookItIsClaimedAgainAndSentOnce() throws {
        defer { finish() }
        let s = try sender()
        // As in a host: its sweep wakes the sender once claims look for expired leases.
        let stop = try startAsAHost(s)
        defer { stop() }
        let (item, id) = try reply("2348031110006", "expired", lease: 0)
        s.handOver(item)
        #expect(try eventually { try status(id) == .sent })
        #expect(try eventually { try store.queue.outboxDepth().isEmpty })
        #expect(graph.acceptedSends.map(\.text) == ["expired"])
    }
}
