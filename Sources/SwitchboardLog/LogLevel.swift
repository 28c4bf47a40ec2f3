/// Severity of a log line. Lines below the configured level are not written.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case debug = 0, info, warn, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    public init?(name: String) {
        guard let l = LogLevel.allCases.first(where: { $0.description == name }) else { return nil }
        self = l
    }
}

/// How log lines are written: one JSON object per line, or readable text for terminals.
public enum LogFormat: String, Sendable, CaseIterable {
    case json, text
}
