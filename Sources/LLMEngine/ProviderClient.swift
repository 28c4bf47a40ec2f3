import Foundation

public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable { case user, assistant }
    public var role: Role
    public var content: String
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

public struct ChatRequest: Sendable, Equatable {
    public var model: String
    /// Instructions and knowledge: stable content first (providers cache prompt prefixes).
    public var system: String
    /// The conversation, oldest first, ending with the customer's message.
    public var messages: [ChatMessage]
    public var maxTokens: Int
    /// Ask for one JSON object (OpenAI `response_format: {"type": "json_object"}`;
    /// Anthropic has no such switch: the instructions ask for it).
    public var jsonObject: Bool = true
    public var temperature: Double = 0.2

    public init(model: String, system: String, messages: [ChatMessage], maxTokens: Int, jsonObject: Bool = true) {
        self.model = model
        self.system = system
        self.messages = messages
        self.maxTokens = maxTokens
        self.jsonObject = jsonObject
    }

    /// Characters of prompt text, for estimates.
    public var promptCharacters: Int { system.count + messages.reduce(0) { $0 + $1.content.count } }
}

/// Tokens of one call, split the way they are billed.
public struct TokenUsage: Sendable, Equatable {
    /// Input tokens billed at the input price (cached ones excluded).
    public var input: Int
    /// Input tokens read from the provider's prompt cache.
    public var cachedInput: Int
    /// Input tokens written to Anthropic's prompt cache (1.25x the input price).
    public var cacheWrite: Int
    public var output: Int
    /// True when the provider gave no usage (a cut stream, a server that omits it) and
    /// these are estimates from lengths.
    public var estimated: Bool

    public init(input: Int, cachedInput: Int = 0, cacheWrite: Int = 0, output: Int, estimated: Bool = false) {
        self.input = input
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
        self.output = output
        self.estimated = estimated
    }

    public static let zero = TokenUsage(input: 0, output: 0)

    /// Tokens in `characters` of text, rounded up; about four characters a token for
    /// English, fewer for other scripts, so this errs on the high side for budgets.
    public static func estimateTokens(characters: Int) -> Int { (characters + 2) / 3 }

    public static func estimate(request: ChatRequest, outputCharacters: Int) -> TokenUsage {
        TokenUsage(input: estimateTokens(characters: request.promptCharacters) + 4 * (request.messages.count + 1),
                   output: estimateTokens(characters: outputCharacters), estimated: true)
    }

    /// What the call cost with `model`'s prices, in USD.
    public func cost(_ model: LLMConfig.Model) -> Double {
        (Double(input) * model.inputUSDPerMTok
            + Double(cachedInput) * model.cachedInputUSDPerMTok
            + Double(cacheWrite) * model.inputUSDPerMTok * 1.25
            + Double(output) * model.outputUSDPerMTok) / 1_000_000
    }
}

public struct ChatAnswer: Sendable, Equatable {
    public var text: String
    public var usage: TokenUsage
    /// `stop`, `length`, `end_turn`, `max_tokens`...; empty when the provider gave none.
    public var finishReason: String
}

