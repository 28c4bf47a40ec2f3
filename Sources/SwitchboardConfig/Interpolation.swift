/// `${VAR}` and `${VAR:-default}` in scalar values, from an environment the caller passes
/// in (never read globally, so that tests are deterministic).
///
/// - `${VAR}`: the variable's value; an error at the node when it is not set.
/// - `${VAR:-default}`: the value, or `default` when the variable is unset or empty.
/// - `$$`: a literal `$`. A `$` followed by anything else is kept as it is (`$20`).
///
/// Keys are never interpolated. Quoting does not matter: `"${PORT}"` is interpolated too.
public enum Interpolation {
    /// Expands one string; the error text says what is wrong without a position.
    public static func expand(_ text: String, environment: [String: String]) -> Result<String, ConfigProblem> {
        guard text.contains("$") else { return .success(text) }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            guard c == "$" else { out.append(c); i = text.index(after: i); continue }
            let next = text.index(after: i)
            if next < text.endIndex, text[next] == "$" {
                out.append("$")
                i = text.index(after: next)
                continue
            }
            guard next < text.endIndex, text[next] == "{" else {
                out.append("$")
                i = next
                continue
            }
            let bodyStart = text.index(after: next)
            guard let close = text[bodyStart...].firstIndex(of: "}") else {
                return .failure(ConfigProblem(message: "unterminated '${' in '\(text)'; write '$$' for a literal '$'"))
            }
            let body = text[bodyStart..<close]
            let name: Substring
            var fallback: Substring?
            if let sep = body.range(of: ":-") {
                name = body[..<sep.lowerBound]
                fallback = body[sep.upperBound...]
            } else {
                name = body
            }
            guard isValidName(name) else {
                return .failure(ConfigProblem(message: "'${\(body)}' is not a variable reference; names are letters, digits and '_', and a default is written '${NAME:-default}'"))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                return .failure(ConfigProblem(message: "environment variable '\(name)' is not set; set it or give a default with '${\(name):-default}'"))
            }
            i = text.index(after: close)
        }
        return .success(out)
    }

    static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Expands every scalar value of the tree (not the keys); problems are reported at the
    /// node and the node is marked so that nothing else is reported about it.
    static func apply(to node: YAMLNode, environment: [String: String], diagnostics: DiagnosticCollector) -> YAMLNode {
        var node = node
        switch node.kind {
        case .scalar(let text, let style):
            switch expand(text, environment: environment) {
            case .success(let expanded):
                node.kind = .scalar(expanded, style)
            case .failure(let error):
                diagnostics.error(error.message, at: node)
                node.hasError = true
            }
        case .mapping(let entries):
            node.kind = .mapping(entries.map {
                YAMLNode.Entry(key: $0.key, value: apply(to: $0.value, environment: environment, diagnostics: diagnostics))
            })
        case .sequence(let items):
            node.kind = .sequence(items.map { apply(to: $0, environment: environment, diagnostics: diagnostics) })
        }
        return node
    }
}
