/// One node of a parsed YAML document, with the place it came from.
///
/// libyaml resolves no types: `yes`, `3` and `"3"` all arrive as scalars. The node keeps
/// the text and whether it was quoted, and the config layer decides what it means.
public struct YAMLNode: Sendable, CustomStringConvertible {
    /// How a scalar was written. Plain scalars are typed by the YAML 1.2 core schema where
    /// a type matters (plugin config); quoted and block scalars are always strings.
    public enum ScalarStyle: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded

        public var isPlain: Bool { self == .plain }
    }

    /// One `key: value` pair of a mapping, in file order.
    public struct Entry: Sendable {
        public var key: YAMLNode
        public var value: YAMLNode
        /// The key's text (keys are always scalars; the reader refuses anything else).
        public var name: String { key.scalarValue ?? "" }
    }

    public enum Kind: Sendable {
        case scalar(String, ScalarStyle)
        case mapping([Entry])
        case sequence([YAMLNode])
    }

    public var kind: Kind
    /// The file the node was read from, as the caller named it.
    public var file: String
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int
    /// An explicit tag (`!!str`), expanded (`tag:yaml.org,2002:str`), or nil.
    public var tag: String?
    /// Set when an earlier step (interpolation) already reported an error here, so later
    /// steps do not report the same node twice.
    var hasError = false

    public init(_ kind: Kind, file: String, line: Int, column: Int, tag: String? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.tag = tag
    }

    public var scalarValue: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    public var scalarStyle: ScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// True for a scalar that was written in quotes (or as a block scalar) or tagged
    /// `!!str`: its text is a string, never a number, boolean or null.
    public var isQuotedString: Bool {
        guard case .scalar(_, let style) = kind else { return false }
        return !style.isPlain || tag == "tag:yaml.org,2002:str"
    }

    public var entries: [Entry]? {
        if case .mapping(let e) = kind { return e }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let i) = kind { return i }
        return nil
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        entries?.first(where: { $0.name == key })?.value
    }

    /// `file:line:column`, the prefix of every diagnostic about this node.
    public var location: String { "\(file):\(line):\(column)" }

    /// What the node is, for messages such as "expected a list, got a mapping".
    public var kindDescription: String {
        switch kind {
        case .scalar(let s, let style):
            if style.isPlain && (s.isEmpty || s == "~" || s.lowercased() == "null") { return "nothing (null)" }
            return "'\(s)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    public var description: String {
        switch kind {
        case .scalar(let s, let style): return style.isPlain ? s : "\"\(s)\""
        case .mapping(let e): return "{" + e.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
        case .sequence(let i): return "[" + i.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// A plain `~`, `null` or empty scalar: YAML's null.
    var isNull: Bool {
        guard case .scalar(let s, .plain) = kind, tag == nil else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }
}
