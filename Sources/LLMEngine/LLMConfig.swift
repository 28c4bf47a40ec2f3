import Foundation

/// The llm plugin's config, from the workspace's YAML (the host hands it over as JSON):
///
///     - name: llm
///       deadline_ms: 15000               # the host's limit for one message (see below)
///       config:
///         providers:
///           - {id: local, api: openai, base_url: "http://127.0.0.1:8000/v1", api_key: "${LLM_KEY:-}", timeout_ms: 20000}
///           - {id: cloud, api: anthropic, base_url: "https://api.anthropic.com", api_key: "${ANTHROPIC_API_KEY:-}"}
///         models:                        # the cascade, cheapest first
///           - {id: small, providers: [local], model: "small-model", input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10, min_confidence: 0.7}
///           - {id: big, providers: [cloud, local], model: "big-model", input_usd_per_mtok: 3.0, output_usd_per_mtok: 15.0}
///         embeddings: {provider: local, model: "embed-model", answer_threshold: 0.80}
///         knowledge: [config/knowledge/demo.md]
///         budget: {daily_usd: 1.00, monthly_usd: 20.00}
///         debounce_ms: 1500
///         history_messages: 8
///         cache_ttl_s: 86400
///         on_unknown: handoff            # handoff | fallback
///         deadline_ms: 14000             # this plugin's own time limit per message
///
/// Every key is checked: an unknown key, a wrong type, a provider a model names that is
/// not declared, a price below zero... fail the workspace's load with a sentence that
/// says where (`config: models[1].providers: unknown provider "clud" (declared: local, cloud)`).
public struct LLMConfig: Sendable, Equatable {
    public enum API: String, Sendable, Equatable, CaseIterable { case openai, anthropic }

    public struct Provider: Sendable, Equatable {
        public var id: String
        public var api: API
        /// OpenAI-compatible: up to and including `/v1` (the OpenAI SDKs' convention:
        /// `http://127.0.0.1:8000/v1`); Anthropic: the host (`https://api.anthropic.com`).
        public var baseURL: String
        /// Empty: no key sent (local servers).
        public var apiKey: String
        /// The most one HTTP call to this provider may take (the plugin's deadline may cut it shorter).
        public var timeoutMs: Int
        /// Retries of a retryable failure (429, 5xx, 529, timeout) before failing over.
        public var maxRetries: Int
        /// Ask for a streamed (SSE) answer.
        public var stream: Bool
        /// The cap's field name for OpenAI-compatible servers: `max_tokens` (local
        /// servers) or `max_completion_tokens` (api.openai.com). Default by host.
        public var maxTokensField: String

        public var chatURL: String {
            api == .openai ? baseURL + "/chat/completions" : baseURL + "/v1/messages"
        }
        public var embeddingsURL: String { baseURL + "/embeddings" }
    }

    public struct Model: Sendable, Equatable {
        public var id: String
        public var providers: [String]
        public var model: String
        public var inputUSDPerMTok: Double
        public var outputUSDPerMTok: Double
        /// Cached input tokens (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`).
        /// Default: a tenth of the input price (Anthropic's cache reads; OpenAI charges
        /// between a tenth and a half depending on the model: set it).
        public var cachedInputUSDPerMTok: Double
        /// An answer below this confidence escalates to the next model.
        public var minConfidence: Double
        /// The answer's token cap (also the budget's worst case for the output).
        public var maxTokens: Int
    }

    public struct Embeddings: Sendable, Equatable {
        public var provider: String
        public var model: String
        public var answerThreshold: Double
        /// How far the best entry's score must lead the second entry's.
        public var answerMargin: Double
        /// Per-entry bar: the best entry's score must also reach the highest score it gives
        /// a question of another entry plus this (nil: off). See FAQEmbeddingIndex.
        public var entryMargin: Double?
        /// The tier also runs the FAQ matcher (the `faq` plugin's, its defaults) on the
        /// knowledge's FAQ entries: its answer is sent when the semantic tier's closest
        /// entry is the same, vetoed when it is not; alone when embeddings are unavailable.
        /// For a chain with this plugin and no `faq` plugin before it.
        public var lexical: Bool = false
        /// USD per million input tokens of the embedding model (0: a free local model).
        public var usdPerMTok: Double = 0
        /// Out of scope before generation: a message whose closest FAQ entry scores below
        /// this is handed off (or passed, `on_unknown`) without a model call (nil: off).
        public var handoffBelow: Double?
    }

    public enum OnUnknown: String, Sendable, Equatable { case handoff, fallback }

