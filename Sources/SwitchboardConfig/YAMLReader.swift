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
    /// The deepest lists and mappings may nest (aliases expanded). Config files nest a
    /// handful of levels; a document nested thousands deep made libyaml's work grow with
    /// the square of its depth and overflowed the stack of the recursive passes after the
    /// reader (found by fuzzing: docs/fuzzing.md).
    static let maxDepth = 64

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
///
/// Linear in the size of the document: a frame is a class, so appending to an open
/// collection never copies what it holds, and each mapping finds duplicate keys through
/// a table. The tree it builds is at most `YAMLReader.maxDepth` deep, aliases expanded:
/// the passes after it (interpolation, the schema, plugin config as JSON) are recursive.
private struct TreeBuilder {
    private final class Frame {
        var node: YAMLNode
        let anchor: String?
        let isMapping: Bool
        var items: [YAMLNode] = []
        var entries: [YAMLNode.Entry] = []
        /// The entry index of each key of a mapping, to find duplicates.
        var keys: [String: Int] = [:]
        var pendingKey: YAMLNode?
        var dropValue = false
        /// Nodes in the subtree, aliases expanded.
        var size = 1
        /// Levels in the subtree, aliases expanded (1 for an empty collection).
        var height = 1

        init(_ node: YAMLNode, anchor: String?, isMapping: Bool) {
            self.node = node
            self.anchor = anchor
            self.isMapping = isMapping
        }
    }

    let file: String
    var root: YAMLNode?
    var diagnostics: [ConfigDiagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
    private var documents = 0

    init(file: String) { self.file = file }

    private func position(_ mark: yaml_mark_t) -> (line: Int, column: Int) {
        (mark.line + 1, mark.column + 1)
    }

    private func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    private func tooDeep(line: Int, column: Int) -> ConfigDiagnostic {
        ConfigDiagnostic(file: file, line: line, column: column,
                         message: "lists and mappings nested more than \(YAMLReader.maxDepth) levels deep")
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
            return finish(node, anchor: string(s.anchor), size: 1, height: 0)
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                return ConfigDiagnostic(file: file, line: line, column: column, message: "unknown alias '*\(name)'")
            }
            // An alias puts its whole subtree here: aliases of aliases nest deeper than
            // the events show.
            if stack.count + target.height > YAMLReader.maxDepth { return tooDeep(line: line, column: column) }
            return finish(target.node, anchor: nil, size: target.size, height: target.height)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            // Refused as soon as the limit is passed: libyaml's own work grows with the
            // square of the nesting, so the rest of such a document is not read.
            if stack.count >= YAMLReader.maxDepth { return tooDeep(line: line, column: column) }
            if event.type == YAML_SEQUENCE_START_EVENT {
                let s = event.data.sequence_start
                stack.append(Frame(YAMLNode(.sequence([]), file: file, line: line, column: column, tag: string(s.tag)),
                                   anchor: string(s.anchor), isMapping: false))
            } else {
                let m = event.data.mapping_start
                stack.append(Frame(YAMLNode(.mapping([]), file: file, line: line, column: column, tag: string(m.tag)),
                                   anchor: string(m.anchor), isMapping: true))
            }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            var node = frame.node
            if frame.isMapping {
                node.kind = .mapping(frame.entries)
            } else {
                node.kind = .sequence(frame.items)
            }
            return finish(node, anchor: frame.anchor, size: frame.size, height: frame.height)
        default:
            break
        }
        return nil
    }

    /// Attaches a finished node to its parent (or makes it the root). `size` counts the
    /// nodes of the subtree and `height` its levels, aliases expanded, as later passes
    /// will walk it.
    private mutating func finish(_ node: YAMLNode, anchor: String?, size: Int, height: Int) -> ConfigDiagnostic? {
        if size > YAMLReader.maxNodes {
            return ConfigDiagnostic("the document expands to more than \(YAMLReader.maxNodes) nodes (too many aliases?)", at: node)
        }
        if let anchor { anchors[anchor] = (node, size, height) }
        guard let top = stack.last else {
            root = node
            return nil
        }
        top.size += size
        top.height = max(top.height, height + 1)
        guard top.isMapping else {
            top.items.append(node)
            return nil
        }
        if let key = top.pendingKey {
            if !top.dropValue { top.entries.append(YAMLNode.Entry(key: key, value: node)) }
            top.pendingKey = nil
            top.dropValue = false
            return nil
        }
        var drop = false
        if let name = node.scalarValue {
            if let i = top.keys[name] {
                let first = top.entries[i]
                diagnostics.append(ConfigDiagnostic(
                    "duplicate key '\(first.name)' (first defined at line \(first.key.line), column \(first.key.column))",
                    at: node))
                drop = true
            } else {
                top.keys[name] = top.entries.count
            }
        } else {
            diagnostics.append(ConfigDiagnostic("mapping keys must be plain text, got \(node.kindDescription)", at: node))
            drop = true
        }
        top.pendingKey = node
        top.dropValue = drop
        return nil
    }
}
