import Foundation
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardLog
import SwitchboardStore
@testable import SwitchboardHost

/// `GET /api/v1/events` through a real HTTP server on port 0, read with a raw socket.
@Suite struct InboxAPIEventsTests {
    func serve<T>(_ f: InboxFixture, as context: AuthContext, _ body: (HTTPServer, Int) throws -> T) throws -> T {
        let server = HTTPServer(configuration: HTTPServerConfiguration(listen: "127.0.0.1:0"), router: f.router(as: context),
                                metrics: MetricsRegistry(), logger: nil)
        try server.start()
        defer { server.stop(deadline: .seconds(2)) }
        let port = try #require(server.boundPort)
        return try body(server, port)
    }

    func eventJSON(_ frame: SSEClient.Frame?) -> [String: Any] {
        guard let data = frame?.data?.data(using: .utf8) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    @Test func aNewlyJournalledEventIsDelivered() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(50))
        let c = try f.inbound("a")
        let old = try f.ws("a").events.append(NewEvent(.received, conversation: c.id, channel: "wa-main"))
        try serve(f, as: InboxFixture.agent("a")) { _, port in
            let client = try SSEClient(port: port, path: "/api/v1/events")
            #expect(client.status == 200)
            #expect(client.headers["content-type"] == "text/event-stream")
            #expect(client.headers["cache-control"] == "no-cache")
            // Journalled after the request: delivered; the older one is not replayed.
            let r = f.router(as: InboxFixture.agent("a")).post("/api/v1/conversations/\(c.id)/assign", json: #"{"user_id":"user-9"}"#)
            #expect(r.status == 200)
            let frame = try client.nextEvent()
            #expect(frame?.event == "assigned")
            let json = eventJSON(frame)
            #expect(json["kind"] as? String == "assigned")
            #expect(json["conversation_id"] as? String == c.id.rawValue)
            #expect((json["detail"] as? [String: Any])?["agent"] as? String == "user-9")
            let id = try #require(json["id"] as? Int)
            #expect(frame?.id == String(id))
            #expect(Int64(id) > old.id)
        }
    }

    @Test func lastEventIDResumesAfterThatEvent() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(50))
        let c = try f.inbound("a")
        let ws = f.ws("a")
        let e1 = try ws.events.append(NewEvent(.received, conversation: c.id, detail: ["n": "1"]))
        let e2 = try ws.events.append(NewEvent(.verdict, conversation: c.id, detail: ["n": "2"]))
        let e3 = try ws.events.append(NewEvent(.queued, conversation: c.id, detail: ["n": "3"]))
        try serve(f, as: InboxFixture.agent("a")) { _, port in
            let client = try SSEClient(port: port, path: "/api/v1/events", headers: ["Last-Event-ID": String(e1.id)])
            let first = try client.nextEvent()
            let second = try client.nextEvent()
            #expect([first?.id, second?.id] == [String(e2.id), String(e3.id)])
            #expect([first?.event, second?.event] == ["verdict", "queued"])
            let bad = f.router(as: InboxFixture.agent("a")).get("/api/v1/events", headers: ["Last-Event-ID": "yesterday"])
            #expect(bad.status == 400)
        }
    }

    @Test func anotherWorkspacesEventsAreNeverSent() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(50))
        let a = try f.inbound("a")
        let b = try f.inbound("b")
        try serve(f, as: InboxFixture.agent("b")) { _, port in
            // Even resuming from the very start, b's stream holds only b's events.
            let client = try SSEClient(port: port, path: "/api/v1/events", headers: ["Last-Event-ID": "0"])
            // a's event comes first in the journal; b's own event after it is the barrier:
            // once the stream has sent b's, it has had every chance to send a's.
            _ = try f.ws("a").events.append(NewEvent(.received, conversation: a.id, detail: ["secret": "a"]))
            let mine = try f.ws("b").events.append(NewEvent(.received, conversation: b.id, detail: ["mine": "b"]))
            var seen: [[String: Any]] = []
            while let frame = try client.nextEvent() {
                seen.append(eventJSON(frame))
                if frame.id == String(mine.id) { break }
            }
            #expect(seen.last?["id"] as? Int == Int(mine.id))
            #expect(seen.allSatisfy { ($0["conversation_id"] as? String) != a.id.rawValue })
            #expect(seen.allSatisfy { ($0["detail"] as? [String: Any])?["secret"] == nil })
            #expect(seen.dropLast().allSatisfy { $0["kind"] as? String == "workspace_synced" })
        }
    }

    @Test func aQuietStreamSendsHeartbeatComments() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(20), heartbeat: .milliseconds(100))
        try serve(f, as: InboxFixture.agent("a")) { _, port in
            let client = try SSEClient(port: port, path: "/api/v1/events")
            let frame = try client.next()
            #expect(frame?.comment == "heartbeat")
            #expect(frame?.data == nil)
        }
    }

    @Test func aClientThatLeavesStopsItsFeedAtTheNextHeartbeat() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(20), heartbeat: .milliseconds(100))
        try serve(f, as: InboxFixture.agent("a")) { _, port in
            let client = try SSEClient(port: port, path: "/api/v1/events")
            #expect(eventually { f.api.openEventStreams.value == 1 })
            client.disconnect()
            #expect(eventually { f.api.openEventStreams.value == 0 })
        }
    }

    @Test func stoppingTheServerEndsTheStream() throws {
        let f = try InboxFixture(pollInterval: .milliseconds(20))
        let log = NSTemporaryDirectory() + "sb-stream-stop-\(UUID().uuidString).log"
        defer { unlink(log) }
        let server = HTTPServer(configuration: HTTPServerConfiguration(listen: "127.0.0.1:0"),
                                router: f.router(as: InboxFixture.agent("a")), metrics: MetricsRegistry(),
                                logger: Logger(sink: try LogSink(level: .debug, format: .json, path: log)))
        try server.start()
        let client = try SSEClient(port: try #require(server.boundPort), path: "/api/v1/events")
        #expect(eventually { f.api.openEventStreams.value == 1 })
        server.stop(deadline: .seconds(5))
        // Stop ended the stream instead of waiting it out: it did not give up on a
        // request still in flight at the deadline.
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("http server stopped"))
        #expect(!text.contains("http server stopping with requests still in flight"))
        #expect(try client.next() == nil)
        #expect(eventually { f.api.openEventStreams.value == 0 })
    }
}
