import Foundation

/// Edits of one top-level key of a YAML file, as text: the key's lines are replaced by the
/// new value written in block style, and every other line of the file (its comments, its
/// order, its `${VAR}` references) stays as it was. Used by the setup walk, which saves
/// its steps as edits of the workspace's own file (the file stays the one source of truth).
///
/// What is lost: comments inside the replaced key's block (the previous file is kept as
/// `.prev` by the writer). Values are taken from the parsed file without interpolation, so
/// a `${VAR}` inside a rewritten block is written back as `${VAR}`, never as its value.
public enum YAMLFileEdit {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The root mapping of `text` (an empty mapping for an empty file).
    public static func root(_ text: String, file: String) throws -> YAMLNode {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return YAMLNode(.mapping([]), file: file, line: 1, column: 1)
        }
        let node: YAMLNode
        do {
            node = try YAMLReader.parse(text, file: file)
        } catch {
            throw Refusal(description: error.errors.map(\.description).joined(separator: "\n"))
        }
        guard case .mapping = node.kind else { throw Refusal(description: "\(file): the file is not a YAML mapping") }
        return node
    }

    /// `text` with the top-level `key` set to `value` (nil: the key removed). An absent
    /// key is added at the end of the file.
    public static func setting(_ key: String, to value: YAMLNode?, in text: String, file: String) throws -> String {
        let root = try root(text, file: file)
        guard case .mapping(let entries) = root.kind else { return text }
        var lines = text.components(separatedBy: "\n")
        let hadNewline = text.hasSuffix("\n")
        if hadNewline { lines.removeLast() }
        let rendered = value.map { render(key: key, $0) } ?? []
        guard let index = entries.firstIndex(where: { $0.name == key }) else {
            if !rendered.isEmpty { lines += rendered }
            return lines.joined(separator: "\n") + "\n"
        }
        let start = entries[index].key.line - 1
        guard entries[index].key.column == 1, entries.allSatisfy({ $0.key.column == 1 }),
              Set(entries.map(\.key.line)).count == entries.count else {
            throw Refusal(description: "\(file): the file is not written one top-level key a line; edit it as text")
        }
        var end = index + 1 < entries.count ? entries[index + 1].key.line - 1 : lines.count   // exclusive
        // Blank lines and column-0 comments before the next key belong to it.
        while end > start + 1 {
            let line = lines[end - 1]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || line.hasPrefix("#") { end -= 1 } else { break }
        }
        lines.replaceSubrange(start..<end, with: rendered)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `key: value` in block style, one line a scalar or flow list of scalars.
    public static func render(key: String, _ value: YAMLNode) -> [String] {
        let (inline, nested) = render(value, indent: 2)
        if let inline { return ["\(keyText(key)): \(inline)"] }
        return ["\(keyText(key)):"] + nested
    }

    /// A node: one inline text, or its lines at `indent`.
    static func render(_ node: YAMLNode, indent: Int) -> (inline: String?, lines: [String]) {
        let pad = String(repeating: " ", count: indent)
        switch node.kind {
        case .scalar:
            return (scalar(node, flow: false), [])
        case .sequence(let items):
            if items.isEmpty { return ("[]", []) }
            if items.allSatisfy({ $0.scalarValue != nil }) {
                return ("[" + items.map { scalar($0, flow: true) }.joined(separator: ", ") + "]", [])
            }
            var lines: [String] = []
            for item in items {
                let (inline, nested) = render(item, indent: indent + 2)
                if let inline { lines.append(pad + "- " + inline); continue }
                if case .mapping = item.kind, let first = nested.first {
                    lines.append(pad + "- " + first.dropFirst(indent + 2))
                    lines += nested.dropFirst()
                } else {
                    lines.append(pad + "-")
                    lines += nested
                }
            }
            return (nil, lines)
        case .mapping(let entries):
            if entries.isEmpty { return ("{}", []) }
            var lines: [String] = []
            for e in entries {
                let (inline, nested) = render(e.value, indent: indent + 2)
                if let inline { lines.append(pad + keyText(e.name) + ": " + inline) } else {
                    lines.append(pad + keyText(e.name) + ":")
                    lines += nested
                }
            }
            return (nil, lines)
        }
    }

    static func keyText(_ key: String) -> String {
        key.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_-]*/) != nil ? key : quoted(key)
    }

    /// A scalar as written: a plain one as it was when that is safe where it goes, else
    /// double-quoted (JSON escapes are valid YAML escapes).
    static func scalar(_ node: YAMLNode, flow: Bool) -> String {
        let text = node.scalarValue ?? ""
        var tag = ""
        if let t = node.tag {
            tag = (t.hasPrefix("tag:yaml.org,2002:") ? "!!" + t.dropFirst("tag:yaml.org,2002:".count) : "!<\(t)>") + " "
        }
        if node.scalarStyle == .plain {
            let safe = flow ? text.wholeMatch(of: /~|[A-Za-z0-9_.\/@+$][A-Za-z0-9 _.\/@+${}-]*/) != nil
                && !text.contains("{") && !text.contains("}")
                : text.wholeMatch(of: /~|[A-Za-z0-9_.\/@+$(][^#\n]*/) != nil && !text.contains(": ")
            if text.isEmpty { return tag + "\"\"" }
            if safe && !text.hasSuffix(" ") && !text.hasSuffix(":") { return tag + text }
            // A plain scalar that is a number, boolean or null keeps its type only plain.
        }
        return tag + quoted(text)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\u%04X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    // MARK: - Building nodes

    public static func string(_ s: String) -> YAMLNode { YAMLNode(.scalar(s, .doubleQuoted), file: "", line: 0, column: 0) }
    public static func plain(_ s: String) -> YAMLNode { YAMLNode(.scalar(s, .plain), file: "", line: 0, column: 0) }
    public static func list(_ items: [YAMLNode]) -> YAMLNode { YAMLNode(.sequence(items), file: "", line: 0, column: 0) }
    public static func map(_ pairs: [(String, YAMLNode)]) -> YAMLNode {
        YAMLNode(.mapping(pairs.map { YAMLNode.Entry(key: plain($0.0), value: $0.1) }), file: "", line: 0, column: 0)
    }
}

extension YAMLNode {
    /// This mapping with `key` set to `value` (added at the end when absent; nil removes it).
    public func setting(_ key: String, _ value: YAMLNode?) -> YAMLNode {
        guard case .mapping(var entries) = kind else { return self }
        if let i = entries.firstIndex(where: { $0.name == key }) {
            if let value { entries[i].value = value } else { entries.remove(at: i) }
        } else if let value {
            entries.append(Entry(key: YAMLFileEdit.plain(key), value: value))
        }
        var copy = self
        copy.kind = .mapping(entries)
        return copy
    }
}
