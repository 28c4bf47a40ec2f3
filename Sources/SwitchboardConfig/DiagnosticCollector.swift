/// Collects the diagnostics of one load, across files, and hands them back in order:
/// files in the order they were read, then by line and column, keeping the order of
/// discovery for problems at the same place.
final class DiagnosticCollector {
    private(set) var diagnostics: [ConfigDiagnostic] = []
    private var fileOrder: [String: Int] = [:]

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Notes a file so that its diagnostics sort after those of files read before it.
    func begin(file: String) {
        if fileOrder[file] == nil { fileOrder[file] = fileOrder.count }
    }

    func error(_ message: String, at node: YAMLNode) {
        add(ConfigDiagnostic(message, at: node))
    }

    func warning(_ message: String, at node: YAMLNode) {
        add(ConfigDiagnostic(message, at: node, severity: .warning))
    }

    func add(_ diagnostic: ConfigDiagnostic) {
        begin(file: diagnostic.file)
        diagnostics.append(diagnostic)
    }

    func add(_ error: ConfigError) {
        for d in error.diagnostics { add(d) }
    }

    /// Diagnostics sorted by file order, line, column; stable otherwise.
    func sorted() -> [ConfigDiagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let fa = fileOrder[a.element.file] ?? 0, fb = fileOrder[b.element.file] ?? 0
            if fa != fb { return fa < fb }
            if a.element.line != b.element.line { return a.element.line < b.element.line }
            if a.element.column != b.element.column { return a.element.column < b.element.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
