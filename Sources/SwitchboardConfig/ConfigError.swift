/// Everything wrong with a configuration: all the problems found, not only the first, so
/// that an admin fixes them in one pass. Warnings found along the way are included.
///
/// `description` is what `switchboard check` prints: one diagnostic per line, in file
/// order, then line and column.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
