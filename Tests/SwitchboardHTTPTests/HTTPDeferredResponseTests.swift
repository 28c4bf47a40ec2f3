import Testing
import Foundation
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Responses a handler gives later (`.deferred`): the connection waits, the server
/// thread does not.
@Suite struct HTTPDeferredResponseTests {
    /// Handlers that answer later from other threads; with a single server thread, a
    /// request waiting for its answer does not hold up the others.
    @Test func answersGivenLaterFromAnotherThreadReachTheirRequests() throws {
        let waiting = Mutex<[String: HTTPDeferredResponse]>([:])
        var router = HTTPRouter()
        router.post("/later/{n}") { req in
            let d = HTTPDeferredResponse()
            waiting.withLock { $0[req.parameter("n")!] = d }
            return .deferred(d)
        }
        router.get("/now") { _ in .text("now") }
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.threadPoolSize = 1
        try withServer(router, configuration: config) { _, port in
            let answers = (0..<3).map { n in Background { try? request(port, "POST", "/later/\(n)", body: Array("x".utf8)) } }
            #expect(eventually { waiting.withLock { $0.count } == 3 })
            // The only server thread is free while three requests wait: /now is answered
            // before any of them is completed (they are completed only after it).
            let now = try request(port, "GET", "/now")
            #expect(now.text == "now")
            #expect(answers.allSatisfy { $0.join(seconds: 0) == nil })
            for n in [2, 0, 1] {
                let d = waiting.withLock { $0["\(n)"]! }
                Thread.detachNewThread { d.complete(.text("done \(n)", status: n == 1 ? 500 : 200)) }
            }
            let got = answers.map { $0.join() ?? nil }
            #expect(got.map { $0?.text } == ["done 0", "done 1", "done 2"])
            #expect(got.map { $0?.status } == [200, 500, 200])
        }
    }

    @Test func anAnswerGivenBeforeTheHandlerReturnsIsSentAtOnce() throws {
        var router = HTTPRouter()
        router.get("/ready") { _ in
            let d = HTTPDeferredResponse()
            d.complete(.text("ready"))
            d.complete(.text("ignored: only the first answer counts"))
            return .deferred(d)
        }
        try withServer(router) { _, port in
            for _ in 0..<3 {
                let r = try request(port, "GET", "/ready")
                #expect(r.text == "ready")
            }
        }
    }

    /// At shutdown the server waits for deferred answers like any request in flight, and
    /// answers those still open at its deadline with 503.
    @Test func stoppingAnswersDeferredResponsesStillOpenWith503() throws {
        let held = Mutex<HTTPDeferredResponse?>(nil)
        var router = HTTPRouter()
        router.get("/never") { _ in
            let d = HTTPDeferredResponse()
            held.withLock { $0 = d }
            return .deferred(d)
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(listen: "127.0.0.1:0"), router: router,
                                metrics: MetricsRegistry(), logger: nil)
        try server.start()
        let port = try #require(server.boundPort)
        let answer = Background { try? request(port, "GET", "/never") }
        #expect(eventually { held.withLock { $0 } != nil })
        // Nothing completes the deferred answer before stop returns (it is completed only
        // after): stop answered it with 503 at its deadline instead of waiting for it.
        let stopping = Background { () -> Bool in server.stop(deadline: .milliseconds(300)); return true }
        #expect(answer.join()??.status == 503)
        #expect(stopping.join() == true)
        held.withLock { $0 }?.complete(.text("too late")) // after the stop: ignored
    }

    /// A handler that gives its deferred answer only after the stop passed its deadline
    /// (it was answering 503 to the deferred answers it knew of): the connection is not
    /// suspended any more (libmicrohttpd aborts the whole process when it stops with a
    /// suspended connection: "MHD_stop_daemon() called while we have suspended
    /// connections", seen when a webhook arrived on a kept-alive connection during a
    /// SIGTERM); the request gets 503 and the stop returns.
    @Test func aDeferredAnswerGivenAfterTheStopsDeadlineIsRefusedWith503() throws {
        let serverBox = Mutex<HTTPServer?>(nil)
        let late = Mutex<HTTPDeferredResponse?>(nil)
        var router = HTTPRouter()
        router.get("/slow") { _ in
            // Until the stop has begun (the server no longer reports its port)...
            while serverBox.withLock({ $0?.boundPort }) != nil { usleep(1_000) }
            // ...and then past its deadline (100 ms) and its answering of open deferred responses.
            Thread.sleep(forTimeInterval: 0.6)
            let d = HTTPDeferredResponse()
            late.withLock { $0 = d }
            return .deferred(d)
        }
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.threadPoolSize = 1
        let server = HTTPServer(configuration: config, router: router, metrics: MetricsRegistry(), logger: nil)
        try server.start()
        serverBox.withLock { $0 = server }
        let port = try #require(server.boundPort)
        let answer = Background { try? request(port, "GET", "/slow") }
        #expect(eventually { server.requestsInFlight == 1 })
        let stopping = Background { () -> Bool in server.stop(deadline: .milliseconds(100)); return true }
        #expect(answer.join()??.status == 503)
        #expect(stopping.join() == true)
        #expect(late.withLock { $0 } != nil)
        late.withLock { $0 }?.complete(.text("too late")) // the work ends after the stop: ignored
    }
}
