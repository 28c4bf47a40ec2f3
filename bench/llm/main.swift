// The llm plugin's own work per message, provider time excluded:
//   swift run -c release llm-bench [config/knowledge/demo.md]
// An in-process transport answers every call at once with a canned OpenAI answer, so
// what is timed is the engine: the cache lookup, choosing knowledge chunks, building the
// prompt and the JSON body, reading the answer, the contract, the budget ledger (on an
// in-memory storage; the plugin's goes to the host's store).
import Foundation
import LLMEngine

struct Instant: HTTPTransport {
    let body: [UInt8]
    func post(url: String, headers: [String], body _: [UInt8], timeout: Duration) throws(TransportError) -> HTTPResponse {
        HTTPResponse(status: 200, body: body, headers: ["content-type": "application/json"])
    }
}

final class Memory: LedgerStorage, @unchecked Sendable {
    let lock = NSLock()
    var values: [String: String] = [:]
    func get(_ key: String) throws -> String? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func set(_ key: String, _ value: String) throws { lock.lock(); values[key] = value; lock.unlock() }
}

let path = CommandLine.arguments.dropFirst().first ?? "config/knowledge/demo.md"
let knowledge = try Knowledge.load(paths: [path])
let config = try LLMConfig(json: """
{"providers": [{"id": "local", "api": "openai", "base_url": "http://127.0.0.1:8000/v1"}],
 "models": [{"id": "small", "providers": ["local"], "model": "m", "input_usd_per_mtok": 0.05, "output_usd_per_mtok": 0.1}],
 "budget": {"daily_usd": 1000000, "monthly_usd": 1000000}, "cache_ttl_s": 0}
""")
let answer = #"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"{\"action\": \"answer\", \"text\": \"We deliver across Lagos Island and Lekki for 1,500 naira.\", \"confidence\": 0.92}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":412,"completion_tokens":28,"total_tokens":440,"prompt_tokens_details":{"cached_tokens":256}}}"#
let storage = Memory()
let o = Orchestrator(config: config, knowledge: knowledge,
                     ledger: BudgetLedger(dailyUSD: 1e6, monthlyUSD: 1e6, storage: storage),
                     transport: Instant(body: Array(answer.utf8)))
let history = [ChatMessage(.user, "hello"), ChatMessage(.assistant, "Hello! How can we help?"),
               ChatMessage(.user, "I want to order bread"), ChatMessage(.assistant, "Which bread would you like?")]
for _ in 0..<200 { _ = o.respond(question: "do you deliver to lekki on saturday?", history: history, deadline: .now + .seconds(5)) }
var samples: [Double] = []
for i in 0..<5_000 {
    let t = ContinuousClock.now
    _ = o.respond(question: "do you deliver to lekki on saturday? \(i % 7)", history: history, deadline: .now + .seconds(5))
    let d = t.duration(to: .now)
    samples.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
}
samples.sort()
let sorted = samples
func p(_ q: Double) -> String { String(format: "%.1f", sorted[Int(Double(sorted.count - 1) * q)]) }
print("llm engine, one message, provider time excluded (\(knowledge.chunks.count) knowledge chunks, 4 history messages): p50 \(p(0.5)) µs, p90 \(p(0.9)) µs, p99 \(p(0.99)) µs over \(samples.count) messages")

// Where the time goes: each step alone, same inputs.
func measure(_ name: String, _ n: Int = 5_000, _ body: () -> Void) {
    var s: [Double] = []
    for _ in 0..<n {
        let t = ContinuousClock.now
        body()
        let d = t.duration(to: .now)
        s.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
    }
    s.sort()
    print(String(format: "  %-28@ p50 %7.1f µs  p99 %8.1f µs", name as NSString, s[s.count / 2], s[Int(Double(s.count - 1) * 0.99)]))
}
let model = config.models[0]
let client = ProviderClient(provider: config.providers[0], transport: Instant(body: Array(answer.utf8)))
let req = o.request(model: model, question: "do you deliver to lekki on saturday?", history: history, historyLimit: 8, knowledgeLimit: 6_000)
let ledger = BudgetLedger(dailyUSD: 1e6, monthlyUSD: 1e6, storage: Memory())
measure("prompt (knowledge, history)") { _ = o.request(model: model, question: "do you deliver to lekki on saturday?", history: history, historyLimit: 8, knowledgeLimit: 6_000) }
measure("request body (JSON)") { _ = client.openAIBody(req) }
measure("call: body + parse answer") { _ = try? client.chat(req, timeout: .seconds(1)) }
measure("contract") { _ = Contract.parse("{\"action\": \"answer\", \"text\": \"We deliver across Lagos Island and Lekki for 1,500 naira.\", \"confidence\": 0.92}") }
measure("ledger reserve + settle") { if let r = ledger.reserve(0.0001, now: Date()) { ledger.settle(r, actualUSD: 0.0001, now: Date()) } }