/// A failed provider call, classified for what the caller does next.
public struct ProviderFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Temporary: 429 rate limit, 408/409, 5xx, 529 overloaded, a timeout, a refused
        /// connection, an error event inside a 200 stream. Retry (after `retryAfter`),
        /// then fail over.
        case retryable
        /// The prompt is longer than the model's context: trim it and try again.
        case contextLength = "context_length"
        /// 401/403, quota, spend limit, billing: never retried; the admin must act.
        case fatal
        /// Any other refusal (400, 404 unknown model): this provider cannot do it; fail
        /// over without retrying.
        case rejected
    }

    public var kind: Kind
    /// The HTTP status, 0 when there was no answer.
    public var status: Int
    /// The provider's error type or code (`rate_limit_exceeded`, `overloaded_error`), or
    /// `timeout` / `connection` for transport failures.
    public var code: String
    public var message: String
    public var retryAfter: Duration?
    /// Tokens the provider may bill although the call failed (a stream cut after text).
    public var billed: TokenUsage?

    public var description: String {
        "\(kind.rawValue)\(status > 0 ? " \(status)" : "")\(code.isEmpty ? "" : " \(code)"): \(message)"
    }

    /// Classifies an HTTP error answer of either wire format. Also used for an error
    /// object inside a 200 answer or stream (`status` 200).
    public static func classify(status: Int, body: [UInt8], retryAfter: Duration?) -> ProviderFailure {
        var type = ""
        var code = ""
        var message = ""
        if let any = try? JSONSerialization.jsonObject(with: Data(body)), let o = any as? [String: Any] {
            // {"error": {...}} (OpenAI, vLLM new, Anthropic's {"type":"error","error":{...}}),
            // or flat {"message", "type", "code"} (vLLM old, some local servers).
            let e = (o["error"] as? [String: Any]) ?? o
            type = e["type"] as? String ?? ""
            if let c = e["code"] as? String { code = c } else if let n = e["code"] as? NSNumber { code = n.stringValue }
            message = e["message"] as? String ?? (o["error"] as? String ?? "")
        } else {
            message = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if message.isEmpty { message = "HTTP \(status)" }
        let label = [type, code].filter { !$0.isEmpty && Int($0) == nil }.joined(separator: "/")
        func failure(_ kind: Kind) -> ProviderFailure {
            ProviderFailure(kind: kind, status: status, code: label, message: message, retryAfter: retryAfter)
        }
        let lower = (message + " " + type + " " + code).lowercased()
        let quota = ["insufficient_quota", "billing", "credit balance", "credit_balance", "spend limit", "spend_limit",
                     "exceeded your current quota", "quota exceeded"].contains { lower.contains($0) }
        let context = ["context_length", "context length", "context size", "context window", "exceed_context",
                       "prompt is too long", "maximum context", "too many tokens", "request_too_large"].contains { lower.contains($0) }
        if status == 401 || status == 403 || status == 402 || quota { return failure(.fatal) }
        if status == 413 || context { return failure(.contextLength) }
        if [408, 409, 425, 429, 529].contains(status) || status >= 500 || status == 200 { return failure(.retryable) }
        if ["overloaded_error", "api_error", "rate_limit_error", "server_error"].contains(type) { return failure(.retryable) }
        return failure(.rejected)
    }
}

/// The last few long strings quoted as JSON (the system prompts), by their text.
final class QuotedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(text: String, quoted: String)] = []

    func quoted(_ text: String) -> String {
        lock.lock()
        if let hit = entries.first(where: { $0.text == text }) {
            lock.unlock()
            return hit.quoted
        }
        lock.unlock()
        let q = JSONText.quoted(text)
        lock.lock()
        entries.insert((text, q), at: 0)
        if entries.count > 8 { entries.removeLast() }
        lock.unlock()
        return q
    }
}

/// One provider's wire format: builds the request, reads the answer (plain JSON or a
/// Server-Sent Events stream), classifies failures. Stateless and thread-safe.
public struct ProviderClient: Sendable {
    public let provider: LLMConfig.Provider
    public let transport: any HTTPTransport
    /// The system prompt is the same for most messages: quoted once.
    let quoted = QuotedCache()

    public init(provider: LLMConfig.Provider, transport: any HTTPTransport = CurlTransport()) {
        self.provider = provider
        self.transport = transport
    }

    // MARK: chat

    public func chat(_ request: ChatRequest, timeout: Duration) throws(ProviderFailure) -> ChatAnswer {
        let body = provider.api == .openai ? openAIBody(request) : anthropicBody(request)
        let response: HTTPResponse
        do {
            response = try transport.post(url: provider.chatURL, headers: headers(), body: body, timeout: timeout)
        } catch {
            var f = ProviderFailure(kind: .retryable, status: 0, code: error.timedOut ? "timeout" : "connection",
                                    message: error.message)
            if !error.partial.isEmpty {
                // A stream cut short: the provider bills what it sent.
                let text = (try? parseStream(error.partial, request: request, requireEnd: false).text) ?? ""
                f.billed = TokenUsage.estimate(request: request, outputCharacters: max(text.count, error.partial.count / 8))
            }
            throw f
        }
        guard response.status == 200 else {
            var f = ProviderFailure.classify(status: response.status, body: response.body, retryAfter: response.retryAfter())
            f.message = redact(f.message)
            throw f
        }
        let contentType = response.headers["content-type"] ?? ""
        if contentType.contains("text/event-stream") || (provider.stream && response.body.starts(with: Array("data:".utf8)))
            || response.body.starts(with: Array("event:".utf8)) {
            return try parseStream(response.body, request: request, requireEnd: true)
        }
        return try parseJSON(response.body, request: request)
    }

