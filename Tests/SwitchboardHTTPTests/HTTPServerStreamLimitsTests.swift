import Testing
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What the server enforces on event streams (`EventStreamPolicy`) and on connections,
/// so that streams a client abandons or never reads cannot take the server's slots.
@Suite struct HTTPServerStreamLimitsTests {
    typealias StreamBox = HTTPServerStreamTests.StreamBox

    static func config(heartbeat: Duration = .seconds(15), lifetime: Duration = .seconds(3600),
                       buffer: Int = 1 << 20) -> HTTPServerConfiguration {
        HTTPServerConfiguration(listen: "127.0.0.1:0",
                                eventStreams: EventStreamPolicy(heartbeat: heartbeat, maxLifetime: lifetime, maxBufferedBytes: buffer))
    }

    /// True when the server closed the connection: end of stream, or a reset (the
    /// server closed it with bytes of ours unread).
    static func closed(_ c: TestConnection) -> Bool {
        var buf = [UInt8](repeating: 0, count: 1024)
        let n = recv(c.fd, &buf, buf.count, 0)
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    @Test func anIdleStreamGetsHeartbeats() throws {
        let box = StreamBox()
        try withServer(HTTPServerStreamTests.router(box), configuration: Self.config(heartbeat: .milliseconds(200))) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/events", close: false))
            #expect(try c.readHead().status == 200)
            // Nothing is written by the handler: the server writes the heartbeat.
            #expect(try c.readChunk().map { String(decoding: $0, as: UTF8.self) } == ": heartbeat\n\n")
        }
    }

