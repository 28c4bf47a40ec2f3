/// Why a text is not a usable phone number. `reason` is a short, stable phrase that the
/// command line prints as `invalid: REASON` and that logs and API errors carry; `input`
/// and `region` say what was being parsed.
///
/// A struct rather than a public enum, so that new codes can arrive without breaking
/// callers that switch on them.
public struct PhoneNumberError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem; compare with the static members (`.tooShort`, ...).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Letters, symbols or no digits at all.
        public static let notANumber = Code("not_a_number")
        /// The number starts with a country calling code that does not exist.
        public static let invalidCountryCode = Code("invalid_country_code")
        /// Fewer digits than any number of its country.
        public static let tooShort = Code("too_short")
        /// More digits than any number of its country.
        public static let tooLong = Code("too_long")
        /// The right shape, but not a number its country assigns (libphonenumber's
        /// IsValidNumber is false).
        public static let notValid = Code("not_valid")
        /// No region was given and the number is not international ("0803 123 4567").
        public static let missingRegion = Code("missing_region")
        /// The region given is not a region libphonenumber knows.
        public static let unknownRegion = Code("unknown_region")
        /// The number carries an extension, which E.164 cannot hold.
        public static let hasExtension = Code("has_extension")
        /// libphonenumber failed in an unexpected way (out of memory, ...).
        public static let internalError = Code("internal_error")
    }

    public let code: Code
    /// "too short", "not a valid number for region NG", ...
    public let reason: String
    /// The text as it was given.
    public let input: String
    /// The default region it was parsed with, if any.
    public let region: String?

    public init(code: Code, reason: String, input: String, region: String?) {
        self.code = code
        self.reason = reason
        self.input = input
        self.region = region
    }

    /// `phone number "0803 123" (region NG): too short`
    public var description: String {
        let where_ = region.map { " (region \($0))" } ?? ""
        return "phone number \"\(input)\"\(where_): \(reason)"
    }
}