    /// Error messages go to logs: no key in them, ours or one a provider quotes back
    /// ("Incorrect API key provided: sk-abc...").
    func redact(_ message: String) -> String {
        var m = message
        if provider.apiKey.count >= 4 { m = m.replacingOccurrences(of: provider.apiKey, with: "[key]") }
        while let r = m.range(of: #"(sk|key)-[A-Za-z0-9_\-\*\.]{3,}"#, options: .regularExpression) {
            m.replaceSubrange(r, with: "[key]")
        }
        return m
    }

    func headers() -> [String] {
        var h = ["Content-Type: application/json", "Accept: application/json, text/event-stream"]
        switch provider.api {
        case .openai:
            if !provider.apiKey.isEmpty { h.append("Authorization: Bearer \(provider.apiKey)") }
        case .anthropic:
            h.append("anthropic-version: 2023-06-01")
            if !provider.apiKey.isEmpty { h.append("x-api-key: \(provider.apiKey)") }
        }
        return h
    }

    // The bodies are written directly (Core's JSONText, compiled in through a symlink):
    // JSONSerialization took 175 µs a message for a 3 KB prompt (bench/llm).

    public func openAIBody(_ r: ChatRequest) -> [UInt8] {
        var w = String()
        w.reserveCapacity(r.promptCharacters + 256)
        w += "{\"messages\":[{\"content\":"
        w += quoted.quoted(r.system)
        w += ",\"role\":\"system\"}"
        for m in r.messages {
            w += ",{\"content\":"
            JSONText.appendQuoted(m.content, to: &w)
            w += ",\"role\":\"\(m.role.rawValue)\"}"
        }
        w += "],\"model\":"
        JSONText.appendQuoted(r.model, to: &w)
        w += ",\"\(provider.maxTokensField)\":\(r.maxTokens)"
        if r.jsonObject { w += ",\"response_format\":{\"type\":\"json_object\"}" }
        w += ",\"stream\":\(provider.stream)"
        if provider.stream { w += ",\"stream_options\":{\"include_usage\":true}" }
        w += ",\"temperature\":\(r.temperature)}"
        return Array(w.utf8)
    }

    public func anthropicBody(_ r: ChatRequest) -> [UInt8] {
        // Messages must start with the user and alternate: merge neighbours of one role.
        var merged: [ChatMessage] = []
        for m in r.messages {
            if merged.isEmpty, m.role == .assistant { continue }
            if let last = merged.last, last.role == m.role {
                merged[merged.count - 1].content += "\n" + m.content
            } else {
                merged.append(m)
            }
        }
        var w = String()
        w.reserveCapacity(r.promptCharacters + 256)
        w += "{\"max_tokens\":\(r.maxTokens),\"messages\":["
        for (i, m) in merged.enumerated() {
            w += i == 0 ? "{\"content\":" : ",{\"content\":"
            JSONText.appendQuoted(m.content, to: &w)
            w += ",\"role\":\"\(m.role.rawValue)\"}"
        }
        w += "],\"model\":"
        JSONText.appendQuoted(r.model, to: &w)
        if provider.stream { w += ",\"stream\":true" }
        // The instructions and knowledge are the same for every message: a cacheable prefix.
        w += ",\"system\":[{\"cache_control\":{\"type\":\"ephemeral\"},\"text\":"
        w += quoted.quoted(r.system)
        w += ",\"type\":\"text\"}],\"temperature\":\(r.temperature)}"
        return Array(w.utf8)
    }

