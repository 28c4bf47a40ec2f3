import SwitchboardCore

/// A phone number as libphonenumber understood it: its E.164 form plus what the metadata
/// says about it.
public struct ParsedPhoneNumber: Hashable, Sendable {
    /// The E.164 form, what Switchboard stores and compares.
    public let number: PhoneNumber
    /// The region the number belongs to ("NG", "GB", "GG"); "001" for non-geographic
    /// numbers such as +800 freephone; "ZZ" when libphonenumber cannot tell, which happens
    /// only for numbers that are not valid.
    public let region: String
    /// The country calling code (234).
    public let countryCode: Int
    /// libphonenumber's IsValidNumber: the number fits a pattern its country assigns.
    /// Always true unless the number came from `parse(_:region:requireValid: false)`.
    public let isValid: Bool
    /// libphonenumber's IsPossibleNumber: its length fits its country. Weaker than
    /// `isValid`.
    public let isPossible: Bool
    public let type: PhoneNumberType
    /// How it is written inside its country: "0803 123 4567".
    public let national: String
    /// How it is written for the rest of the world: "+234 803 123 4567".
    public let international: String

    public init(number: PhoneNumber, region: String, countryCode: Int, isValid: Bool,
                isPossible: Bool, type: PhoneNumberType, national: String, international: String) {
        self.number = number
        self.region = region
        self.countryCode = countryCode
        self.isValid = isValid
        self.isPossible = isPossible
        self.type = type
        self.national = national
        self.international = international
    }
}
