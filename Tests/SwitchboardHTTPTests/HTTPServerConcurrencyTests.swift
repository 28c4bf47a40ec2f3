import Testing
import Foundation
import Synchronization
import SwitchboardHTTP
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
            // The slow handler is still blocked: a second request must not wait for it.
            let start = ContinuousClock.now
            let fast = try request(port, "GET", "/fast")
            let elapsed = ContinuousClock.now - start
            #expect(fast.text == "fast")
            #expect(!release.isOpen)
            #expect(elapsed < .seconds(2))
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
        // stop() must wait for the handler: give it time to (wrongly) return.
        usleep(200_000)
        #expect(stopping.join(seconds: 0) == nil)
        // New connections are refused once stopping began.
        #expect(throws: TestClientError.self) { _ = try TestConnection(port: port) }
        release.release()

        let response = try #require(inFlight.join() ?? nil)
        #expect(response.status == 200)
        #expect(response.text == "committed 5")
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(stopping.join() == true)
        #expect(server.boundPort == nil)
    }

    @Test func stopGivesUpOnAHandlerThatOutlivesTheDeadline() throws {
        let entered = Gate()
        let release = Gate()
        var router = HTTPRouter()
        router.get("/stuck") { _ in
            entered.release()
            release.wait(seconds: 10)
            return .text("late")
        }
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: router)
        try server.start()
        let port = try #require(server.boundPort)
        let stuck = Background { try? request(port, "GET", "/stuck") }
        #expect(entered.wait(seconds: 5))
        let begin = ContinuousClock.now
        // The handler is released from another thread after the deadline, so that
        // MHD_stop_daemon (which joins the pool threads) can return.
        let releaser = Background { () -> Bool in usleep(600_000); release.release(); return true }
        server.stop(deadline: .milliseconds(300))
        let took = ContinuousClock.now - begin
        #expect(took >= .milliseconds(300))
        #expect(took < .seconds(5))
        _ = releaser.join()
        _ = stuck.join()
    }
}
