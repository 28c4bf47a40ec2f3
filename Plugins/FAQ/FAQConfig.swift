import FAQMatcher
import Foundation
import SwitchboardPluginKit

/// The FAQ plugin's config, from the workspace's YAML:
///
///     - name: faq
///       config:
///         entries:                       # inline entries...
///           - id: hours
///             questions: ["When are you open?", "Opening hours?"]
///             answer: "8am to 7pm, Monday to Saturday."
///         file: config/faq/bakery.csv    # ...and/or a file: .json (a list of entries, or
///                                        # {"entries": [...]}) or .csv (header id,question,answer;
///                                        # one row per question, rows of one id share its answer)
///         threshold: 0.2                 # optional: the matcher's minimum score (default 0.2)
///         margin: 0.55                   # optional: the best entry's lead over the runner-up,
///                                        # as a share of its score (default 0.55: the
///                                        # runner-up may score at most 45 % of the best)
///
/// A relative `file` is read from the host's working directory. For entries in a YAML
/// file, use the workspace's generic `config_file:` beside `config:` (the host reads the
/// YAML and hands its `entries` to the plugin as part of the JSON config):
///
///     - name: faq
///       config_file: config/faq/bakery.yaml   # entries: [{id, questions, answer}, ...]
struct FAQConfig {
    var entries: [FAQEntry] = []
    var threshold: Double?
    var margin: Double?

    static let keys: Set<String> = ["entries", "file", "threshold", "margin"]

    init(_ config: PluginConfig) throws {
        try config.rejectUnknownKeys(Self.keys)
        let o = try config.object()
        if let v = o["entries"] {
            entries += try Self.entries(fromJSON: v, source: "config: entries")
        }
        if let v = o["file"] {
            guard let path = v as? String, !path.isEmpty else { throw PluginError.invalid("config: file must be a path") }
            entries += try Self.entries(fromFile: path)
        }
        if let v = o["threshold"] {
            guard let t = v as? Double, t >= 0, t <= 1 else {
                throw PluginError.invalid("config: threshold must be a number between 0 and 1")
            }
            threshold = t
        }
        if let v = o["margin"] {
            guard let m = v as? Double, m >= 0, m <= 1 else {
                throw PluginError.invalid("config: margin must be a number between 0 and 1")
            }
            margin = m
        }
        guard !entries.isEmpty else { throw PluginError.invalid("config: no FAQ entries (give entries or file)") }
        var seen: Set<String> = []
        for e in entries where !seen.insert(e.id).inserted {
            throw PluginError.invalid("config: entry id \"\(e.id)\" appears twice")
        }
    }

    static func entries(fromJSON value: Any, source: String) throws -> [FAQEntry] {
        guard let list = value as? [Any] else { throw PluginError.invalid("\(source) must be a list of entries") }
        return try list.enumerated().map { i, item in
            let at = "\(source)[\(i)]"
            guard let o = item as? [String: Any] else { throw PluginError.invalid("\(at) must be an object with id, questions, answer") }
            if let k = o.keys.first(where: { !["id", "questions", "answer"].contains($0) }) {
                throw PluginError.invalid("\(at): unknown key \"\(k)\" (known: answer, id, questions)")
            }
            guard let id = o["id"] as? String, !id.isEmpty else { throw PluginError.invalid("\(at): id must be a non-empty string") }
            guard let qs = o["questions"] as? [String], !qs.isEmpty, qs.allSatisfy({ !$0.isEmpty }) else {
                throw PluginError.invalid("\(at) (\(id)): questions must be a non-empty list of strings")
            }
            guard let answer = o["answer"] as? String, !answer.isEmpty else {
                throw PluginError.invalid("\(at) (\(id)): answer must be a non-empty string")
            }
            return FAQEntry(id: id, questions: qs, answer: answer)
        }
    }

    static func entries(fromFile path: String) throws -> [FAQEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PluginError.invalid("config: cannot read FAQ file \(path)")
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "json":
            guard let v = try? JSONSerialization.jsonObject(with: data) else {
                throw PluginError.invalid("FAQ file \(path) is not valid JSON")
            }
            if let o = v as? [String: Any] {
                guard let list = o["entries"] else { throw PluginError.invalid("FAQ file \(path): expected a list or {\"entries\": [...]}") }
                return try entries(fromJSON: list, source: path)
            }
            return try entries(fromJSON: v, source: path)
        case "csv":
            return try entries(fromCSV: String(decoding: data, as: UTF8.self), path: path)
        default:
            throw PluginError.invalid("FAQ file \(path): use a .json or .csv file")
        }
    }

    static func entries(fromCSV text: String, path: String) throws -> [FAQEntry] {
        let rows = try CSV.parse(text, path: path)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw PluginError.invalid("FAQ file \(path) is empty")
        }
        guard let iID = header.firstIndex(of: "id"), let iQ = header.firstIndex(of: "question"), let iA = header.firstIndex(of: "answer") else {
            throw PluginError.invalid("FAQ file \(path): the first line must name the columns id, question, answer")
        }
        var order: [String] = []
        var byID: [String: FAQEntry] = [:]
        for (n, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                throw PluginError.invalid("FAQ file \(path), line \(n + 1): \(row.count) columns, the header has \(header.count)")
            }
            let id = row[iID].trimmingCharacters(in: .whitespaces), q = row[iQ], a = row[iA]
            guard !id.isEmpty, !q.isEmpty else { throw PluginError.invalid("FAQ file \(path), line \(n + 1): id and question are required") }
            if let e = byID[id] {
                byID[id] = FAQEntry(id: id, questions: e.questions + [q], answer: e.answer.isEmpty ? a : e.answer)
            } else {
                order.append(id)
                byID[id] = FAQEntry(id: id, questions: [q], answer: a)
            }
        }
        return try order.map { id in
            guard let e = byID[id], !e.answer.isEmpty else { throw PluginError.invalid("FAQ file \(path): entry \(id) has no answer") }
            return e
        }
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally in double quotes ("" for a
/// quote), records by CRLF or LF.
enum CSV {
    static func parse(_ text: String, path: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var chars = Array(text.unicodeScalars)[...]
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.endIndex, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false; afterQuote = true }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !afterQuote {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""; afterQuote = false
            } else if c == "\n" || c == "\r" {
                if c == "\r", i + 1 < chars.endIndex, chars[i + 1] == "\n" { i += 1 }
                row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            } else if afterQuote {
                throw PluginError.invalid("FAQ file \(path), line \(rows.count + 1): text after a closing quote")
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if quoted { throw PluginError.invalid("FAQ file \(path): a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
