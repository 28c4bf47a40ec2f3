/// An error a messaging provider reported about one message: on an inbound message of a
/// type it could not render (`unsupported`, code 131051), or on a `failed` delivery status
/// (131047 re-engagement, 131026 undeliverable, ...). Codes are the provider's own.
public struct ProviderError: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The provider's numeric code (WhatsApp: `errors[].code`); 0 when none was given.
    public var code: Int
    /// The short title (`errors[].title`).
    public var title: String
    /// The longer message (`errors[].message`), when present.
    public var message: String?
    /// The explanation (`errors[].error_data.details`), when present.
    public var details: String?

    public init(code: Int, title: String, message: String? = nil, details: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
    }

    public var description: String {
        var s = "(#\(code)) \(title)"
        if let details, !details.isEmpty { s += ": \(details)" }
        return s
    }
}
