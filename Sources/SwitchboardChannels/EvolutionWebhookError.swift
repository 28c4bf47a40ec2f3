/// Why an Evolution API webhook POST was refused: `.unauthorized` (no or wrong bearer
/// secret) is answered 401, `.malformed` 400. Nothing of a refused POST is stored.
public struct EvolutionWebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let malformed = Code(rawValue: "malformed")
        public var description: String { rawValue }
    }

    public let code: Code
    /// A short reason naming where in the body the problem is.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var httpStatus: Int { code == .unauthorized ? 401 : 400 }

    public var description: String { "evolution webhook \(code): \(reason)" }
}
