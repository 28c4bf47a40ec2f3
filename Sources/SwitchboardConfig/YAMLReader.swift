import CYAML

/// Reads one YAML document into a `YAMLNode` tree with libyaml's event API.
///
/// Keeps mapping keys in file order with their positions, refuses duplicate keys and
/// non-scalar keys (collecting every such problem), resolves anchors and aliases, and turns
/// a syntax error into a single diagnostic with libyaml's problem text and position.
public enum YAMLReader {
    /// The most nodes a document may expand to through aliases (a guard against
    /// "billion laughs" documents).
    static let maxNodes = 200_000

    public static func parse(_ text: String, file: String) throws(ConfigError) -> YAMLNode {
        // libyaml wants a pointer that stays valid for the whole parse.
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return YAMLNode(.mapping([]), file: file, line: 1, column: 1) }
        var builder = TreeBuilder(file: file)
        let outcome: Result<YAMLNode, ConfigError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return .failure(ConfigError([ConfigDiagnostic(
                    file: file, line: 0, column: 0, message: "could not initialise the YAML parser (out of memory)")]))
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    return .failure(ConfigError([syntaxError(parser, file: file)]))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if let stop = builder.handle(event) {
                    return .failure(ConfigError(builder.diagnostics + [stop]))
                }
            }
            if !builder.diagnostics.isEmpty { return .failure(ConfigError(builder.diagnostics)) }
            return .success(builder.root ?? YAMLNode(.mapping([]), file: file, line: 1, column: 1))
        }
        switch outcome {
        case .success(let node): return node
        case .failure(let error): throw error
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> ConfigDiagnostic {
        var message = "invalid YAML: " + (parser.problem.map { String(cString: $0) } ?? "unknown problem")
        if parser.error == YAML_READER_ERROR {
            message += " at byte \(parser.problem_offset)"
        }
        if let context = parser.context {
            let m = parser.context_mark
            message += " (\(String(cString: context)) at line \(m.line + 1), column \(m.column + 1))"
        }
        let mark = parser.problem_mark
        let line = parser.error == YAML_READER_ERROR ? 1 : mark.line + 1
        let column = parser.error == YAML_READER_ERROR ? 1 : mark.column + 1
        return ConfigDiagnostic(file: file, line: line, column: column, message: message)
    }
}

/// Builds the tree from events: a stack of open collections; each finished node is
/// attached to the collection on top.
private struct TreeBuilder {
    private enum Frame {
        case mapping(YAMLNode, anchor: String?, entries: [YAMLNode.Entry], pendingKey: YAMLNode?, dropValue: Bool, size: Int)
        case sequence(YAMLNode, anchor: String?, items: [YAMLNode], size: Int)
    }

    let file: String
    var root: YAMLNode?
    var diagnostics: [ConfigDiagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var documents = 0

    init(file: String) { self.file = file }

    private func position(_ mark: yaml_mark_t) -> (line: Int, column: Int) {
        (mark.line + 1, mark.column + 1)
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// Handles one event; returns a diagnostic when parsing must stop.
    mutating func handle(_ event: yaml_event_t) -> ConfigDiagnostic? {
        let (line, column) = position(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return ConfigDiagnostic(file: file, line: line, column: column,
                                        message: "a config file holds one YAML document; found a second one")
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
            let style: YAMLNode.ScalarStyle = switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
            let node = YAMLNode(.scalar(text, style), file: file, line: line, column: column, tag: string(s.tag))
            return finish(node, anchor: string(s.anchor), size: 1)
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                return ConfigDiagnostic(file: file, line: line, column: column, message: "unknown alias '*\(name)'")
            }
            return finish(target.node, anchor: nil, size: target.size)
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            stack.append(.sequence(YAMLNode(.sequence([]), file: file, line: line, column: column, tag: string(s.tag)),
                                   anchor: string(s.anchor), items: [], size: 1))
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            stack.append(.mapping(YAMLNode(.mapping([]), file: file, line: line, column: column, tag: string(m.tag)),
                                  anchor: string(m.anchor), entries: [], pendingKey: nil, dropValue: false, size: 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            switch frame {
            case .sequence(var node, let anchor, let items, let size):
                node.kind = .sequence(items)
                return finish(node, anchor: anchor, size: size)
            case .mapping(var node, let anchor, let entries, _, _, let size):
                node.kind = .mapping(entries)
                return finish(node, anchor: anchor, size: size)
            }
        default:
            break
        }
        return nil
    }

    /// Attaches a finished node to its parent (or makes it the root). `size` counts the
    /// nodes of the subtree with aliases expanded, as later passes will walk it.
    private mutating func finish(_ node: YAMLNode, anchor: String?, size: Int) -> ConfigDiagnostic? {
        if size > YAMLReader.maxNodes {
            return ConfigDiagnostic("the document expands to more than \(YAMLReader.maxNodes) nodes (too many aliases?)", at: node)
        }
        if let anchor { anchors[anchor] = (node, size) }
        guard let top = stack.popLast() else {
            root = node
            return nil
        }
        switch top {
        case .sequence(let seq, let a, var items, let total):
            items.append(node)
            stack.append(.sequence(seq, anchor: a, items: items, size: total + size))
        case .mapping(let map, let a, var entries, let pendingKey, let dropValue, let total):
            if let key = pendingKey {
                if !dropValue { entries.append(YAMLNode.Entry(key: key, value: node)) }
                stack.append(.mapping(map, anchor: a, entries: entries, pendingKey: nil, dropValue: false, size: total + size))
            } else {
                var drop = false
                if node.scalarValue == nil {
                    diagnostics.append(ConfigDiagnostic("mapping keys must be plain text, got \(node.kindDescription)", at: node))
                    drop = true
                } else if let first = entries.first(where: { $0.name == node.scalarValue }) {
                    diagnostics.append(ConfigDiagnostic(
                        "duplicate key '\(first.name)' (first defined at line \(first.key.line), column \(first.key.column))",
                        at: node))
                    drop = true
                }
                stack.append(.mapping(map, anchor: a, entries: entries, pendingKey: node, dropValue: drop, size: total + size))
            }
        }
        return nil
    }
}