    /// The `/embeddings` request body, written directly like the chat bodies (no
    /// serializer whose failure would need a fallback).
    public static func embeddingsBody(model: String, texts: [String]) -> [UInt8] {
        var w = "{\"encoding_format\":\"float\",\"input\":["
        for (i, t) in texts.enumerated() {
            if i > 0 { w += "," }
            JSONText.appendQuoted(t, to: &w)
        }
        w += "],\"model\":"
        JSONText.appendQuoted(model, to: &w)
        w += "}"
        return Array(w.utf8)
    }

    func parseJSON(_ body: [UInt8], request: ChatRequest) throws(ProviderFailure) -> ChatAnswer {
        guard let any = try? JSONSerialization.jsonObject(with: Data(body)), let o = any as? [String: Any] else {
            throw ProviderFailure(kind: .retryable, status: 200, code: "bad_answer",
                                  message: "the provider answered 200 with a body that is not a JSON object",
                                  billed: TokenUsage.estimate(request: request, outputCharacters: body.count))
        }
        if o["error"] != nil || (o["type"] as? String) == "error" {
            throw ProviderFailure.classify(status: 200, body: body, retryAfter: nil)
        }
        switch provider.api {
        case .openai:
            let choice = (o["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any]
            let text = message?["content"] as? String ?? ""
            let finish = choice?["finish_reason"] as? String ?? ""
            let usage = Self.openAIUsage(o["usage"]) ?? TokenUsage.estimate(request: request, outputCharacters: text.count)
            return ChatAnswer(text: text, usage: usage, finishReason: finish)
        case .anthropic:
            let blocks = o["content"] as? [[String: Any]] ?? []
            let text = blocks.filter { ($0["type"] as? String) == "text" }.compactMap { $0["text"] as? String }.joined()
            let usage = Self.anthropicUsage(o["usage"] as? [String: Any], output: nil)
                ?? TokenUsage.estimate(request: request, outputCharacters: text.count)
            return ChatAnswer(text: text, usage: usage, finishReason: o["stop_reason"] as? String ?? "")
        }
    }

    static func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue }

    static func openAIUsage(_ v: Any?) -> TokenUsage? {
        guard let u = v as? [String: Any], let prompt = int(u["prompt_tokens"]) else { return nil }
        let cached = int((u["prompt_tokens_details"] as? [String: Any])?["cached_tokens"]) ?? 0
        return TokenUsage(input: max(0, prompt - cached), cachedInput: cached, output: int(u["completion_tokens"]) ?? 0)
    }

    static func anthropicUsage(_ u: [String: Any]?, output: Int?) -> TokenUsage? {
        guard let u, let input = int(u["input_tokens"]) else { return nil }
        return TokenUsage(input: input, cachedInput: int(u["cache_read_input_tokens"]) ?? 0,
                          cacheWrite: int(u["cache_creation_input_tokens"]) ?? 0,
                          output: output ?? int(u["output_tokens"]) ?? 0)
    }

    /// Reads a Server-Sent Events answer. `requireEnd`: the stream must have ended
    /// properly (`data: [DONE]`, `message_stop`), or it counts as cut (retryable, the
    /// tokens estimated and billed).
    func parseStream(_ body: [UInt8], request: ChatRequest, requireEnd: Bool) throws(ProviderFailure) -> ChatAnswer {
        var text = ""
        var finish = ""
        var ended = false
        var openAIUsage: TokenUsage?
        var anthropicStart: [String: Any]?
        var anthropicOutput: Int?
        for rawLine in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("data:") else { continue }
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if payload == "[DONE]" {
                ended = true
                continue
            }
            guard let any = try? JSONSerialization.jsonObject(with: Data(payload.utf8)), let o = any as? [String: Any] else { continue }
            if o["error"] != nil || (o["type"] as? String) == "error" {
                var f = ProviderFailure.classify(status: 200, body: Array(payload.utf8), retryAfter: nil)
                f.message = "error inside a 200 stream: " + f.message
                f.billed = TokenUsage.estimate(request: request, outputCharacters: text.count)
                throw f
            }
            switch provider.api {
            case .openai:
                if let choice = (o["choices"] as? [[String: Any]])?.first {
                    if let c = (choice["delta"] as? [String: Any])?["content"] as? String { text += c }
                    if let f = choice["finish_reason"] as? String { finish = f }
                }
                if let u = Self.openAIUsage(o["usage"]) { openAIUsage = u }
            case .anthropic:
                switch o["type"] as? String {
                case "message_start": anthropicStart = (o["message"] as? [String: Any])?["usage"] as? [String: Any]
                case "content_block_delta":
                    if let d = o["delta"] as? [String: Any], let t = d["text"] as? String { text += t }
                case "message_delta":
                    if let s = (o["delta"] as? [String: Any])?["stop_reason"] as? String { finish = s }
                    if let n = Self.int((o["usage"] as? [String: Any])?["output_tokens"]) { anthropicOutput = n }
                case "message_stop": ended = true
                default: break
                }
            }
        }
        let usage = (provider.api == .openai ? openAIUsage : Self.anthropicUsage(anthropicStart, output: anthropicOutput))
            ?? TokenUsage.estimate(request: request, outputCharacters: text.count)
        if requireEnd, !ended {
            throw ProviderFailure(kind: .retryable, status: 200, code: "stream_cut",
                                  message: "the stream ended before its last event", billed: usage)
        }
        return ChatAnswer(text: text, usage: usage, finishReason: finish)
    }

