import Testing
import SwitchboardHTTP
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct HTTPServerStartTests {
    static func router() -> HTTPRouter {
        var r = HTTPRouter()
        r.get("/ping") { _ in .text("pong") }
        return r
    }

    @Test func portZeroBindsARealPortThatServes() throws {
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: Self.router())
        #expect(server.boundPort == nil)
        try server.start()
        let port = try #require(server.boundPort)
        #expect(port > 0)
        #expect(try request(port, "GET", "/ping").text == "pong")
        server.stop()
        #expect(server.boundPort == nil)
        #expect(throws: TestClientError.self) { _ = try TestConnection(port: port) }
    }

    @Test func portInUseIsAClearError() throws {
        let first = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: Self.router())
        try first.start()
        defer { first.stop() }
        let port = try #require(first.boundPort)

        let second = HTTPServer(configuration: .init(listen: "127.0.0.1:\(port)"), router: Self.router())
        let error = try #require(throws: HTTPServerError.self) { try second.start() }
        #expect(error.code == .addressInUse)
        #expect(error.description == "cannot listen on 127.0.0.1:\(port): address already in use")
        // The first server is unaffected.
        #expect(try request(port, "GET", "/ping").text == "pong")
    }

    @Test(arguments: [
        ("8080", "invalid listen address '8080': expected host:port"),
        ("127.0.0.1:http", "invalid listen address '127.0.0.1:http': port must be a number from 0 to 65535"),
        ("127.0.0.1:70000", "invalid listen address '127.0.0.1:70000': port must be a number from 0 to 65535"),
        ("::1:8080", "invalid listen address '::1:8080': write IPv6 addresses in brackets, as [::1]:8080"),
        ("[::1:8080", "invalid listen address '[::1:8080': missing ] after IPv6 address"),
        (":8080", "invalid listen address ':8080': missing host (use 0.0.0.0 for every interface)"),
    ])
    func badAddressesAreRefusedWithTheReason(listen: String, message: String) throws {
        let server = HTTPServer(configuration: .init(listen: listen), router: Self.router())
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .invalidAddress)
        #expect(error.message == message)
    }

    @Test func unresolvableHostIsAnInvalidAddress() throws {
        let server = HTTPServer(configuration: .init(listen: "no-such-host.invalid:0"), router: Self.router())
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .invalidAddress)
        #expect(error.message.hasPrefix("cannot listen on no-such-host.invalid:0: cannot resolve host 'no-such-host.invalid'"))
    }

    @Test func addressNotOnThisMachineIsAListenError() throws {
        // 192.0.2.1 is TEST-NET-1: never a local address.
        let server = HTTPServer(configuration: .init(listen: "192.0.2.1:0"), router: Self.router())
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .listenFailed)
        #expect(error.message == "cannot listen on 192.0.2.1:0: cannot assign requested address")
    }

    @Test func localhostListensOnLoopback() throws {
        let server = HTTPServer(configuration: .init(listen: "localhost:0"), router: Self.router())
        try server.start()
        defer { server.stop() }
        let port = try #require(server.boundPort)
        #expect(try request(port, "GET", "/ping", host: "127.0.0.1").text == "pong")
    }

    @Test func ipv6LoopbackInBrackets() throws {
        // Skip quietly on a machine without IPv6 loopback.
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var sa = sockaddr_in6()
        sa.sin6_family = sa_family_t(AF_INET6)
        sa.sin6_addr = in6addr_loopback
        let usable = probe >= 0 && withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        } == 0
        if probe >= 0 { close(probe) }
        guard usable else { return }

        var router = HTTPRouter()
        router.get("/who") { req in .text(req.remoteAddress) }
        let server = HTTPServer(configuration: .init(listen: "[::1]:0"), router: router)
        try server.start()
        defer { server.stop() }
        let port = try #require(server.boundPort)
        #expect(try request(port, "GET", "/who", host: "::1").text == "::1")
    }

    @Test func startingTwiceIsRefused() throws {
        let server = HTTPServer(configuration: .init(listen: "127.0.0.1:0"), router: Self.router())
        try server.start()
        defer { server.stop() }
        let error = try #require(throws: HTTPServerError.self) { try server.start() }
        #expect(error.code == .invalidState)
    }
}
