import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport
@testable import LLMEngine

/// The plugin state several hosts share, in memory: reads, writes and an add that is
/// atomic (under a lock), as `host->state_add` is on the store.
final class SharedMemoryState: LedgerStorage, @unchecked Sendable {
    let values = Mutex<[String: String]>([:])
    func get(_ key: String) throws -> String? { values.withLock { $0[key] } }
    func set(_ key: String, _ value: String) throws { values.withLock { $0[key] = value } }
    func add(_ key: String, _ delta: Int64, ceiling: Int64?) throws -> Int64? {
        values.withLock { v in
            let sum = (v[key].flatMap { Int64($0) } ?? 0) + delta
            if let ceiling, sum > ceiling { return nil }
            v[key] = String(sum)
            return sum
        }
    }
}

/// The llm plugin's provider breakers shared by hosts through the plugin's state
/// (`SharedBreakers`): one host's open breaker stops the others' calls; failures of
/// every host count; after the cool-down one probe of all hosts goes out, and its answer
/// closes the breaker everywhere. With one host the shared state decides nothing the
/// host's own breaker would not.
@Suite(.serialized) struct SharedBreakersTests {
    /// An orchestrator standing for one host: provider `local` on `fake`, retries off (one
    /// call per question), threshold 3, cool-down `coolDown`.
    static func host(_ fake: FakeLLMServer, state: (any LedgerStorage)?, coolDown: Duration = .seconds(30)) throws -> Orchestrator {
        var config = try LLMConfig(json: """
        {"providers": [{"id": "local", "api": "openai", "base_url": "http://x"}],
         "models": [{"id": "m", "providers": ["local"], "model": "m", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0}]}
        """)
        config.providers = [provider("local", .openai, fake, retries: 0)]
        config.models = [LLMConfig.Model(id: "small", providers: ["local"], model: "small-model", inputUSDPerMTok: 0,
                                         outputUSDPerMTok: 0, cachedInputUSDPerMTok: 0, minConfidence: 0.5, maxTokens: 100)]
        return Orchestrator(config: config, knowledge: Knowledge(chunks: []),
                            ledger: BudgetLedger(dailyUSD: nil, monthlyUSD: nil, storage: SharedMemoryState()),
                            sleep: { _ in }, breakerThreshold: 3, breakerCoolDown: coolDown, sharedBreakers: state)
    }

    static func ask(_ o: Orchestrator) -> LLMDecision {
        o.respond(question: "do you sell gluten free bread?", history: [], deadline: .now + .seconds(10))
    }

    @Test func aBreakerOneHostOpensStopsTheOthersCalls() throws {
        let fake = try FakeLLMServer()
        let state = SharedMemoryState()
        let a = try Self.host(fake, state: state), b = try Self.host(fake, state: state)
        fake.script(.serverError, .serverError, .serverError)
        for _ in 0..<3 { _ = Self.ask(a) }
        #expect(fake.chatRequests.count == 3)
        #expect(a.breakerState("local") == .open)
        // B never failed itself, and does not call the provider A found down.
        let d = Self.ask(b)
        #expect(d.events.contains { $0.outcome == "circuit_open" }, "\(d.events.map(\.outcome))")
        #expect(fake.chatRequests.count == 3)
        #expect(b.breakerState("local") == .closed)
    }

