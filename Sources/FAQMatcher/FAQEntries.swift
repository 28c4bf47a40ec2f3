import Foundation

/// Why a list of FAQ entries could not be read: a message that names the file, line or
/// entry. The FAQ plugin reports it as a config error; `switchboard eval` prints it.
public struct FAQEntryError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// FAQ entries as admins write them: a JSON list (`[{id, questions, answer}]`, the shape
/// the workspace's YAML becomes) or a file (.json: that list or `{"entries": [...]}`;
/// .csv: header `id,question,answer`, one row per question, rows of one id share its
/// answer). Shared by the FAQ plugin and `switchboard eval`, so both read the same FAQ.
public enum FAQEntries {
    public static func entries(fromJSON value: Any, source: String) throws -> [FAQEntry] {
        guard let list = value as? [Any] else { throw FAQEntryError("\(source) must be a list of entries") }
        return try list.enumerated().map { i, item in
            let at = "\(source)[\(i)]"
            guard let o = item as? [String: Any] else { throw FAQEntryError("\(at) must be an object with id, questions, answer") }
            if let k = o.keys.first(where: { !["id", "questions", "answer"].contains($0) }) {
                throw FAQEntryError("\(at): unknown key \"\(k)\" (known: answer, id, questions)")
            }
            guard let id = o["id"] as? String, !id.isEmpty else { throw FAQEntryError("\(at): id must be a non-empty string") }
            guard let qs = o["questions"] as? [String], !qs.isEmpty, qs.allSatisfy({ !$0.isEmpty }) else {
                throw FAQEntryError("\(at) (\(id)): questions must be a non-empty list of strings")
            }
            guard let answer = o["answer"] as? String, !answer.isEmpty else {
                throw FAQEntryError("\(at) (\(id)): answer must be a non-empty string")
            }
            return FAQEntry(id: id, questions: qs, answer: answer)
        }
    }

    public static func entries(fromFile path: String) throws -> [FAQEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FAQEntryError("config: cannot read FAQ file \(path)")
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "json":
            guard let v = try? JSONSerialization.jsonObject(with: data) else {
                throw FAQEntryError("FAQ file \(path) is not valid JSON")
            }
            if let o = v as? [String: Any] {
                guard let list = o["entries"] else { throw FAQEntryError("FAQ file \(path): expected a list or {\"entries\": [...]}") }
                return try entries(fromJSON: list, source: path)
            }
            return try entries(fromJSON: v, source: path)
        case "csv":
            return try entries(fromCSV: String(decoding: data, as: UTF8.self), path: path)
        default:
            throw FAQEntryError("FAQ file \(path): use a .json or .csv file")
        }
    }

    public static func entries(fromCSV text: String, path: String) throws -> [FAQEntry] {
        let rows = try CSV.parse(text, path: path)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw FAQEntryError("FAQ file \(path) is empty")
        }
        guard let iID = header.firstIndex(of: "id"), let iQ = header.firstIndex(of: "question"), let iA = header.firstIndex(of: "answer") else {
            throw FAQEntryError("FAQ file \(path): the first line must name the columns id, question, answer")
        }
        var order: [String] = []
        var byID: [String: FAQEntry] = [:]
        for (n, row) in rows.enumerated().dropFirst() {
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                throw FAQEntryError("FAQ file \(path), line \(n + 1): \(row.count) columns, the header has \(header.count)")
            }
            let id = row[iID].trimmingCharacters(in: .whitespaces), q = row[iQ], a = row[iA]
            guard !id.isEmpty, !q.isEmpty else { throw FAQEntryError("FAQ file \(path), line \(n + 1): id and question are required") }
            if let e = byID[id] {
                byID[id] = FAQEntry(id: id, questions: e.questions + [q], answer: e.answer.isEmpty ? a : e.answer)
            } else {
                order.append(id)
                byID[id] = FAQEntry(id: id, questions: [q], answer: a)
            }
        }
        return try order.map { id in
            guard let e = byID[id], !e.answer.isEmpty else { throw FAQEntryError("FAQ file \(path): entry \(id) has no answer") }
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
                throw FAQEntryError("FAQ file \(path), line \(rows.count + 1): text after a closing quote")
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if quoted { throw FAQEntryError("FAQ file \(path): a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