    public var providers: [Provider]
    public var models: [Model]
    public var embeddings: Embeddings?
    public var knowledge: [String]
    public var dailyUSD: Double?
    public var monthlyUSD: Double?
    public var debounceMs: Int
    public var historyMessages: Int
    public var cacheTTLSeconds: Int
    public var onUnknown: OnUnknown
    /// The plugin's own limit for one message, all calls and retries included. Keep it
    /// below the plugin entry's `deadline_ms` (the host's limit, which the plugin cannot
    /// see): past the host's, the answer is thrown away.
    public var deadlineMs: Int
    /// Sent to the customer with a handoff the plugin decides (provider down, unknown);
    /// nil (`handoff_message: ""`) sends nothing.
    public var handoffMessage: String?
    /// How much knowledge text goes into a prompt at most (characters).
    public var maxKnowledgeChars: Int
    /// Longest reply sent (characters; WhatsApp allows 4,096).
    public var maxReplyChars: Int
    /// Messages of this workspace at the providers at once; more wait up to 250 ms, then
    /// are handed off (a slow provider never takes all of the host's plugin threads).
    public var maxConcurrentCalls: Int

    public func provider(_ id: String) -> Provider? { providers.first { $0.id == id } }

    static let keys: Set<String> = [
        "providers", "models", "embeddings", "knowledge", "budget", "debounce_ms", "history_messages",
        "cache_ttl_s", "on_unknown", "deadline_ms", "handoff_message", "max_knowledge_chars", "max_reply_chars",
        "max_concurrent_calls",
    ]
    static let providerKeys: Set<String> = ["id", "api", "base_url", "api_key", "timeout_ms", "max_retries", "stream", "max_tokens_field"]
    static let modelKeys: Set<String> = [
        "id", "providers", "model", "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok",
        "min_confidence", "max_tokens",
    ]
    static let embeddingKeys: Set<String> = ["provider", "model", "answer_threshold", "answer_margin", "entry_margin", "lexical",
                                             "usd_per_mtok", "handoff_below"]
    static let budgetKeys: Set<String> = ["daily_usd", "monthly_usd"]