    @Test func aParkedStreamOutlivesTheIdleTimeout() throws {
        // Heartbeats further apart than the idle timeout: a suspended connection is not
        // timed out, and a resumed one is not closed as if it had been idle.
        let box = StreamBox()
        var config = Self.config(heartbeat: .milliseconds(2500))
        config.connectionTimeoutSeconds = 1
        try withServer(HTTPServerStreamTests.router(box), configuration: config) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/events", close: false))
            #expect(try c.readHead().status == 200)
            #expect(try c.readChunk().map { String(decoding: $0, as: UTF8.self) } == ": heartbeat\n\n")
            #expect(try c.readChunk().map { String(decoding: $0, as: UTF8.self) } == ": heartbeat\n\n")
            let stream = try #require(box.last)
            #expect(!stream.isClosed)
        }
    }

    @Test func anAbandonedStreamIsClosedWithoutAnyWriteOfItsOwn() throws {
        let box = StreamBox()
        try withServer(HTTPServerStreamTests.router(box), configuration: Self.config(heartbeat: .milliseconds(100))) { _, port in
            do {
                let c = try TestConnection(port: port)
                try c.send(requestBytes("GET", "/events", close: false))
                _ = try c.readHead()
            }  // the client goes away here, and nobody writes to the stream
            let stream = try #require(box.last)
            #expect(eventually(seconds: 10) { stream.isClosed })
            #expect(eventually { box.closed.load(ordering: .relaxed) == 1 })
        }
    }

    @Test func aStreamEndsAfterItsLifetime() throws {
        let box = StreamBox()
        let metrics = MetricsRegistry()
        try withServer(HTTPServerStreamTests.router(box), configuration: Self.config(lifetime: .milliseconds(300)),
                       metrics: metrics) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/events", close: false))
            #expect(try c.readHead().status == 200)
            let stream = try #require(box.last)
            // Nobody writes: the end of the chunked body comes by itself, a clean end the
            // browser reconnects after.
            #expect(try c.readChunk() == nil)
            #expect(eventually { stream.isClosed })
            #expect(!stream.wasCutOff)
            #expect(metrics.render().contains("switchboard_http_event_streams_ended_total{reason=\"lifetime\"} 1"))
        }
    }

    @Test func aClientThatDoesNotReadIsCutOffNotBufferedForEver() throws {
        let box = StreamBox()
        let metrics = MetricsRegistry()
        let cap = 64 << 10
        try withServer(HTTPServerStreamTests.router(box), configuration: Self.config(buffer: cap), metrics: metrics) { _, port in
            let c = try TestConnection(port: port)
            var small: Int32 = 4096
            setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try c.send(requestBytes("GET", "/events", close: false))
            #expect(try c.readHead().status == 200)
            let stream = try #require(box.last)
            // The client reads nothing more. Write up to 256 MiB: far more than the
            // kernel's socket buffers hold, so the server's own buffer must pass the cap.
            let piece = [UInt8](repeating: 0x61, count: 16 << 10)
            var accepted = 0
            while accepted < 256 << 20 && stream.write(piece) { accepted += piece.count }
            #expect(accepted < 256 << 20, "the stream buffered \(accepted) bytes for a client that reads nothing")
            #expect(stream.wasCutOff)
            #expect(eventually { stream.isClosed })
            #expect(!stream.write(piece))
            // The client sees the connection end without the last chunk.
            var buf = [UInt8](repeating: 0, count: 65536)
            #expect(eventually(seconds: 10) { recv(c.fd, &buf, buf.count, 0) <= 0 })
            #expect(metrics.render().contains("switchboard_http_event_streams_ended_total{reason=\"buffer_full\"} 1"))
        }
    }

    @Test func aStreamThatIsNotAnEventStreamHasNoCap() throws {
        var r = HTTPRouter()
        let box = StreamBox()
        r.get("/download") { _ in
            let s = HTTPResponseStream()
            box.streams.withLock { $0.append(s) }
            var response = HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"])
            response.stream = s
            return response
        }
        try withServer(r, configuration: Self.config(heartbeat: .milliseconds(50), buffer: 4096)) { _, port in
            let c = try TestConnection(port: port)
            try c.send(requestBytes("GET", "/download", close: false))
            #expect(try c.readHead().status == 200)
            let stream = try #require(box.last)
            #expect(stream.write([UInt8](repeating: 1, count: 64 << 10)))
            var got = 0
            while got < 64 << 10, let chunk = try c.readChunk() { got += chunk.count }
            #expect(got == 64 << 10)  // no heartbeat comment mixed into the bytes
            stream.finish()
        }
    }

    /// A repeated Transfer-Encoding: libmicrohttpd looks at the first (`chunked`), a proxy
    /// that joins them sees `chunked, gzip`.
    @Test func aRepeatedTransferEncodingIsRefusedWith400() throws {
        let recorder = Recorder()
        var r = HTTPRouter()
        r.post("/in") { req in recorder.record(req); return .text("took \(req.body.count)") }
        try withServer(r) { _, port in
            let c = try TestConnection(port: port)
            try c.send("POST /in HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            let response = try c.readResponse()
            #expect(response.status == 400)
            #expect(response.text.contains("Transfer-Encoding is given more than once"))
            #expect(Self.closed(c))
            #expect(recorder.count == 0)
        }
    }

    @Test(arguments: [
        [("Content-Length", "5"), ("Content-Length", "5")],
        [("Content-Length", "5"), ("Content-Length", "3")],
        [("Content-Length", "5"), ("Transfer-Encoding", "chunked")],
        [("Transfer-Encoding", "chunked"), ("Content-Length", "5")],
        [("Content-Length", "+5")],
        [("Content-Length", "5a")],
    ])
    func anAmbiguousBodyLengthIsRefusedWith400(headers: [(String, String)]) throws {
        let recorder = Recorder()
        var r = HTTPRouter()
        r.post("/in") { req in recorder.record(req); return .text("took \(req.body.count)") }
        try withServer(r) { _, port in
            let c = try TestConnection(port: port)
            var head = "POST /in HTTP/1.1\r\nHost: localhost\r\n"
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            head += "\r\n"
            let body = headers.contains { $0.0 == "Transfer-Encoding" } ? "5\r\nhello\r\n0\r\n\r\n" : "hello"
            try c.send(head + body)
            let response = try c.readResponse()
            #expect(response.status == 400)
            #expect(response.text.contains("Content-Length"))
            #expect(Self.closed(c))
            #expect(recorder.count == 0)
            // One Content-Length is fine.
            #expect(try request(port, "POST", "/in", body: Array("hello".utf8)).text == "took 5")
        }
    }

    @Test func oneAddressCannotTakeEveryConnection() throws {
        var r = HTTPRouter()
        r.get("/ping") { _ in .text("pong") }
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.perAddressConnectionLimit = 2
        try withServer(r, configuration: config) { _, port in
            // Two idle connections hold this address's share.
            let a = try TestConnection(port: port), b = try TestConnection(port: port)
            try a.send(requestBytes("GET", "/ping", close: false))
            try b.send(requestBytes("GET", "/ping", close: false))
            #expect(try a.readResponse().status == 200)
            #expect(try b.readResponse().status == 200)
            // A third is closed at once, unanswered (a reset when the request was unread).
            let third = try TestConnection(port: port, timeoutSeconds: 5)
            try? third.send(requestBytes("GET", "/ping"))
            #expect(Self.closed(third))
            // Once one of them goes, the address may connect again.
            _ = a
            try a.send(requestBytes("GET", "/ping"))
            #expect(try a.readResponse().status == 200)
            #expect(eventually { (try? request(port, "GET", "/ping").status) == 200 })
        }
    }
}
