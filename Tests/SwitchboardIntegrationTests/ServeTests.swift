import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `switchboard serve` as an operator runs it: endpoints, graceful stop, refusals.
@Suite(.serialized) struct ServeTests {
    @Test func healthReadyMetricsThenSIGTERM() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let c = host.client
        let health = try c.get("/healthz")
        #expect(health.status == 200)
        let ready = try c.get("/readyz")
        #expect(ready.status == 200)
        _ = try c.get("/nope")
        // /metrics names every workspace: never on the public listener, only on its own.
        #expect(try c.get("/metrics").status == 404)
        #expect(host.metricsPort != 0 && host.metricsPort != host.port)
        let metrics = try host.metricsClient.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("switchboard_build_info{version=\""))
        #expect(metrics.text.contains("# TYPE switchboard_uptime_seconds gauge"))
        #expect(metrics.text.contains("switchboard_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"))
        #expect(metrics.text.contains("switchboard_http_request_duration_seconds_bucket{route=\"/readyz\""))
        #expect(metrics.text.contains("status=\"404\""))

        let t0 = Date()
        host.signal(SIGTERM)
        let status = host.waitForExit(timeout: 15)
        #expect(status == 0)
        #expect(Date().timeIntervalSince(t0) < 12)
        #expect(host.logLines.contains { $0["message"] as? String == "stopped" })
    }

    @Test func theMetricsListenerCanRequireATokenOrBeOff() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML().replacingOccurrences(
            of: "metrics_listen: localhost:0", with: "metrics_listen: localhost:0\n  metrics_token: s3cret-metrics"),
            workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        let m = host.metricsClient
        let refused = try m.get("/metrics")
        #expect(refused.status == 401)
        #expect(refused.text.contains("metrics_token"))
        #expect(try m.get("/metrics", headers: ["Authorization": "Bearer wrong"]).status == 401)
        let ok = try m.get("/metrics", headers: ["Authorization": "Bearer s3cret-metrics"])
        #expect(ok.status == 200)
        #expect(ok.text.contains("switchboard_build_info"))
        #expect(try host.client.get("/metrics", headers: ["Authorization": "Bearer s3cret-metrics"]).status == 404)

        let off = try TestHost(hostYAML: TestHost.minimalHostYAML().replacingOccurrences(
            of: "metrics_listen: localhost:0", with: "metrics_listen: off"), workspaces: ["demo": TestWorkspaces.demo])
        try off.start()
        #expect(try off.client.get("/healthz").status == 200)
        #expect(try off.client.get("/metrics").status == 404)
        #expect(!off.logLines.contains { $0["message"] as? String == "metrics server listening" })
    }

    @Test func aTakenMetricsPortDoesNotKeepTheHostFromServing() throws {
        let blocker = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try blocker.start()
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML().replacingOccurrences(
            of: "metrics_listen: localhost:0", with: "metrics_listen: 127.0.0.1:\(blocker.port)"),
            workspaces: ["demo": TestWorkspaces.demo])
        try host.start()
        #expect(try host.client.get("/healthz").status == 200)
        let line = try host.waitForLog(timeout: 5) { $0["message"] as? String == "metrics server not started; the host runs without it" }
        #expect((line["error"] as? String)?.contains("address already in use") == true)
        #expect(line["level"] as? String == "error")
    }

    @Test func invalidConfigIsRefusedWithFileLineColumn() throws {
        let host = try TestHost(hostYAML: """
            server:
              listen: 127.0.0.1:0
              lisen: 1
            storage:
              sqlite: $DIR/x.db
            workspaces:
              dir: $DIR/workspaces
            """)
        try host.start(waitForListening: false)
        let status = host.waitForExit(timeout: 10)
        #expect(status == 1)
        #expect(host.logText.contains("switchboard.yaml:3:3: error: unknown key 'lisen'"))
        #expect(!host.logText.contains("Fatal error"))
    }

    @Test func portInUseIsOneClearLine() throws {
        let blocker = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try blocker.start()
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML().replacingOccurrences(of: "127.0.0.1:0", with: "127.0.0.1:\(blocker.port)"),
                                workspaces: ["demo": TestWorkspaces.demo])
        try host.start(waitForListening: false)
        #expect(host.waitForExit(timeout: 10) == 1)
        #expect(host.logText.contains("cannot listen on 127.0.0.1:\(blocker.port): address already in use"))
        #expect(!host.logText.contains("Fatal error"))
    }

    @Test func aFileThatIsNotSQLiteIsOneClearLine() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML(), workspaces: ["demo": TestWorkspaces.demo])
        try "this is not a database, it is a text file long enough to have a header".write(
            toFile: host.dir.appendingPathComponent("switchboard.db").path, atomically: true, encoding: .utf8)
        try host.start(waitForListening: false)
        #expect(host.waitForExit(timeout: 10) == 1)
        #expect(host.logText.contains("switchboard.db: file is not a database"))
        #expect(!host.logText.contains("Fatal error"))
    }

    @Test func aMissingWorkspacesFolderIsAConfigError() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML().replacingOccurrences(of: "$DIR/workspaces", with: "$DIR/nowhere"))
        try host.start(waitForListening: false)
        #expect(host.waitForExit(timeout: 10) == 1)
        #expect(host.logText.contains("switchboard.yaml:10:8: error:"))
        #expect(host.logText.contains("nowhere"))
    }
}

