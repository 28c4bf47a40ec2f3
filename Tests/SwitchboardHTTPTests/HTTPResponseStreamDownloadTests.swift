import Foundation
import Testing
import Synchronization
import SwitchboardHTTP
import SwitchboardLog

/// Streams with an end of their own (downloads): cut off rather than ended as complete
/// when they fail or outlive a shutdown; writers wait for room.
@Suite struct HTTPResponseStreamDownloadTests {
    static func router(_ box: HTTPServerStreamTests.StreamBox, bounded: Bool) -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/download") { _ in
            let s = HTTPResponseStream(bounded: bounded)
            box.streams.withLock { $0.append(s) }
            var response = HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"])
            response.stream = s
            return response
        }
        return r
    }

    func open(_ port: Int) throws -> TestConnection {
        let c = try TestConnection(port: port)
        try c.send(requestBytes("GET", "/download", close: false))
        #expect(try c.readHead().status == 200)
        return c
    }

    @Test func anAbortedStreamEndsWithoutItsFinalChunk() throws {
        let box = HTTPServerStreamTests.StreamBox()
        try withServer(Self.router(box, bounded: true)) { _, port in
            let c = try open(port)
            let stream = try #require(box.last)
            #expect(stream.write([1, 2, 3]))
            #expect(try c.readChunk() == [1, 2, 3])
            stream.abort()
            #expect(throws: (any Error).self) { try c.readChunk() }   // closed mid-body
            #expect(!stream.write([4]))
            #expect(!stream.waitForRoom(below: 1 << 20))
        }
    }

    @Test func waitForRoomReturnsAtOnceWithRoomAndFalseOnceTheClientLeft() throws {
        let box = HTTPServerStreamTests.StreamBox()
        try withServer(Self.router(box, bounded: true)) { _, port in
            var c: TestConnection? = try open(port)
            let stream = try #require(box.last)
            #expect(stream.waitForRoom(below: 1024))
            #expect(stream.write(Array(repeating: 9, count: 100)))
            _ = try c?.readChunk()
            c = nil     // the client goes away; a download's next write finds out
            #expect(eventually { _ = stream.write([1]); return stream.isClosed })
            #expect(!stream.waitForRoom(below: 1024))
        }
    }

    /// At shutdown an event stream is finished at once, but a download runs on like any
    /// request in flight and is cut off, not ended as complete, at the deadline.
    @Test func atShutdownADownloadRunsOnThenIsCutOffWhileEventsEndCleanly() throws {
        let box = HTTPServerStreamTests.StreamBox()
        let events = HTTPServerStreamTests.StreamBox()
        var router = Self.router(box, bounded: true)
        router.get("/events") { _ in
            let s = HTTPResponseStream()
            events.streams.withLock { $0.append(s) }
            return .eventStream(s)
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(listen: "127.0.0.1:0"), router: router,
                                metrics: MetricsRegistry(), logger: nil)
        try server.start()
        let port = Int(try #require(server.boundPort))
        let download = try open(port)
        let stream = try #require(box.last)
        let sse = try TestConnection(port: port)
        try sse.send(requestBytes("GET", "/events", close: false))
        #expect(try sse.readHead().status == 200)
        #expect(eventually { events.last != nil })
        #expect(stream.write([1, 2, 3]))
        #expect(try download.readChunk() == [1, 2, 3])

        let stopped = Flag()
        Thread.detachNewThread {
            server.stop(deadline: .seconds(3))
            stopped.set()
        }
        #expect(try sse.readChunk() == nil)                       // the event stream ended cleanly
        let stillStopping = !stopped.isSet
        #expect(stillStopping)                                     // while the download is still open
        #expect(stream.write([4, 5]))                              // and still delivering
        #expect(try download.readChunk() == [4, 5])
        #expect(eventually(seconds: 10) { stopped.isSet })
        #expect(throws: (any Error).self) { try download.readChunk() }   // cut off at the deadline
    }
}

final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
