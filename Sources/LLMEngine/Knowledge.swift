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
            let text = String(decoding: data, as: UTF8.self)
            switch ext {
            case "json":
                let items = try faqItems(json: data, source: path)
                faq += items
                chunks += items.map { chunk(path, $0) }
            case "csv":
                let items = csvItems(text)
                faq += items
                chunks += items.map { chunk(path, $0) }
            default: chunks += textChunks(text, source: path)
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

    static func faqItems(json data: Data, source: String) throws(LLMConfigError) -> [FAQItem] {
        let any = try? JSONSerialization.jsonObject(with: data)
        let list = (any as? [Any]) ?? ((any as? [String: Any])?["entries"] as? [Any])
        guard let list else { throw LLMConfigError("config: knowledge: \(source): expected a list of {id, questions, answer} or {\"entries\": [...]}") }
        return list.enumerated().compactMap { i, item in
            guard let o = item as? [String: Any], let answer = o["answer"] as? String, !answer.isEmpty else { return nil }
            let questions = (o["questions"] as? [String]) ?? []
            return FAQItem(id: o["id"] as? String ?? "entry-\(i + 1)", questions: questions, answer: answer)
        }
    }

    static func csvItems(_ text: String) -> [FAQItem] {
        var order: [String] = []
        var entries: [String: FAQItem] = [:]
        for (i, line) in text.components(separatedBy: "\n").enumerated() where i > 0 {
            let fields = CSV.fields(line)
            guard fields.count >= 3 else { continue }
            if entries[fields[0]] == nil {
                order.append(fields[0])
                entries[fields[0]] = FAQItem(id: fields[0], questions: [], answer: fields[2])
            }
            entries[fields[0]]?.questions.append(fields[1])
        }
        return order.compactMap { entries[$0] }
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

enum CSV {
    /// One line's fields; double quotes may enclose commas and doubled quotes.
    static func fields(_ line: String) -> [String] {
        var out: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(line.trimmingCharacters(in: CharacterSet(charactersIn: "\r")))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(field); field = "" } else { field.append(c) }
            i += 1
        }
        out.append(field)
        chars.removeAll()
        return out
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