    @Test func failuresOfEveryHostCountTowardsTheThreshold() throws {
        let fake = try FakeLLMServer()
        let state = SharedMemoryState()
        let hosts = [try Self.host(fake, state: state), try Self.host(fake, state: state), try Self.host(fake, state: state)]
        fake.script(.serverError, .serverError, .serverError, .serverError)
        // One failure on each host: each host's own breaker is closed, the shared one open.
        for h in hosts { _ = Self.ask(h) }
        #expect(fake.chatRequests.count == 3)
        #expect(hosts.allSatisfy { $0.breakerState("local") == .closed })
        #expect(try hosts[0].sharedBreakers?.isOpen("local") == true)
        for h in hosts { #expect(Self.ask(h).events.contains { $0.outcome == "circuit_open" }) }
        #expect(fake.chatRequests.count == 3)
    }

    @Test func afterTheCoolDownOneProbeOfAllHostsGoesOutAndItsAnswerClosesTheBreakerEverywhere() throws {
        let fake = try FakeLLMServer()
        let state = SharedMemoryState()
        let coolDown = Duration.milliseconds(400)
        let a = try Self.host(fake, state: state, coolDown: coolDown), b = try Self.host(fake, state: state, coolDown: coolDown)
        fake.script(.serverError, .serverError, .serverError)
        for _ in 0..<3 { _ = Self.ask(a) }
        let opened = try #require(state.get(SharedBreakers.key("local", "open_ms")).flatMap { Int64($0) })
        // Until the cool-down (counted on the shared clock) is over, nobody calls.
        #expect(Self.ask(b).events.contains { $0.outcome == "circuit_open" })
        while SharedBreakers.ms(Date()) < opened + 400 { usleep(10_000) }
        // A's probe reaches the provider, which answers it slowly; B asks while it is out
        // (once the fake has it: ordered by that, not by two threads' timing, which on a
        // loaded machine ran one after the other) and is refused.
        fake.setDefaultContent(answer("Yes.", 0.9))
        fake.script(.slowText(.seconds(2), answer("Yes.", 0.9), input: 10, output: 5))
        let outcomes = Mutex<[String]>([])
        let arrivedBefore = fake.requestsStarted
        let probing = DispatchGroup()
        DispatchQueue.global().async(group: probing) {
            let d = Self.ask(a)
            outcomes.withLock { $0.append(d.events.map(\.outcome).joined(separator: ",")) }
        }
        let out = Date().addingTimeInterval(20)
        while fake.requestsStarted == arrivedBefore && Date() < out { usleep(2_000) }
        let whileOut = Self.ask(b)
        outcomes.withLock { $0.append(whileOut.events.map(\.outcome).joined(separator: ",")) }
        probing.wait()
        #expect(fake.chatRequests.count == 4, "\(outcomes.withLock { $0 })")
        #expect(outcomes.withLock { $0 }.filter { $0.contains("circuit_open") }.count == 1, "\(outcomes.withLock { $0 })")
        #expect(try a.sharedBreakers?.isOpen("local") == false)
        // Closed for every host: B calls again (A's own breaker waits for its own probe
        // unless A was the prober).
        #expect(Self.ask(b).outcome == .answer("Yes."))
        #expect(fake.chatRequests.count == 5)
    }

    /// One host: the same failures and answers give the same decisions and the same calls
    /// with the shared state as without it (SQLite keeps today's behaviour).
    @Test func oneHostDecidesAsItsOwnBreakerDoes() throws {
        func run(shared: Bool) throws -> (outcomes: [String], calls: Int) {
            let fake = try FakeLLMServer()
            let o = try Self.host(fake, state: shared ? SharedMemoryState() : nil)
            fake.setDefaultContent(answer("Yes.", 0.9))
            // fail, fail, answer (the count starts again), fail x3 (open), refused x2
            fake.script(.serverError, .serverError, .text(answer("Yes.", 0.9)), .serverError, .serverError, .serverError)
            var outcomes: [String] = []
            for _ in 0..<8 { outcomes.append(Self.ask(o).events.map(\.outcome).joined(separator: ",")) }
            return (outcomes, fake.chatRequests.count)
        }
        let alone = try run(shared: false), sharing = try run(shared: true)
        #expect(sharing.outcomes == alone.outcomes)
        #expect(sharing.calls == alone.calls)
        #expect(alone.calls == 6)
        #expect(alone.outcomes.suffix(2).allSatisfy { $0.contains("circuit_open") }, "\(alone.outcomes)")
    }
}
