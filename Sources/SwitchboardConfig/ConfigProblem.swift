/// A problem with one value, before it is given a position: "port must be a number from
/// 0 to 65535, got '99999'". The config layer turns it into a `ConfigDiagnostic` at the node.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
