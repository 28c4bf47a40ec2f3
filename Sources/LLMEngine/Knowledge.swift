import FAQMatcher
import Foundation

/// What the model may answer from: the workspace's knowledge files, cut into chunks
/// (paragraphs under their headings, FAQ entries one per chunk). When everything does
/// not fit in `max_knowledge_chars`, the chunks sharing most words with the question and
/// the last messages go in, in their original order.
public struct Knowledge: Sendable, Equatable {
    public struct Chunk: Sendable, Equatable {
        public var source: String
        public var text: String
        let words: Set<String>
    }

    /// One question-and-answer entry of an FAQ file (the semantic tier matches its questions).
    public struct FAQItem: Sendable, Equatable {
        public var id: String
        public var questions: [String]
        public var answer: String
        public init(id: String, questions: [String], answer: String) {
            self.id = id
            self.questions = questions
            self.answer = answer
        }
    }

    public var chunks: [Chunk]
    public var faq: [FAQItem]
    /// Changes whenever the text changes (the answer cache and the FAQ's embeddings key on it).
    public var version: String

    public init(chunks: [Chunk], faq: [FAQItem] = []) {
        self.chunks = chunks
        self.faq = faq
        var hasher = FNV1a()
        for c in chunks { hasher.add(c.source); hasher.add(c.text) }
        for e in faq { hasher.add(e.id); for q in e.questions { hasher.add(q) }; hasher.add(e.answer) }
        version = String(hasher.value, radix: 16)
    }

    static func chunk(_ source: String, _ item: FAQItem) -> Chunk {
        chunk(source, "Q: " + item.questions.joined(separator: " / ") + "\nA: " + item.answer)
    }

    public static let supportedExtensions = ["md", "txt", "json", "csv"]

    /// Reads the files (relative paths from the host's working directory). A missing or
    /// unreadable file, or an unsupported kind, is an error naming it.
    public static func load(paths: [String]) throws(LLMConfigError) -> Knowledge {
        var chunks: [Chunk] = []
        var faq: [FAQItem] = []
        for path in paths {
            let ext = (path as NSString).pathExtension.lowercased()
            guard supportedExtensions.contains(ext) else {
                throw LLMConfigError("config: knowledge: \(path): unsupported file kind \".\(ext)\" (use .md, .txt, .json FAQ entries or .csv id,question,answer)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LLMConfigError("config: knowledge: \(path): cannot read the file (relative paths are read from the host's working directory, \(FileManager.default.currentDirectoryPath))")
            }
            switch ext {
            case "json", "csv":
                // The FAQ plugin's own reader: the same files, the same errors.
                let items: [FAQItem]
                do {
                    items = try FAQEntries.entries(fromFile: path).map { FAQItem(id: $0.id, questions: $0.questions, answer: $0.answer) }
                } catch {
                    throw LLMConfigError("config: knowledge: \(error)")
                }
                faq += items
                chunks += items.map { chunk(path, $0) }
            default: chunks += textChunks(String(decoding: data, as: UTF8.self), source: path)
            }
        }
        return Knowledge(chunks: chunks, faq: faq)
    }

    static func chunk(_ source: String, _ text: String) -> Chunk {
        Chunk(source: source, text: text, words: Set(words(text)))
    }

    /// Paragraphs (blank-line separated) with the nearest heading in front, at most
    /// about 1,200 characters each.
    static func textChunks(_ text: String, source: String) -> [Chunk] {
        var out: [Chunk] = []
        var heading = ""
        var paragraph = ""
        func flush() {
            let t = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { out.append(chunk(source, heading.isEmpty ? t : heading + "\n" + t)) }
            paragraph = ""
        }
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") {
                // A heading is not a chunk: it goes in front of each paragraph under it.
                flush()
                heading = trimmed
            } else if trimmed.isEmpty {
                flush()
            } else {
                if paragraph.count > 1_200 { flush() }
                paragraph += line + "\n"
            }
        }
        flush()
        return out
    }

    /// The knowledge text for a prompt: all of it when it fits in `limit` characters,
    /// else the most relevant chunks to `query` (shared words, rarer words weigh more),
    /// kept in their original order.
    public func text(for query: String, limit: Int) -> String {
        let total = chunks.reduce(0) { $0 + $1.text.count + 2 }
        if total <= limit { return chunks.map(\.text).joined(separator: "\n\n") }
        let q = Set(Self.words(query))
        var df: [String: Int] = [:]
        for c in chunks { for w in c.words where q.contains(w) { df[w, default: 0] += 1 } }
        let n = Double(chunks.count)
        let scored = chunks.indices.map { i -> (Int, Double) in
            let s = chunks[i].words.intersection(q).reduce(0.0) { $0 + log(1 + n / Double(df[$1] ?? 1)) }
            return (i, s)
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var picked: [Int] = []
        var used = 0
        for (i, score) in scored where score > 0 {
            let size = chunks[i].text.count + 2
            if used + size > limit { continue }
            picked.append(i)
            used += size
        }
        return picked.sorted().map { chunks[$0].text }.joined(separator: "\n\n")
    }

    static let stopWords: Set<String> = ["the", "a", "an", "is", "are", "do", "you", "i", "to", "of", "and", "or", "in", "on",
                                         "for", "it", "we", "our", "your", "can", "what", "how", "my", "me", "be", "at", "with"]

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count > 1 && !stopWords.contains($0) }
    }
}

/// FNV-1a, 64 bits: a stable hash (Swift's Hasher is seeded per process).
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ s: String) {
        for b in s.utf8 { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        value = (value ^ 0xff) &* 0x0000_0100_0000_01b3
    }
}
