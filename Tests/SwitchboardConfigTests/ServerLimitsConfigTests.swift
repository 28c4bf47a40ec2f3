import Testing
@testable import SwitchboardConfig

/// The connection, event stream, metrics listener and web chat keys (issue 10).
@Suite struct ServerLimitsConfigTests {
    @Test func defaultsAreTheDocumentedOnes() throws {
        let loaded = try ConfigLoader.parse(host: "server:\n  listen: 127.0.0.1:8080\n")
        let s = loaded.host.server
        #expect(s.maxConnections == 1024)
        #expect(s.maxConnectionsPerAddress == 0)  // loopback: every peer is the local proxy
        #expect(s.idleTimeoutSeconds == 30)
        #expect(s.streamHeartbeatSeconds == 15 && s.streamMaxSeconds == 3600 && s.streamBufferBytes == 1 << 20)
        #expect(s.metricsListen == ListenAddress(host: "127.0.0.1", port: 9464, isLoopback: true))
        #expect(s.metricsToken == nil)
        #expect(loaded.host.webChat == HostConfig.WebChat())
        #expect(loaded.host.webChat.maxStreams == 512 && loaded.host.webChat.maxStreamsPerAddress == 32
                && loaded.host.webChat.maxStreamsPerVisitor == 4)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func offLoopbackEachAddressGetsAShareUnlessSetOtherwise() throws {
        #expect(try ConfigLoader.parse(host: "server:\n  listen: 0.0.0.0:8080\n").host.server.maxConnectionsPerAddress == 64)
        #expect(try ConfigLoader.parse(host: "server:\n  listen: 0.0.0.0:8080\n  max_connections_per_address: 0\n")
            .host.server.maxConnectionsPerAddress == 0)
        #expect(try ConfigLoader.parse(host: "server:\n  max_connections_per_address: 8\n").host.server.maxConnectionsPerAddress == 8)
    }

    @Test func everyKeyIsRead() throws {
        let loaded = try ConfigLoader.parse(host: """
            server:
              max_connections: 2048
              idle_timeout_seconds: 10
              stream_heartbeat_seconds: 5
              stream_max_seconds: 600
              stream_buffer_bytes: 65536
              metrics_listen: off
              metrics_token: abc
            webchat:
              max_streams: 100
              max_streams_per_address: 10
              max_streams_per_visitor: 2
            """)
        let s = loaded.host.server
        #expect(s.maxConnections == 2048 && s.idleTimeoutSeconds == 10)
        #expect(s.streamHeartbeatSeconds == 5 && s.streamMaxSeconds == 600 && s.streamBufferBytes == 65536)
        #expect(s.metricsListen == nil)
        #expect(s.metricsToken == "abc")
        #expect(loaded.secrets.contains("abc"))  // never written to the log
        #expect(loaded.host.webChat.maxStreams == 100 && loaded.host.webChat.maxStreamsPerAddress == 10
                && loaded.host.webChat.maxStreamsPerVisitor == 2)
    }

    @Test func badValuesAreRefusedWithTheirPlace() {
        #expect(failures(host: "server:\n  metrics_listen: nowhere\n") == [
            "switchboard.yaml:2:19: error: expected host:port (an IPv4 address, an IPv6 address in brackets, or localhost), got 'nowhere'; or off",
        ])
        #expect(failures(host: "server:\n  stream_heartbeat_seconds: 0\n") == [
            "switchboard.yaml:2:29: error: 'stream_heartbeat_seconds' must be from 1 to 300, got 0",
        ])
        #expect(failures(host: "webchat:\n  max_stream: 3\n") == [
            "switchboard.yaml:2:3: error: unknown key 'max_stream' in 'webchat'; did you mean 'max_streams'?",
        ])
        #expect(failures(host: "server:\n  listen: 127.0.0.1:8080\n  metrics_listen: 127.0.0.1:8080\n") == [
            "switchboard.yaml:3:19: error: metrics_listen must differ from listen (127.0.0.1:8080); or set it to off",
        ])
    }

    @Test func metricsOffLoopbackWithoutATokenIsAWarning() throws {
        let open = try ConfigLoader.parse(host: "server:\n  metrics_listen: 0.0.0.0:9464\n")
        #expect(open.warnings.map(\.description) == [
            "switchboard.yaml:2:19: warning: metrics_listen 0.0.0.0:9464 shows every workspace's traffic to the network; set metrics_token or listen on 127.0.0.1",
        ])
        let guarded = try ConfigLoader.parse(host: "server:\n  metrics_listen: 0.0.0.0:9464\n  metrics_token: t0ken\n")
        #expect(guarded.warnings.isEmpty)
    }
}
