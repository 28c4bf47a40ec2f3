import Foundation
import LLMEngine
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport
@testable import SwitchboardHost

/// The llm plugin's provider breakers over the host's plugin state (what the plugin's
/// `state_*` calls reach), on both store backends: on PostgreSQL two stores on one
/// database stand for two hosts, and one host's open breaker stops the other's calls; on
/// SQLite (one host) the breaker decides as the host's own did before.
@Suite(.serialized) struct SharedBreakersOnHostTests {
    /// An orchestrator of workspace `demo` whose breakers are in `store`'s plugin state
    /// (retries off, threshold 3, cool-down 30 s).
    static func host(_ store: (any Store)?, _ fake: FakeLLMServer) throws -> Orchestrator {
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "\(fake.openAIBaseURL)", "max_retries": 0}],
         "models": [{"id": "small", "providers": ["local"], "model": "small-model", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}]}
        """)
        config.deadlineMs = 10_000
        let state: (any LedgerStorage)? = store.map { EvalSpend.PluginState(store: StorePluginState(store: $0), workspace: "demo", plugin: "llm") }
        return Orchestrator(config: config, knowledge: Knowledge(chunks: []),
                            ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: state ?? LocalState()),
                            sleep: { _ in }, breakerThreshold: 3, breakerCoolDown: .seconds(30), sharedBreakers: state)
    }

    static func sync(_ store: any Store) throws {
        _ = try store.syncWorkspaces([SwitchboardCore.WorkspaceDefinition(id: "demo", name: "Demo", region: "NG",
                                                                          timezone: "Africa/Lagos", configHash: "h")])
    }

    static func ask(_ o: Orchestrator) -> String {
        o.respond(question: "do you sell bread?", history: [], deadline: .now + .seconds(10)).events.map(\.outcome).joined(separator: ",")
    }

    @Test func onPostgreSQLOneHostsOpenBreakerStopsTheOthersCalls() throws {
        let url = try TestPostgres.freshDatabase(prefix: "llmbreak")
        let stores = [try PostgresStore(url: url, poolSize: 4), try PostgresStore(url: url, poolSize: 4)]
        try Self.sync(stores[0])
        let fake = try FakeLLMServer()
        let a = try Self.host(stores[0], fake), b = try Self.host(stores[1], fake)
        fake.script(.serverError, .serverError, .serverError)
        for _ in 0..<3 { _ = Self.ask(a) }
        #expect(fake.chatRequests.count == 3)
        #expect(Self.ask(b).contains("circuit_open"))
        #expect(fake.chatRequests.count == 3, "B called a provider A's breaker holds open")
    }

    @Test func onSQLiteOneHostDecidesAsItsOwnBreakerDid() throws {
        let dir = NSTemporaryDirectory() + "sb-llmbreak-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteStore(path: dir + "/t.db", options: StoreOptions())
        try Self.sync(store)
        func run(_ store: (any Store)?) throws -> (outcomes: [String], calls: Int) {
            let fake = try FakeLLMServer()
            let o = try Self.host(store, fake)
            fake.setDefaultContent(answer("Yes.", 0.9))
            fake.script(.serverError, .serverError, .text(answer("Yes.", 0.9)), .serverError, .serverError, .serverError)
            let outcomes = (0..<8).map { _ in Self.ask(o) }
            return (outcomes, fake.chatRequests.count)
        }
        let shared = try run(store), alone = try run(nil)
        #expect(shared.outcomes == alone.outcomes)
        #expect(shared.calls == alone.calls && alone.calls == 6)
    }
}

private func answer(_ text: String, _ confidence: Double) -> String {
    #"{"action": "answer", "text": "\#(text)", "confidence": \#(confidence)}"#
}

/// The plugin state of a host without a store (the run without shared breakers).
private final class LocalState: LedgerStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    func get(_ key: String) throws -> String? { lock.withLock { values[key] } }
    func set(_ key: String, _ value: String) throws { lock.withLock { values[key] = value } }
}