@Suite struct CheckCommandTests {
    @Test func theShippedDefaultConfigPasses() throws {
        // The shipped files as they are, but with plugins searched where this test's build
        // put them (the default path is the release build folder `make run` fills).
        let shipped = try String(contentsOf: TestHost.repoRoot.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
        let config = shipped.replacingOccurrences(of: "path: [.build/release, /usr/lib/switchboard/plugins]",
                                                  with: "path: [\(TestHost.pluginDirectory)]")
        #expect(config != shipped)
        let file = NSTemporaryDirectory() + "shipped-\(UUID().uuidString).yaml"
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try runSwitchboard(["check", "--config", file], cwd: TestHost.repoRoot)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("ok"))
    }

    @Test func everyProblemIsPrintedAtOnce() throws {
        let host = try TestHost(hostYAML: """
            server:
              listen: 127.0.0.1:99999
            storage:
              sqlite: $DIR/x.db
            log:
              levl: debug
            workspaces:
              dir: $DIR/workspaces
            """, workspaces: ["shop": """
            id: shop
            name: Shop
            region: XX
            timezone: Mars/Olympus
            """])
        let r = try runSwitchboard(["check", "--config", host.configPath], cwd: host.dir)
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(host.configPath):2:11: error:") && $0.contains("port") })
        #expect(lines.contains { $0.hasPrefix("\(host.configPath):6:3: error: unknown key 'levl'") && $0.contains("did you mean 'level'") })
        #expect(lines.contains { $0.contains("shop.yaml:3:9: error:") })
        #expect(lines.contains { $0.contains("shop.yaml:4:11: error:") })
    }
}

enum TestWorkspaces {
    static let demo = """
        id: demo
        name: Demo Bakery
        region: NG
        timezone: Africa/Lagos
        fallback: "Thanks! We will get back to you shortly."
        """

    /// Workspace `demo` whose FAQ answers each question with its own text (`answer`, also
    /// the entry's id), so a reply (recipient, text) names the one message it answers. No
    /// fallback: a message the FAQ did not answer shows as a missing reply.
    static func distinctAnswers(_ entries: [(question: String, answer: String)]) -> String {
        let lines = entries.map { e in
            """
                    - id: \(e.answer)
                      questions: ["\(e.question)"]
                      answer: "\(e.answer)"
            """
        }.joined(separator: "\n")
        return """
            id: demo
            name: Demo Bakery
            region: NG
            timezone: Africa/Lagos
            plugins:
              - name: faq
                config:
                  entries:
            \(lines)
            """
    }
}
