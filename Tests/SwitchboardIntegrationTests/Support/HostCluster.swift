import Foundation
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Several `switchboard serve` processes on one PostgreSQL database, as an operator runs
/// them behind a load balancer: each its own folder and port, the same host config (one
/// Meta app on a fake Graph API, one Cloud API channel `wa-main` unless `channels` says
/// otherwise) and the same workspace files.
final class HostCluster: @unchecked Sendable {
    let graph: FakeGraphAPI
    /// The database every host uses.
    let url: String
    let hosts: [TestHost]

    /// `count` hosts on a fresh database of the shared test server (or on `url`).
    init(count: Int, prefix: String, url: String? = nil, workspaces: [String: String],
         channels: String? = nil, extraHostYAML: String = "", storageYAML: String = "") throws {
        self.url = try url ?? TestPostgres.freshDatabase(prefix: prefix)
        graph = try FakeGraphAPI(accessToken: PipelineHarness.accessToken)
        let yaml = Self.hostYAML(url: self.url, storage: storageYAML, extra: PipelineHarness.appYAML(
            graphURL: graph.graphURL, channels: channels ?? PipelineHarness.cloudChannel(), extra: extraHostYAML))
        hosts = try (0..<count).map { _ in try TestHost(hostYAML: yaml, workspaces: workspaces) }
    }

    /// `TestHost.minimalHostYAML(extra:)` with `storage.postgres: url` instead of SQLite;
    /// `storage` adds lines to the `storage` section (each indented two spaces, ending in a
    /// newline: `"  heartbeat_seconds: 1\n"`).
    static func hostYAML(url: String, storage: String = "", extra: String = "") -> String {
        let yaml = TestHost.minimalHostYAML(extra: extra)
        precondition(yaml.contains("sqlite: $DIR/switchboard.db"))
        return yaml.replacingOccurrences(of: "sqlite: $DIR/switchboard.db", with: "postgres: \"\(url)\"\n" + storage)
    }

    /// Starts every host, one after the other (each waits for its listening line).
    func start() throws {
        for h in hosts { try h.start() }
    }

    /// Stops every host still running with SIGTERM and waits for it.
    func stop() {
        for h in hosts where h.process.isRunning { h.signal(SIGTERM) }
        for h in hosts { _ = h.waitForExit(timeout: 30) }
    }

    /// Posts signed inbound messages to host `i`'s Cloud API webhook, as Meta would.
    func post(_ messages: [FixtureMessage], to i: Int, timeout: Double = 10) throws -> HTTPClient.Response {
        var client = hosts[i].client
        client.timeout = timeout
        return try PipelineHarness.post(messages, via: client)
    }

    /// A customer's text message, with a new provider id.
    static func text(_ body: String, from: String = "2348031234567") -> FixtureMessage {
        PipelineHarness.text(body, from: from)
    }

    /// Accepted sends (not mark-read) so far.
    var replies: [RecordedSend] { graph.acceptedSends }

    /// The journal of a workspace, as `switchboard events` prints it (through host `via`'s
    /// config: every host reads the same database).
    func events(workspace: String = "demo", via: Int = 0) throws -> [String] {
        try PipelineHarness.events(of: hosts[via], workspace: workspace)
    }
}

/// The replies a fake Graph API accepted (mark-as-read calls excluded), parsed once each
/// as they come: for tests that poll hundreds of sends (`FakeGraphAPI.acceptedSends`
/// parses every body again on each call).
final class ReplyLog {
    struct Reply {
        let to: String
        let text: String
        let time: Date
    }
    private let graph: FakeGraphAPI
    private var seen = 0
    /// In the order the fake received them.
    private(set) var replies: [Reply] = []

    init(_ graph: FakeGraphAPI) { self.graph = graph }

    /// Parses the sends that arrived since the last call.
    func refresh() {
        let sends = graph.sends
        guard sends.count > seen else { return }
        for s in sends[seen...] where s.answeredStatus == 200 && !s.isMarkRead {
            replies.append(Reply(to: s.to ?? "", text: s.text ?? "", time: s.time))
        }
        seen = sends.count
    }

    /// Refreshes every 100 ms until `condition` holds or `timeout` seconds pass.
    func wait(timeout: Double, until condition: (ReplyLog) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while true {
            refresh()
            if condition(self) { return true }
            if Date() >= end { return false }
            usleep(100_000)
        }
    }
}
