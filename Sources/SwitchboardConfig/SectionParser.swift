import Foundation
import SwitchboardCore

/// Reads a mapping against a `ConfigSection` table: unknown keys (with a suggestion),
/// missing required keys (at the mapping), wrong types and bad values are reported to the
/// collector, every one of them; defaults come from the table.
struct SectionParser {
    let diagnostics: DiagnosticCollector
    let regionValidator: (String) -> Bool

    func parse(_ section: ConfigSection, _ node: YAMLNode) -> ConfigValues {
        var values = ConfigValues(section: section, node: node)
        let entries: [YAMLNode.Entry]
        if let e = node.entries {
            entries = e
        } else {
            if !node.isNull && !node.hasError {
                let what = section.path.isEmpty ? "the file" : "'\(section.path)'"
                diagnostics.error("expected a mapping for \(what), got \(node.kindDescription)", at: node)
            }
            entries = []
        }
        let known = section.options.map(\.key)
        for entry in entries {
            guard let option = section.option(entry.name) else {
                let place = section.path.isEmpty ? "" : " in '\(section.path)'"
                let hint = Suggestion.closest(to: entry.name, in: known).map { "; did you mean '\($0)'?" }
                    ?? "; known keys: " + known.joined(separator: ", ")
                diagnostics.error("unknown key '\(entry.name)'\(place)\(hint)", at: entry.key)
                continue
            }
            // `key:` with nothing after it leaves an optional key unset.
            if entry.value.isNull, case .optional = option.defaultValue { continue }
            values.keyNodes[option.key] = entry.key
            if let value = parseValue(option, section, entry.value) {
                values.items[option.key] = ConfigItem(value: value, node: entry.value)
            }
        }
        for option in section.options where values.keyNodes[option.key] == nil {
            switch option.defaultValue {
            case .required:
                if !node.hasError {
                    let place = section.path.isEmpty ? "" : " in '\(section.path)'"
                    diagnostics.error("missing required key '\(option.key)'\(place)", at: node)
                }
            case .optional:
                break
            case .value(let yaml):
                // Defaults are YAML text in the table, parsed like a file's values, and
                // placed at the mapping that left the key out.
                guard let parsed = try? YAMLReader.parse(yaml, file: node.file) else { continue }
                if let value = parseValue(option, section, parsed.relocated(to: node)) {
                    values.items[option.key] = ConfigItem(value: value, node: nil)
                }
            }
        }
        return values
    }

    private func fail(_ message: String, _ node: YAMLNode) -> ConfigValue? {
        if !node.hasError { diagnostics.error(message, at: node) }
        return nil
    }

    /// The scalar's text, or an error naming the key.
    private func scalar(_ option: ConfigOption, _ node: YAMLNode, expected: String) -> String? {
        guard let s = node.scalarValue, !node.isNull else {
            _ = fail(node.isNull ? "'\(option.key)' needs a value (\(expected))"
                              : "expected \(expected) for '\(option.key)', got \(node.kindDescription)", node)
            return nil
        }
        return s
    }

