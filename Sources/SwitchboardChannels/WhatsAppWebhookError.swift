/// Why a WhatsApp webhook POST was refused. The HTTP layer answers `.missingSignature`
/// with 401, `.badSignature` with 403 and `.malformed` with 400.
public struct WhatsAppWebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of refusal. A struct with static values, so new kinds can arrive
    /// without breaking a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public static let missingSignature = Code(rawValue: "missing_signature")
        public static let badSignature = Code(rawValue: "bad_signature")
        public static let malformed = Code(rawValue: "malformed")
        public var description: String { rawValue }
    }

    public let code: Code
    /// A short reason a person can act on, naming where in the body the problem is.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The HTTP status to answer with.
    public var httpStatus: Int {
        switch code {
        case .missingSignature: 401
        case .badSignature: 403
        default: 400
        }
    }

    public var description: String { "whatsapp webhook \(code): \(reason)" }
}