    /// Parses the config's JSON text.
    public init(json: String) throws(LLMConfigError) {
        guard let data = json.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data),
              let object = any as? [String: Any] else {
            throw LLMConfigError("config is not a JSON object")
        }
        try self.init(object)
    }

    public init(_ o: [String: Any]) throws(LLMConfigError) {
        let r = Reader(path: "config")
        try r.rejectUnknown(o, Self.keys)

        guard let plist = o["providers"] else { throw LLMConfigError("config: providers is missing (at least one provider)") }
        let pobjects = try r.objects(plist, "providers")
        guard !pobjects.isEmpty else { throw LLMConfigError("config: providers is empty (at least one provider)") }
        var providers: [Provider] = []
        for (i, p) in pobjects.enumerated() {
            let pr = r.child("providers[\(i)]")
            try pr.rejectUnknown(p, Self.providerKeys)
            let id = try pr.requiredString(p, "id")
            guard !providers.contains(where: { $0.id == id }) else { throw LLMConfigError("\(pr.path): id \"\(id)\" appears twice") }
            let apiName = try pr.requiredString(p, "api")
            guard let api = API(rawValue: apiName) else {
                throw LLMConfigError("\(pr.path).api: \"\(apiName)\" is not one of openai, anthropic")
            }
            var base = try pr.requiredString(p, "base_url")
            guard base.hasPrefix("http://") || base.hasPrefix("https://"), URL(string: base)?.host != nil else {
                throw LLMConfigError("\(pr.path).base_url: \"\(base)\" is not an http:// or https:// URL")
            }
            while base.hasSuffix("/") { base.removeLast() }
            let key = try pr.string(p, "api_key") ?? ""
            let timeout = try pr.int(p, "timeout_ms", in: 100...600_000) ?? 20_000
            let retries = try pr.int(p, "max_retries", in: 0...10) ?? 2
            let stream = try pr.bool(p, "stream") ?? false
            let defaultField = URL(string: base)?.host == "api.openai.com" ? "max_completion_tokens" : "max_tokens"
            let field = try pr.string(p, "max_tokens_field") ?? defaultField
            guard field == "max_tokens" || field == "max_completion_tokens" else {
                throw LLMConfigError("\(pr.path).max_tokens_field: \"\(field)\" is not max_tokens or max_completion_tokens")
            }
            providers.append(Provider(id: id, api: api, baseURL: base, apiKey: key, timeoutMs: timeout,
                                      maxRetries: retries, stream: stream, maxTokensField: field))
        }
        let declared = providers.map(\.id).joined(separator: ", ")

        guard let mlist = o["models"] else { throw LLMConfigError("config: models is missing (the cascade, cheapest first)") }
        let mobjects = try r.objects(mlist, "models")
        guard !mobjects.isEmpty else { throw LLMConfigError("config: models is empty (the cascade, cheapest first)") }
        var models: [Model] = []
        for (i, m) in mobjects.enumerated() {
            let mr = r.child("models[\(i)]")
            try mr.rejectUnknown(m, Self.modelKeys)
            let id = try mr.requiredString(m, "id")
            guard !models.contains(where: { $0.id == id }) else { throw LLMConfigError("\(mr.path): id \"\(id)\" appears twice") }
            guard let pv = m["providers"] else { throw LLMConfigError("\(mr.path).providers is missing") }
            let pids = try mr.strings(pv, "providers")
            guard !pids.isEmpty else { throw LLMConfigError("\(mr.path).providers is empty") }
            for pid in pids where !providers.contains(where: { $0.id == pid }) {
                throw LLMConfigError("\(mr.path).providers: unknown provider \"\(pid)\" (declared: \(declared))")
            }
            let name = try mr.requiredString(m, "model")
            guard let input = try mr.double(m, "input_usd_per_mtok", in: 0...10_000) else {
                throw LLMConfigError("\(mr.path).input_usd_per_mtok is missing (the price of a million input tokens, in USD; 0 for a free local model)")
            }
            guard let output = try mr.double(m, "output_usd_per_mtok", in: 0...10_000) else {
                throw LLMConfigError("\(mr.path).output_usd_per_mtok is missing (the price of a million output tokens, in USD; 0 for a free local model)")
            }
            let cached = try mr.double(m, "cached_input_usd_per_mtok", in: 0...10_000) ?? input * 0.1
            let minConfidence = try mr.double(m, "min_confidence", in: 0...1) ?? 0.5
            let maxTokens = try mr.int(m, "max_tokens", in: 16...32_000) ?? 400
            models.append(Model(id: id, providers: pids, model: name, inputUSDPerMTok: input, outputUSDPerMTok: output,
                                cachedInputUSDPerMTok: cached, minConfidence: minConfidence, maxTokens: maxTokens))
        }

        var embeddings: Embeddings?
        if let ev = o["embeddings"] {
            let er = r.child("embeddings")
            guard let e = ev as? [String: Any] else { throw LLMConfigError("config: embeddings must be an object {provider, model, answer_threshold, answer_margin}") }
            try er.rejectUnknown(e, Self.embeddingKeys)
            let pid = try er.requiredString(e, "provider")
            guard let p = providers.first(where: { $0.id == pid }) else {
                throw LLMConfigError("config: embeddings.provider: unknown provider \"\(pid)\" (declared: \(declared))")
            }
            guard p.api == .openai else {
                throw LLMConfigError("config: embeddings.provider: \"\(pid)\" speaks anthropic, which has no embeddings API; name an openai provider")
            }
            embeddings = Embeddings(provider: pid, model: try er.requiredString(e, "model"),
                                    // Calibrated on CLINC150's dev split with all-MiniLM-L6-v2
                                    // (bench/eval/semantic_calibration.py, docs/answer-quality.md).
                                    answerThreshold: try er.double(e, "answer_threshold", in: 0...1) ?? 0.65,
                                    answerMargin: 0.15)
            // Defaults chosen on CLINC150 dev (bench/eval/chain_calibration.py, with held-out
            // intents as out-of-scope questions). With `lexical` (the FAQ matcher inside this
            // tier, vetoed when the embeddings disagree): margin 0, entry bars at +0.07. Behind
            // a `faq` plugin (no veto possible) that rule loses dev precision (95.8 %), so
            // there the earlier choice stays: margin 0.15, no entry bars.
            let lexical = try er.bool(e, "lexical") ?? false
            embeddings?.lexical = lexical
            embeddings?.answerMargin = try er.double(e, "answer_margin", in: 0...1) ?? (lexical ? 0.0 : 0.15)
            if e["entry_margin"] is NSNull {
                embeddings?.entryMargin = nil
            } else {
                embeddings?.entryMargin = try er.double(e, "entry_margin", in: -1...1) ?? (lexical ? 0.07 : nil)
            }
            embeddings?.usdPerMTok = try er.double(e, "usd_per_mtok", in: 0...10_000) ?? 0
            embeddings?.handoffBelow = try er.double(e, "handoff_below", in: -1...1)
        }

        var knowledge: [String] = []
        if let kv = o["knowledge"] {
            knowledge = kv is String ? [kv as! String] : try r.strings(kv, "knowledge")
        }

        var daily: Double?
        var monthly: Double?
        if let bv = o["budget"] {
            guard let b = bv as? [String: Any] else { throw LLMConfigError("config: budget must be an object {daily_usd, monthly_usd}") }
            let br = r.child("budget")
            try br.rejectUnknown(b, Self.budgetKeys)
            daily = try br.double(b, "daily_usd", in: 0...1_000_000)
            monthly = try br.double(b, "monthly_usd", in: 0...1_000_000)
        }

        let onUnknownName = try r.string(o, "on_unknown") ?? "handoff"
        guard let onUnknown = OnUnknown(rawValue: onUnknownName) else {
            throw LLMConfigError("config: on_unknown: \"\(onUnknownName)\" is not handoff or fallback")
        }
        // As the handoff plugin's: a customer handed over hears so. "" sends nothing.
        let handoffText = try r.string(o, "handoff_message") ?? "Thanks for your patience. An agent will reply shortly."
        let handoffMessage: String? = handoffText.isEmpty ? nil : handoffText

        self.providers = providers
        self.models = models
        self.embeddings = embeddings
        self.knowledge = knowledge
        self.dailyUSD = daily
        self.monthlyUSD = monthly
        self.debounceMs = try r.int(o, "debounce_ms", in: 0...60_000) ?? 0
        self.historyMessages = try r.int(o, "history_messages", in: 0...100) ?? 8
        self.cacheTTLSeconds = try r.int(o, "cache_ttl_s", in: 0...31_536_000) ?? 86_400
        self.onUnknown = onUnknown
        self.deadlineMs = try r.int(o, "deadline_ms", in: 100...600_000) ?? 1_800
        self.handoffMessage = handoffMessage
        self.maxKnowledgeChars = try r.int(o, "max_knowledge_chars", in: 0...1_000_000) ?? 6_000
        self.maxReplyChars = try r.int(o, "max_reply_chars", in: 1...4_096) ?? 4_096
        self.maxConcurrentCalls = try r.int(o, "max_concurrent_calls", in: 1...256) ?? 4
    }
}

