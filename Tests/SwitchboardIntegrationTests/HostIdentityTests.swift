import Foundation
import Testing
import SwitchboardTestSupport

/// `/healthz`, `/readyz` and `/metrics` say which host answered and what it stores in
/// (issue 15: several hosts behind a load balancer): on SQLite, and for two hosts on
/// one PostgreSQL, which see each other's heartbeats.
@Suite(.serialized) struct HostIdentityTests {
    func identity(_ h: TestHost) throws -> (host: String, store: String) {
        let health = try h.client.get("/healthz")
        #expect(health.status == 200)
        let lines = health.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "ok", "\(health.text)")
        let host = lines.first { $0.hasPrefix("host: ") }.map { String($0.dropFirst(6)) } ?? ""
        let store = lines.first { $0.hasPrefix("store: ") }.map { String($0.dropFirst(7)) } ?? ""
        let ready = try h.client.get("/readyz")
        #expect(ready.text == "ready\nhost: \(host)\nstore: \(store)\n")
        return (host, store)
    }

    @Test func aSQLiteHostNamesItselfAndItsStore() throws {
        let h = try TestHost(hostYAML: TestHost.minimalHostYAML())
        try h.start()
        let me = try identity(h)
        #expect(me.store == "sqlite")
        #expect(me.host.hasPrefix(ProcessInfo.processInfo.hostName + "/\(h.process.processIdentifier)."), "\(me.host)")
        let metrics = try h.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_host_info{host=\"\(me.host)\",store=\"sqlite\"} 1"), "\(metrics)")
        #expect(!metrics.contains("switchboard_store_live_hosts"))
        h.signal(SIGTERM)
        _ = h.waitForExit(timeout: 30)
    }

    @Test func twoHostsOnOnePostgresAreToldApartAndSeeEachOther() throws {
        let url = try TestPostgres.freshDatabase(prefix: "ident")
        let yaml = HostCluster.hostYAML(url: url)
        let one = try TestHost(hostYAML: yaml), two = try TestHost(hostYAML: yaml)
        try one.start()
        try two.start()
        let a = try identity(one), b = try identity(two)
        #expect(a.store == "postgres" && b.store == "postgres")
        #expect(a.host != b.host)
        #expect(a.host.contains("/\(one.process.processIdentifier).") && b.host.contains("/\(two.process.processIdentifier)."))
        let metrics = try one.metricsClient.get("/metrics").text
        #expect(metrics.contains("switchboard_host_info{host=\"\(a.host)\",store=\"postgres\"} 1"), "\(metrics)")
        #expect(metrics.contains("switchboard_store_live_hosts 2"), "\(metrics)")
        // A host that stops cleanly leaves at once.
        two.signal(SIGTERM)
        #expect(two.waitForExit(timeout: 30) == 0)
        #expect(try one.metricsClient.get("/metrics").text.contains("switchboard_store_live_hosts 1"))
        one.signal(SIGTERM)
        _ = one.waitForExit(timeout: 30)
    }
}
