import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The web chat's event streams are public: streams opened and abandoned, never read,
/// or held by one visitor or address must not take the host's connections (issue 10,
/// item 1). Against the real binary, on loopback.
@Suite(.serialized) struct WebChatStreamLimitsTests {
    static func host(server: String = "", webchat: String = "") throws -> TestHost {
        var yaml = TestHost.minimalHostYAML(extra: WebChatTests.hostExtra + (webchat.isEmpty ? "" : "\nwebchat:\n\(webchat)"))
        if !server.isEmpty {
            yaml = yaml.replacingOccurrences(of: "  metrics_listen: localhost:0\n", with: "  metrics_listen: localhost:0\n\(server)\n")
        }
        let host = try TestHost(hostYAML: yaml, workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        return host
    }

    /// The host's open descriptors.
    static func descriptors(_ host: TestHost) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(host.process.processIdentifier)/fd").count) ?? -1
    }

    /// Opens a stream, reads its status line and leaves without a word: what a closed
    /// tab or a script does. Returns the status (0 when the connection was refused or
    /// closed first).
    static func openAndAbandon(_ port: UInt16, _ path: String) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { return 0 }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return 0 }
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !got.contains(10) {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return 0 }
            got += buf[0..<n]
        }
        let line = String(decoding: got.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func metric(_ host: TestHost, _ name: String) -> Double? {
        guard let text = try? host.metricsClient.get("/metrics").text else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ")[1])
        }
        return nil
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    @Test func twoThousandAbandonedStreamsLeaveTheHostAnswering() throws {
        // The shipped limits; heartbeats every 2 s so the test does not wait 15 s.
        let host = try Self.host(server: "  stream_heartbeat_seconds: 2")
        #expect(try host.client.get("/healthz").status == 200)
        let baseline = Self.descriptors(host)
        var statuses: [Int: Int] = [:]
        for i in 0..<2000 {
            let status = Self.openAndAbandon(host.port, "/chat/demo/events?visitor=abandon-\(String(format: "%05d", i))")
            statuses[status, default: 0] += 1
            // A host that stopped answering would take 5 s per stream from here on.
            if statuses[0, default: 0] >= 3 { break }
        }
        // Every stream got an answer (200, or 429 past the address's share): none hung,
        // none was dropped at the door.
        // (More than 32 get 200 when the run is slow enough for heartbeats to free
        // abandoned streams during the loop.)
        #expect(statuses[0] == nil, "\(statuses)")
        #expect(statuses[200, default: 0] >= 32 && statuses[429, default: 0] > 0, "\(statuses)")
        #expect(statuses[200, default: 0] + statuses[429, default: 0] == 2000, "\(statuses)")

        // Answered at once, not after the abandoned streams are gone: a wedged host
        // never answers (the client gives up after 5 s).
        let health = try HTTPClient(port: host.port, timeout: 5).get("/healthz")
        #expect(health.status == 200)
        // The heartbeats find the abandoned streams: their descriptors and slots are freed.
        #expect(Self.waitUntil(30) { Self.descriptors(host) <= baseline + 4 },
                "descriptors: baseline \(baseline), now \(Self.descriptors(host))")
        #expect(Self.waitUntil(10) { Self.metric(host, "switchboard_webchat_streams") == 0 })
        // And the address may open streams again.
        let again = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=abandon-again")
        #expect(again.read(timeout: 5) { _ in again.text.hasPrefix("HTTP/1.1 200") })
    }

    @Test func heartbeatsFreeAbandonedStreamsWithoutAnyLimitInTheWay() throws {
        let host = try Self.host(server: "  stream_heartbeat_seconds: 1",
                                 webchat: "  max_streams: 5000\n  max_streams_per_address: 5000")
        #expect(try host.client.get("/healthz").status == 200)
        let baseline = Self.descriptors(host)
        for i in 0..<300 {
            #expect(Self.openAndAbandon(host.port, "/chat/demo/events?visitor=leaver-\(String(format: "%05d", i))") == 200)
        }
        #expect(Self.waitUntil(30) { Self.descriptors(host) <= baseline + 4 },
                "descriptors: baseline \(baseline), now \(Self.descriptors(host))")
        #expect(Self.waitUntil(10) { Self.metric(host, "switchboard_webchat_streams") == 0 })
    }

    @Test func limitsPerVisitorPerAddressAndInTotalAnswer429And503() throws {
        let host = try Self.host(server: "  stream_heartbeat_seconds: 1",
                                 webchat: "  max_streams: 5\n  max_streams_per_address: 3\n  max_streams_per_visitor: 2")
        func open(_ visitor: String) throws -> SSEClient {
            try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        }
        func status(_ s: SSEClient) -> String {
            _ = s.read(timeout: 5) { _ in s.text.contains("\r\n\r\n") }
            return String(s.text.prefix(12))
        }
        // Per visitor: two tabs, not a third.
        var a1: SSEClient? = try open("visitor-aaaa")
        let a2 = try open("visitor-aaaa")
        #expect(status(a1!) == "HTTP/1.1 200" && status(a2) == "HTTP/1.1 200")
        let a3 = try open("visitor-aaaa")
        #expect(status(a3) == "HTTP/1.1 429")
        #expect(a3.read(timeout: 5) { _ in a3.text.contains("open chat streams") })
        #expect(a3.text.contains("Retry-After"))
        // Per address: three in all from 127.0.0.1.
        let b1 = try open("visitor-bbbb")
        #expect(status(b1) == "HTTP/1.1 200")
        let b2 = try open("visitor-bbbb")
        #expect(status(b2) == "HTTP/1.1 429")
        #expect(b2.read(timeout: 5) { _ in b2.text.contains("from this address") })
        // Other requests are not held up by the streams.
        #expect(try host.client.get("/healthz").status == 200)
        #expect(Self.metric(host, "switchboard_webchat_streams") == 3)

        let metrics = try host.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_webchat_streams_refused_total{limit=\"visitor\"} 1"))
        #expect(metrics.contains("switchboard_webchat_streams_refused_total{limit=\"address\"} 1"))

        // A stream closed by its client is counted out (the heartbeat notices), and the
        // address may open another.
        a1 = nil
        #expect(Self.waitUntil(15) { Self.metric(host, "switchboard_webchat_streams") == 2 })
        let c1 = try open("visitor-cccc")
        #expect(status(c1) == "HTTP/1.1 200")
        withExtendedLifetime([a2, b1, c1]) {}
    }

    @Test func theHostWideLimitAnswers503() throws {
        let host = try Self.host(webchat: "  max_streams: 2\n  max_streams_per_address: 100")
        let s1 = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=visitor-0001")
        let s2 = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=visitor-0002")
        #expect(s1.read(timeout: 5) { _ in s1.text.contains("connected") })
        #expect(s2.read(timeout: 5) { _ in s2.text.contains("connected") })
        let s3 = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=visitor-0003")
        #expect(s3.read(timeout: 5) { _ in s3.text.contains("try again shortly") })
        #expect(s3.text.hasPrefix("HTTP/1.1 503"))
        let metrics = try host.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_webchat_streams_refused_total{limit=\"total\"} 1"))
    }

    @Test func aStreamEndsAfterItsLifetimeAndTheHistoryIsReplayedAgain() throws {
        let host = try Self.host(server: "  stream_max_seconds: 2")
        let visitor = "visitor-life-0001"
        let post = try host.client.post("/chat/demo/messages", body: Array("{\"visitor\":\"\(visitor)\",\"text\":\"hello there\"}".utf8))
        #expect(post.status == 202)
        let stream = try SSEClient(port: host.port, path: "/chat/demo/events?visitor=\(visitor)")
        #expect(stream.read(timeout: 5) { $0.contains { $0.contains("hello there") } })
        // The chunked body ends (the last chunk, then the server's end of stream).
        #expect(stream.read(timeout: 10) { _ in stream.text.hasSuffix("0\r\n\r\n") }, "\(stream.text)")
    }
}
