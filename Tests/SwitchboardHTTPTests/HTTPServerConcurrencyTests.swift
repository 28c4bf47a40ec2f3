import Testing
import Foundation
import Synchronization
import SwitchboardHTTP
import SwitchboardLog
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct HTTPServerConcurrencyTests {
    @Test func manyConcurrentRequestsAllGetTheirOwnAnswer() throws {
        var router = HTTPRouter()
        router.post("/items/{n}") { req in
            .text("item \(req.parameter("n")!) body \(req.bodyText)")
        }
        try withServer(router) { _, port in
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { worker in
                for i in 0..<25 {
                    let n = worker * 100 + i
                    do {
                        let r = try request(port, "POST", "/items/\(n)", body: Array("payload-\(n)".utf8))
                        if r.status != 200 || r.text != "item \(n) body payload-\(n)" {
                            failures.withLock { $0.append("\(n): \(r.status) \(r.text)") }
                        }
                    } catch {
                        failures.withLock { $0.append("\(n): \(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
        }
    }

    @Test func aSlowHandlerDoesNotBlockOtherRequests() throws {
        let entered = Gate()
        let release = Gate()
        var router = HTTPRouter()
        router.get("/slow") { _ in
            entered.release()
            release.wait(seconds: 10)
            return .text("slow done")
        }
        router.get("/fast") { _ in .text("fast") }
        var config = HTTPServerConfiguration(listen: "127.0.0.1:0")
        config.threadPoolSize = 4
        try withServer(router, configuration: config) { _, port in
            let slow = Background { (try? request(port, "GET", "/slow"))?.text }
            #expect(entered.wait(seconds: 5))
            // The slow handler is still blocked (it is released only after this answer):
            // the second request is answered while it waits, not after.
            let fast = try request(port, "GET", "/fast")
            #expect(fast.text == "fast")
            #expect(!release.isOpen)
            #expect(slow.join(seconds: 0) == nil)
            release.release()
            #expect(slow.join() == "slow done")
        }
    }

    @Test func gracefulStopFinishesTheRequestInFlightThenRefusesConnections() throws {
        let entered = Gate()
        let release = Gate()
        var router = HTTPRouter()
        router.post("/commit") { req in
            entered.release()
            release.wait(seconds: 10)   // e.g. a SQLite commit before acknowledging
            return .text("committed \(req.body.count)")
        }
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0", shutdownDeadline: .seconds(10)), router: router)
        try server.start()
        let port = try #require(server.boundPort)
        let inFlight = Background { try? request(port, "POST", "/commit", body: Array("hello".utf8)) }
        #expect(entered.wait(seconds: 5))
        #expect(server.requestsInFlight == 1)

        let stopping = Background { () -> Bool in server.stop(); return true }
        // New connections get no answer once stopping began (closed unread; polled: stop
        // runs on its own thread); stop() has not returned, since the handler is still held.
        #expect(eventually { TestConnection.getsNoAnswer(port: port) })
        #expect(stopping.join(seconds: 0) == nil)
        release.release()

        let response = try #require(inFlight.join() ?? nil)
        #expect(response.status == 200)
        #expect(response.text == "committed 5")
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(stopping.join() == true)
        #expect(server.boundPort == nil)
    }

    /// Past its deadline, stop gives up waiting for a handler: it says so in the log
    /// while the handler is still held (the handler is released only once that line is
    /// there, so that MHD_stop_daemon, which joins the pool threads, can return). A stop
    /// that ignored its deadline would wait for the handler and never write the line.
    @Test func stopGivesUpOnAHandlerThatOutlivesTheDeadline() throws {
        let entered = Gate()
        let release = Gate()
        var router = HTTPRouter()
        router.get("/stuck") { _ in
            entered.release()
            release.wait(seconds: 20)
            return .text("late")
        }
        let log = "/tmp/switchboard-http-stop-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(log) }
        let sink = try LogSink(level: .debug, format: .json, path: log)
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: router, logger: Logger(sink: sink))
        try server.start()
        let port = try #require(server.boundPort)
        let stuck = Background { try? request(port, "GET", "/stuck") }
        #expect(entered.wait(seconds: 5))
        let gaveUp = Background { () -> Bool in
            let seen = eventually(seconds: 10) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("http server stopping with requests still in flight")
            }
            release.release()
            return seen
        }
        let begin = ContinuousClock.now
        server.stop(deadline: .milliseconds(300))
        // It waited for the deadline first, then gave up while the handler was held.
        #expect(ContinuousClock.now - begin >= .milliseconds(300))
        #expect(gaveUp.join() == true)
        _ = stuck.join()
    }
}
