import FAQMatcher
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
/// state value (at most 64 KiB), read from the state at each use. Thread-safe.
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

    /// Reads the stored cache, at every use: the stored value is the truth (a contact's
    /// erasure removes their questions from it; a cache kept in memory would answer from
    /// them and write them back). One state read per message that reaches this tier,
    /// before a model call that costs far more. A read that fails keeps what memory holds,
    /// and a cache never read is not written (`put` never writes an empty cache over a
    /// stored one); a stored value that is not a cache of this knowledge version is empty.
    private func load() {
        let stored: String?
        do { stored = try storage.get(Self.key) } catch { return }
        loaded = true
        entries = [:]
        guard let text = stored,
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
        // Written only over what was read; a failed write only costs the cached answer.
        if loaded { try? storage.set(Self.key, text) }
    }
}

/// The semantic tier's vectors: one per FAQ question, computed once per knowledge
/// version and embedding model, kept in the plugin's state (one value per question:
/// the floats as base64), loaded into memory at the first message that needs them.
public final class SemanticIndex: @unchecked Sendable {
    let items: [(entry: Int, question: String)]
    let faq: [Knowledge.FAQItem]
    let storage: any LedgerStorage
    let prefix: String
    /// The `faq` plugin's matcher on the same entries (`embeddings.lexical`), or nil.
    public let lexical: FAQIndex?
    private let lock = NSLock()
    private var vectors: [[Float]]?
    private var built: FAQEmbeddingIndex?
    private var computing = false
    private var lastFailure: ContinuousClock.Instant?
    /// After a failed computation, the next try waits this long (not one call per message).
    public var retryAfterFailure: Duration = .seconds(60)

    public init(knowledge: Knowledge, model: String, storage: any LedgerStorage, lexical: Bool = false) {
        self.lexical = lexical && !knowledge.faq.isEmpty
            ? FAQIndex(entries: knowledge.faq.map { FAQEntry(id: $0.id, questions: $0.questions, answer: $0.answer) }, threshold: nil, margin: nil)
            : nil
        faq = knowledge.faq
        items = knowledge.faq.enumerated().flatMap { i, e in e.questions.map { (i, $0) } }
        self.storage = storage
        prefix = "emb:\(model):\(knowledge.version):"
    }

    public var isEmpty: Bool { items.isEmpty }

    /// Questions embedded per request: a long FAQ is indexed in several calls, each stored
    /// as it arrives, so a first message that runs out of time leaves the work done for
    /// the next one instead of starting over.
    public var batchSize = 64

    /// The stored vectors, or computed with `embed` (and stored, a batch at a time) when
    /// there are none. Nil when they cannot all be had now: the embedding provider failed
    /// (tried again after `retryAfterFailure`), `deadline` came first (the next message
    /// goes on from the last stored batch), or another conversation is computing them
    /// (the lock is not held during the calls, so nobody waits on a slow provider here).
    func vectors(deadline: ContinuousClock.Instant = .now + .seconds(3600),
                 embed: ([String]) throws(ProviderFailure) -> [[Float]]) -> (vectors: [[Float]]?, computed: Bool, failure: ProviderFailure?) {
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
        let result = load(deadline: deadline, embed: embed)
        lock.lock()
        computing = false
        if let v = result.vectors { vectors = v }
        if result.failure != nil { lastFailure = .now }
        lock.unlock()
        return result
    }

    private func load(deadline: ContinuousClock.Instant,
                      embed: ([String]) throws(ProviderFailure) -> [[Float]]) -> (vectors: [[Float]]?, computed: Bool, failure: ProviderFailure?) {
        var out: [[Float]] = []
        for i in 0..<items.count {
            // A store that cannot be read is a failure (tried again after the back-off),
            // not a reason to pay for the embeddings again; a vector not stored (or not a
            // vector) is computed from here on.
            let b64: String?
            do { b64 = try storage.get(prefix + String(i)) } catch {
                return (nil, false, ProviderFailure(kind: .retryable, status: 0, code: "state_unreadable",
                                                    message: "the stored FAQ vectors cannot be read: \(error)"))
            }
            guard let b64, let v = Self.decode(b64) else { break }
            out.append(v)
        }
        if out.count == items.count { return (out, false, nil) }
        let failedAt = lock.withLock { lastFailure }
        if let failedAt, ContinuousClock.now < failedAt + retryAfterFailure { return (nil, false, nil) }
        let questions = items.map(\.question)
        while out.count < questions.count {
            if ContinuousClock.now >= deadline { return (nil, false, nil) }
            let batch = Array(questions[out.count..<min(out.count + max(1, batchSize), questions.count)])
            do {
                let got = try embed(batch)
                guard got.count == batch.count else {
                    return (nil, false, ProviderFailure(kind: .rejected, status: 200, code: "vector_count",
                                                        message: "embeddings: \(got.count) vectors for \(batch.count) texts"))
                }
                // Kept in memory either way; a vector not stored is computed again after a restart.
                for (k, v) in got.enumerated() { try? storage.set(prefix + String(out.count + k), Self.encode(v)) }
                out += got
            } catch {
                // Out of this message's time (the batches stored so far are kept for the
                // next one), or the provider failed (not asked again for a while).
                if ContinuousClock.now >= deadline - .milliseconds(50) || error.code == "deadline" { return (nil, false, nil) }
                return (nil, false, error)
            }
        }
        return (out, true, nil)
    }

    /// The FAQ's vectors as an index (built once, the first time they are had): entries
    /// scored as `FAQEmbeddingIndex` does (the mean of an entry's two closest questions).
    /// `entryBars`: compute the per-entry bars (only when `entry_margin` is set).
    func index(_ vectors: [[Float]], entryBars: Bool = true) throws -> FAQEmbeddingIndex {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        var byEntry: [Int: [[Float]]] = [:]
        for (i, v) in vectors.enumerated() where i < items.count { byEntry[items[i].entry, default: []].append(v) }
        let entries = byEntry.keys.sorted().map { (id: faq[$0].id, vectors: byEntry[$0]!) }
        let index = try FAQEmbeddingIndex(entries: entries, entryBars: entryBars)
        built = index
        return index
    }

    /// The FAQ entry with this id.
    func entry(_ id: String) -> Knowledge.FAQItem? { faq.first { $0.id == id } }

    static func encode(_ v: [Float]) -> String {
        v.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    static func decode(_ s: String) -> [Float]? {
        guard let d = Data(base64Encoded: s), d.count % 4 == 0 else { return nil }
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
