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
}
