/// What kind of line a number is, as libphonenumber's metadata says. The raw values are
/// stable names for output and logs.
public enum PhoneNumberType: String, Hashable, Sendable, Codable, CaseIterable {
    case fixedLine = "fixed_line"
    case mobile = "mobile"
    /// Regions such as the US where the number alone cannot tell.
    case fixedLineOrMobile = "fixed_line_or_mobile"
    case tollFree = "toll_free"
    case premiumRate = "premium_rate"
    case sharedCost = "shared_cost"
    case voip = "voip"
    case personalNumber = "personal_number"
    case pager = "pager"
    /// "Universal access numbers": one number for a company, routed to its offices.
    case uan = "uan"
    case voicemail = "voicemail"
    case unknown = "unknown"

    /// From the values of `cphonenumber_type` (libphonenumber's PhoneNumberType order).
    init(libphonenumberValue value: Int32) {
        switch value {
        case 0: self = .fixedLine
        case 1: self = .mobile
        case 2: self = .fixedLineOrMobile
        case 3: self = .tollFree
        case 4: self = .premiumRate
        case 5: self = .sharedCost
        case 6: self = .voip
        case 7: self = .personalNumber
        case 8: self = .pager
        case 9: self = .uan
        case 10: self = .voicemail
        default: self = .unknown
        }
    }
}