    // MARK: embeddings

    /// Embeds `texts` in one call (OpenAI-compatible `/embeddings`), in input order.
    public func embed(_ texts: [String], model: String, timeout: Duration) throws(ProviderFailure) -> [[Float]] {
        try embedWithUsage(texts, model: model, timeout: timeout).vectors
    }

    /// `embed`, with the call's input tokens: the answer's `usage.prompt_tokens`, or an
    /// estimate from the texts' lengths (`estimated`) when the server gives none.
    public func embedWithUsage(_ texts: [String], model: String, timeout: Duration) throws(ProviderFailure) -> (vectors: [[Float]], usage: TokenUsage) {
        let body = Self.embeddingsBody(model: model, texts: texts)
        let response: HTTPResponse
        do {
            response = try transport.post(url: provider.embeddingsURL, headers: headers(), body: body, timeout: timeout)
        } catch {
            throw ProviderFailure(kind: .retryable, status: 0, code: error.timedOut ? "timeout" : "connection", message: error.message)
        }
        guard response.status == 200 else {
            var f = ProviderFailure.classify(status: response.status, body: response.body, retryAfter: response.retryAfter())
            f.message = redact(f.message)
            throw f
        }
        guard let any = try? JSONSerialization.jsonObject(with: Data(response.body)), let o = any as? [String: Any],
              let data = o["data"] as? [[String: Any]] else {
            throw ProviderFailure(kind: .retryable, status: 200, code: "bad_answer", message: "embeddings answer without data[]")
        }
        var out = [[Float]](repeating: [], count: texts.count)
        for (position, item) in data.enumerated() {
            // Match by data[].index, not by position.
            let i = Self.int(item["index"]) ?? position
            guard out.indices.contains(i), let v = item["embedding"] as? [Any] else { continue }
            out[i] = v.compactMap { ($0 as? NSNumber)?.floatValue }
        }
        if let missing = out.firstIndex(where: \.isEmpty) {
            throw ProviderFailure(kind: .rejected, status: 200, code: "bad_answer", message: "embeddings answer has no vector for input \(missing)")
        }
        let usage: TokenUsage
        if let u = o["usage"] as? [String: Any], let n = Self.int(u["prompt_tokens"]) ?? Self.int(u["total_tokens"]) {
            usage = TokenUsage(input: n, output: 0)
        } else {
            usage = TokenUsage(input: texts.reduce(0) { $0 + TokenUsage.estimateTokens(characters: $1.count) }, output: 0, estimated: true)
        }
        return (out, usage)
    }
}
