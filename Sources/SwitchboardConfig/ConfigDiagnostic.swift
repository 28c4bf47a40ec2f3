/// One problem found in a config file, in the form compilers use so that editors can jump
/// to it: `FILE:LINE:COLUMN: error: MESSAGE`.
public struct ConfigDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error, warning
    }

    public var file: String
    /// 1-based line and column; 0 when the problem is about the file as a whole (a
    /// config file that cannot be read), in which case the description is `FILE: error: ...`.
    public var line: Int
    public var column: Int
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, column: Int, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
    }

    init(_ message: String, at node: YAMLNode, severity: Severity = .error) {
        self.init(file: node.file, line: node.line, column: node.column, message: message, severity: severity)
    }

    public var description: String {
        line > 0
            ? "\(file):\(line):\(column): \(severity.rawValue): \(message)"
            : "\(file): \(severity.rawValue): \(message)"
    }
}