    func parseValue(_ option: ConfigOption, _ section: ConfigSection, _ node: YAMLNode) -> ConfigValue? {
        if node.hasError { return nil }
        let key = option.key
        switch option.type {
        case .text:
            guard let s = scalar(option, node, expected: "text") else { return nil }
            return .text(s)
        case .identifier:
            guard let s = scalar(option, node, expected: "an id") else { return nil }
            guard WorkspaceID.isValid(s) else {
                return fail("'\(key)' must be an id of lower-case letters, digits, '-' and '_' (at most 64), got '\(s)'", node)
            }
            return .text(s)
        case .integer(let range):
            guard let s = scalar(option, node, expected: "a number") else { return nil }
            guard let i = Int(s) else { return fail("expected a number for '\(key)', got '\(s)'", node) }
            guard range.contains(i) else {
                return fail("'\(key)' must be from \(range.lowerBound) to \(range.upperBound), got \(i)", node)
            }
            return .integer(i)
        case .number(let bound):
            guard let s = scalar(option, node, expected: "a number") else { return nil }
            guard let d = Double(s), d.isFinite else { return fail("expected a number for '\(key)', got '\(s)'", node) }
            guard d > bound else { return fail("'\(key)' must be greater than \(bound.formatted), got \(s)", node) }
            return .number(d)
        case .boolean:
            guard let s = scalar(option, node, expected: "true or false") else { return nil }
            switch YAMLNode.coreScalar(s) {
            case .bool(let b): return .boolean(b)
            default: return fail("expected true or false for '\(key)', got '\(s)'", node)
            }
        case .choice(let names):
            guard let s = scalar(option, node, expected: names.joined(separator: " | ")) else { return nil }
            guard names.contains(s) else {
                return fail("'\(key)' must be one of \(names.joined(separator: ", ")); got '\(s)'"
                            + Suggestion.hint(for: s, in: names), node)
            }
            return .text(s)
        case .listenAddress:
            guard let s = scalar(option, node, expected: "host:port") else { return nil }
            switch ListenAddress.parse(s) {
            case .success(let a): return .listen(a)
            case .failure(let p): return fail(p.message, node)
            }
        case .listenAddressOrOff:
            guard let s = scalar(option, node, expected: "host:port or off") else { return nil }
            if s == "off" { return .text("off") }
            switch ListenAddress.parse(s) {
            case .success(let a): return .listen(a)
            case .failure(let p): return fail(p.message + "; or off", node)
            }
        case .digits:
            guard let s = scalar(option, node, expected: "digits") else { return nil }
            guard s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                return fail("'\(key)' must be digits only, got '\(s)'", node)
            }
            return .text(s)
        case .httpURL:
            guard let s = scalar(option, node, expected: "a URL") else { return nil }
            guard let c = URLComponents(string: s), c.scheme == "http" || c.scheme == "https",
                  let host = c.host, !host.isEmpty else {
                return fail("'\(key)' must be an http:// or https:// URL, got '\(s)'", node)
            }
            return .text(s.hasSuffix("/") ? String(s.dropLast()) : s)
        case .postgresURL:
            guard let s = scalar(option, node, expected: "a postgres:// URL") else { return nil }
            guard s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") else {
                return fail("'\(key)' must be a postgres:// or postgresql:// URL, got '\(s)'", node)
            }
            return .text(s)
        case .region:
            guard let s = scalar(option, node, expected: "a region code") else { return nil }
            guard regionValidator(s) else {
                return fail("unknown region '\(s)'; expected an ISO 3166 alpha-2 code that phone numbers support, such as 'NG' or 'GB'", node)
            }
            return .text(s)
        case .timeZone:
            guard let s = scalar(option, node, expected: "a time zone") else { return nil }
            guard TimeZone(identifier: s) != nil else {
                return fail("unknown time zone '\(s)'; expected an IANA name such as 'Africa/Lagos' or 'Europe/London'", node)
            }
            return .text(s)
        case .textList:
            if node.isNull { return .list([]) }
            guard let items = node.items else {
                return fail("expected a list for '\(key)', got \(node.kindDescription)", node)
            }
            var out: [ConfigItem] = []
            for item in items where !item.hasError {
                guard let s = item.scalarValue, !item.isNull else {
                    diagnostics.error("expected text in '\(key)', got \(item.kindDescription)", at: item)
                    continue
                }
                out.append(ConfigItem(value: .text(s), node: item))
            }
            return .list(out)
        case .addressRanges:
            if node.isNull { return .list([]) }
            guard let items = node.items else {
                return fail("expected a list of IP addresses or CIDR blocks for '\(key)', got \(node.kindDescription)", node)
            }
            var out: [ConfigItem] = []
            for item in items where !item.hasError {
                guard let s = item.scalarValue, !item.isNull else {
                    diagnostics.error("expected an IP address or CIDR block in '\(key)', got \(item.kindDescription)", at: item)
                    continue
                }
                switch IPAddressRange.parse(s) {
                case .success(let range): out.append(ConfigItem(value: .addressRange(range), node: item))
                case .failure(let p): diagnostics.error(p.message, at: item)
                }
            }
            return .list(out)
        case .section(let nested):
            if !node.isNull && node.entries == nil {
                return fail("expected a mapping for '\(section.qualified(key))', got \(node.kindDescription)", node)
            }
            return .section(parse(nested, node))
        case .sectionList(let nested):
            if node.isNull { return .list([]) }
            guard let items = node.items else {
                return fail("expected a list for '\(section.qualified(key))', got \(node.kindDescription)", node)
            }
            var out: [ConfigItem] = []
            for item in items {
                guard item.entries != nil else {
                    diagnostics.error("expected a mapping in '\(section.qualified(key))', got \(item.kindDescription)", at: item)
                    continue
                }
                out.append(ConfigItem(value: .section(parse(nested, item)), node: item))
            }
            return .list(out)
        case .anyYAML:
            switch node.jsonText() {
            case .success(let json): return .json(json)
            case .failure(let d):
                diagnostics.add(d)
                return nil
            }
        }
    }
}

extension YAMLNode {
    /// The same tree, every node placed at `anchor`'s position (for defaults).
    func relocated(to anchor: YAMLNode) -> YAMLNode {
        var n = self
        n.file = anchor.file
        n.line = anchor.line
        n.column = anchor.column
        switch kind {
        case .scalar: break
        case .mapping(let entries):
            n.kind = .mapping(entries.map { .init(key: $0.key.relocated(to: anchor), value: $0.value.relocated(to: anchor)) })
        case .sequence(let items):
            n.kind = .sequence(items.map { $0.relocated(to: anchor) })
        }
        return n
    }
}
