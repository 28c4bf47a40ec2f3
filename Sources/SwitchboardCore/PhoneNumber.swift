/// A phone number in E.164 form ("+2348031234567"): a plus, the country calling code and
/// the national number, digits only. This is how Switchboard stores, compares and routes
/// numbers (contacts, workspace `senders`, channel numbers).
///
/// A pure value: it knows nothing of countries or numbering plans. Turning what people
/// type ("0803 123 4567" in Nigeria) into a `PhoneNumber` is SwitchboardPhone's job,
/// which uses libphonenumber and only ever produces valid numbers.
/// `init?(e164:)` is a cheap syntactic check for values read back from storage or config.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// "+2348031234567".
    public let e164: String

    /// Digits after the plus that an E.164 number may have. At most 15 (ITU-T E.164); at
    /// least 6, because libphonenumber knows valid numbers that short: Niue and Tokelau
    /// subscribers have 7 digits in all (+683 7012, +690 7290), and Iran has 6-digit
    /// service numbers (+98 9601).
    public static let digitCount: ClosedRange<Int> = 6...15

    /// Accepts exactly "+" followed by 6 to 15 ASCII digits, the first of them 1-9 (no
    /// country calling code starts with 0). No spaces, no punctuation: this checks a stored
    /// value, it does not parse user input.
    public init?(e164: String) {
        guard PhoneNumber.isWellFormed(e164) else { return nil }
        self.e164 = e164
    }

    /// The check behind `init?(e164:)`.
    public static func isWellFormed(_ s: String) -> Bool {
        let bytes = s.utf8
        guard bytes.first == UInt8(ascii: "+") else { return false }
        let digits = bytes.dropFirst()
        guard digitCount.contains(digits.count), let first = digits.first,
              first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") else { return false }
        return digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The digits after the plus: WhatsApp's `wa_id` form ("2348031234567").
    public var digits: Substring { e164.dropFirst() }

    public var description: String { e164 }

    /// Encoded as the bare E.164 string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let s = try container.decode(String.self)
        guard PhoneNumber.isWellFormed(s) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(s)\" is not an E.164 phone number (expected + and 6 to 15 digits, e.g. +2348031234567)")
        }
        self.e164 = s
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}
