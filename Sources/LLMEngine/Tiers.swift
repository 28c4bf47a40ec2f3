import Foundation

/// Normalises a question for the answer cache: lower case, accents folded, only letters
/// and digits, single spaces ("Do you deliver to Lekki??" == "do you deliver to lekki").
public func normalizedQuestion(_ text: String) -> String {
    let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    return folded.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
}

/// Answers given before, per workspace, by normalised question: reused for `cache_ttl_s`
/// seconds, forgotten as a whole when the knowledge changes (its version is part of the
/// stored value). Only questions of 3 words or more are kept: "how much?" means something
/// else in every conversation. At most `capacity` entries (the oldest go first), all in one
/// state value (at most 64 KiB), read once and kept in memory. Thread-safe.
public final class AnswerCache: @unchecked Sendable {
    let storage: any LedgerStorage
    let ttl: TimeInterval
    let version: String
    let capacity: Int
    private let lock = NSLock()
    private var loaded = false
    private var entries: [String: (answer: String, at: Double)] = [:]

    static let key = "cache"

    public init(storage: any LedgerStorage, ttlSeconds: Int, knowledgeVersion: String, capacity: Int = 200) {
        self.storage = storage
        ttl = TimeInterval(ttlSeconds)
        version = knowledgeVersion
        self.capacity = capacity
    }

    public static func cacheable(_ normalized: String) -> Bool {
        normalized.split(separator: " ").count >= 3
    }

    private func load() {
        guard !loaded else { return }
        loaded = true
        guard let text = (try? storage.get(Self.key)) ?? nil,
              let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              o["version"] as? String == version,
              let list = o["entries"] as? [String: [Any]] else { return } // none, or another knowledge version: empty
        for (q, v) in list where v.count == 2 {
            if let a = v[0] as? String, let t = (v[1] as? NSNumber)?.doubleValue { entries[q] = (a, t) }
        }
    }

    public func get(_ question: String, now: Date) -> String? {
        guard ttl > 0 else { return nil }
        let q = normalizedQuestion(question)
        guard Self.cacheable(q) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        load()
        guard let e = entries[q], now.timeIntervalSince1970 - e.at < ttl else { return nil }
        return e.answer
    }

    public func put(_ question: String, answer: String, now: Date) {
        guard ttl > 0 else { return }
        let q = normalizedQuestion(question)
        guard Self.cacheable(q) else { return }
        lock.lock()
        defer { lock.unlock() }
        load()
        let t = now.timeIntervalSince1970
        entries = entries.filter { t - $0.value.at < ttl }
        entries[q] = (answer, t)
        var text = ""
        while true {
            let object: [String: Any] = ["version": version, "entries": entries.mapValues { [$0.answer, $0.at] as [Any] }]
            text = String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
            if entries.count <= capacity, text.utf8.count < 60_000 { break }
            guard let oldest = entries.min(by: { $0.value.at < $1.value.at })?.key else { break }
            entries[oldest] = nil
        }
        try? storage.set(Self.key, text)
    }
}

/// The semantic tier's vectors: one per FAQ question, computed once per knowledge
/// version and embedding model, kept in the plugin's state (one value per question:
/// the floats as base64), loaded into memory at the first message that needs them.
public final class SemanticIndex: @unchecked Sendable {
    public struct Match: Sendable, Equatable {
        public var entry: Knowledge.FAQItem
        public var question: String
        public var similarity: Double
    }

    let items: [(entry: Int, question: String)]
    let faq: [Knowledge.FAQItem]
    let storage: any LedgerStorage
    let prefix: String
    private let lock = NSLock()
    private var vectors: [[Float]]?
    private var computing = false
    private var lastFailure: ContinuousClock.Instant?
    /// After a failed computation, the next try waits this long (not one call per message).
    public var retryAfterFailure: Duration = .seconds(60)

    public init(knowledge: Knowledge, model: String, storage: any LedgerStorage) {
        faq = knowledge.faq
        items = knowledge.faq.enumerated().flatMap { i, e in e.questions.map { (i, $0) } }
        self.storage = storage
        prefix = "emb:\(model):\(knowledge.version):"
    }

    public var isEmpty: Bool { items.isEmpty }

    /// The stored vectors, or computed with `embed` (and stored) when there are none.
    /// Nil when they cannot be had now: the embedding provider failed (tried again
    /// later), or another conversation is computing them (the lock is not held during
    /// the call, so nobody waits on a slow provider here).
    func vectors(embed: ([String]) throws(ProviderFailure) -> [[Float]]) -> (vectors: [[Float]]?, computed: Bool, failure: ProviderFailure?) {
        lock.lock()
        if let vectors {
            lock.unlock()
            return (vectors, false, nil)
        }
        if computing {
            lock.unlock()
            return (nil, false, nil)
        }
        computing = true
        lock.unlock()
        let result = load(embed: embed)
        lock.lock()
        computing = false
        if let v = result.vectors { vectors = v }
        if result.failure != nil { lastFailure = .now }
        lock.unlock()
        return result
    }

    private func load(embed: ([String]) throws(ProviderFailure) -> [[Float]]) -> (vectors: [[Float]]?, computed: Bool, failure: ProviderFailure?) {
        if let count = ((try? storage.get(prefix + "n")) ?? nil).flatMap({ Int($0) }), count == items.count {
            var out: [[Float]] = []
            for i in 0..<count {
                guard let b64 = (try? storage.get(prefix + String(i))) ?? nil, let v = Self.decode(b64) else { break }
                out.append(v)
            }
            if out.count == count { return (out, false, nil) }
        }
        let failedAt = lock.withLock { lastFailure }
        if let failedAt, ContinuousClock.now < failedAt + retryAfterFailure { return (nil, false, nil) }
        do {
            let computed = try embed(items.map(\.question))
            for (i, v) in computed.enumerated() { try? storage.set(prefix + String(i), Self.encode(v)) }
            try? storage.set(prefix + "n", String(computed.count))
            return (computed, true, nil)
        } catch {
            return (nil, false, error)
        }
    }

    /// The FAQ question closest to `vector` (cosine similarity).
    func best(_ vector: [Float], among vectors: [[Float]]) -> Match? {
        var best: (Int, Double)?
        for (i, v) in vectors.enumerated() {
            let s = Self.cosine(vector, v)
            if best == nil || s > best!.1 { best = (i, s) }
        }
        guard let (i, s) = best else { return nil }
        return Match(entry: faq[items[i].entry], question: items[i].question, similarity: s)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    static func encode(_ v: [Float]) -> String {
        v.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    static func decode(_ s: String) -> [Float]? {
        guard let d = Data(base64Encoded: s), d.count % 4 == 0 else { return nil }
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
