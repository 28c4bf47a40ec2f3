import Testing
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct HTTPServerStreamTests {
    final class StreamBox: Sendable {
        let streams = Mutex<[HTTPResponseStream]>([])
        let closed = Atomic<Int>(0)
        var last: HTTPResponseStream? { streams.withLock { $0.last } }
    }

    static func router(_ box: StreamBox) -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/events") { _ in
            let s = HTTPResponseStream()
            s.onClose { box.closed.add(1, ordering: .relaxed) }
            box.streams.withLock { $0.append(s) }
            return .eventStream(s)
        }
        r.get("/ping") { _ in .text("pong") }
        return r
    }

    @Test func eventsAreDeliveredAsWrittenWhileTheThreadServesOthers() throws {
        let box = StreamBox()
        // One thread only: an idle stream must not hold it.
        let config = HTTPServerConfiguration(listen: "127.0.0.1:0", threadPoolSize: 1)
        try withServer(Self.router(box), configuration: config) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/events", close: false))
            let (status, headers) = try c.readHead()
            #expect(status == 200)
            #expect(headers.first { $0.name.lowercased() == "content-type" }?.value == "text/event-stream")
            let stream = try #require(box.last)

            let ping = try request(port, "GET", "/ping")
            #expect(ping.text == "pong")

            #expect(stream.send(event: "message", id: "1", data: "hello\nworld"))
            #expect(try c.readChunk().map { String(decoding: $0, as: UTF8.self) } == "event: message\nid: 1\ndata: hello\ndata: world\n\n")
            #expect(stream.send(data: "second"))
            #expect(try c.readChunk().map { String(decoding: $0, as: UTF8.self) } == "data: second\n\n")

            stream.finish()
            #expect(try c.readChunk() == nil)
            #expect(eventually { box.closed.load(ordering: .relaxed) == 1 })
            #expect(!stream.send(data: "too late"))
        }
    }

    @Test func aClientThatLeavesClosesTheStream() throws {
        let box = StreamBox()
        try withServer(Self.router(box)) { _, port in
            do {
                let c = try TestConnection(port: port)
                try c.send(requestBytes("GET", "/events", close: false))
                _ = try c.readHead()
            }  // the connection is closed here
            let stream = try #require(box.last)
            // A suspended connection notices the client only when it writes again.
            #expect(eventually { stream.comment("ping"); return stream.isClosed })
            #expect(eventually { box.closed.load(ordering: .relaxed) == 1 })
        }
    }

    @Test func stopEndsOpenStreams() throws {
        let box = StreamBox()
        let log = "/tmp/switchboard-stream-stop-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(log) }
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: Self.router(box),
                                logger: Logger(sink: try LogSink(level: .debug, format: .json, path: log)))
        try server.start()
        let port = try #require(server.boundPort)
        let c = try TestConnection(port: port)
        try c.send(requestBytes("GET", "/events", close: false))
        _ = try c.readHead()
        server.stop(deadline: .seconds(5))
        // Stop ended the stream rather than waiting it out: it did not reach its deadline
        // with the stream still in flight.
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("http server stopped"))
        #expect(!text.contains("http server stopping with requests still in flight"))
        #expect(try c.readChunk() == nil)
        #expect(box.last?.isClosed == true)
    }
}