public struct LLMConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed reads with the path in every error.
struct Reader {
    let path: String

    func child(_ name: String) -> Reader { Reader(path: "\(path): \(name)") }

    func at(_ key: String) -> String { path == "config" ? "config: \(key)" : "\(path).\(key)" }

    func rejectUnknown(_ o: [String: Any], _ known: Set<String>) throws(LLMConfigError) {
        if let k = o.keys.filter({ !known.contains($0) }).sorted().first {
            throw LLMConfigError("\(path): unknown key \"\(k)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func objects(_ v: Any, _ key: String) throws(LLMConfigError) -> [[String: Any]] {
        guard let list = v as? [Any] else { throw LLMConfigError("\(at(key)) must be a list") }
        var out: [[String: Any]] = []
        for (i, item) in list.enumerated() {
            guard let o = item as? [String: Any] else { throw LLMConfigError("\(at(key))[\(i)] must be an object") }
            out.append(o)
        }
        return out
    }

    func strings(_ v: Any, _ key: String) throws(LLMConfigError) -> [String] {
        guard let list = v as? [Any] else { throw LLMConfigError("\(at(key)) must be a list of strings") }
        var out: [String] = []
        for item in list {
            guard let s = item as? String, !s.isEmpty else { throw LLMConfigError("\(at(key)) must be a list of non-empty strings") }
            out.append(s)
        }
        return out
    }

    func string(_ o: [String: Any], _ key: String) throws(LLMConfigError) -> String? {
        guard let v = o[key] else { return nil }
        guard let s = v as? String else { throw LLMConfigError("\(at(key)) must be a string") }
        return s
    }

    func requiredString(_ o: [String: Any], _ key: String) throws(LLMConfigError) -> String {
        guard let s = try string(o, key) else { throw LLMConfigError("\(at(key)) is missing") }
        guard !s.isEmpty else { throw LLMConfigError("\(at(key)) is empty") }
        return s
    }

    static func isBool(_ v: Any) -> Bool {
        // JSONSerialization gives NSNumber for both; a boolean's type code is "c".
        guard let n = v as? NSNumber else { return v is Bool }
        return String(cString: n.objCType) == "c"
    }

    func int(_ o: [String: Any], _ key: String, in range: ClosedRange<Int>) throws(LLMConfigError) -> Int? {
        guard let v = o[key] else { return nil }
        guard !Self.isBool(v), let d = (v as? NSNumber)?.doubleValue, d == d.rounded(), let n = Int(exactly: d), range.contains(n) else {
            throw LLMConfigError("\(at(key)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    func double(_ o: [String: Any], _ key: String, in range: ClosedRange<Double>) throws(LLMConfigError) -> Double? {
        guard let v = o[key] else { return nil }
        guard !Self.isBool(v), let d = (v as? NSNumber)?.doubleValue, d.isFinite, range.contains(d) else {
            throw LLMConfigError("\(at(key)) must be a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))")
        }
        return d
    }

    func bool(_ o: [String: Any], _ key: String) throws(LLMConfigError) -> Bool? {
        guard let v = o[key] else { return nil }
        guard Self.isBool(v), let b = v as? Bool else { throw LLMConfigError("\(at(key)) must be true or false") }
        return b
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
