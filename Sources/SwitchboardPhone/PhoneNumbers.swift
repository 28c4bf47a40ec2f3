import CPhoneNumber
import SwitchboardCore

/// Reading phone numbers the way people and providers write them, with libphonenumber.
///
/// - Without a region, a number must be international: "+234 803 123 4567"; "00" and the
///   digits ("002348031234567"), the international dialling prefix most of the world uses;
///   or digits alone, which are read as international: that is the form of WhatsApp's
///   `wa_id` ("2348031234567" is +2348031234567). Digits starting with a single 0 are a
///   national form and need a region.
/// - With a region, the national forms of that region are read as such ("0803 123 4567"
///   in NG), and so are "+..." and the region's own international dialling prefixes
///   ("011 44 20 7946 0958" in US, "0049 30 ..." in DE, "009 ..." in NG), as libphonenumber
///   knows them.
/// - Letters and symbols other than separators make the input "not a number" (see
///   `PhoneInput`).
/// - A number that parses but that libphonenumber does not consider valid (its
///   IsValidNumber) is refused, unless `requireValid` is false.
///
/// Every function is safe to call from any thread. A parse costs tens of microseconds:
/// on hot paths use `CachedPhoneNormalizer`.
public enum PhoneNumbers {
    /// Parses `raw` with `region` (a region code such as "NG", any case) as the default.
    public static func parse(_ raw: String, region: String?, requireValid: Bool = true)
        -> Result<ParsedPhoneNumber, PhoneNumberError>
    {
        var regionCode: String? = nil
        if let region {
            guard let code = canonicalRegion(region) else {
                return .failure(PhoneNumberError(
                    code: .unknownRegion, reason: "unknown region \(region)", input: raw, region: region))
            }
            regionCode = code
        }
        func fail(_ code: PhoneNumberError.Code, _ reason: String) -> Result<ParsedPhoneNumber, PhoneNumberError> {
            .failure(PhoneNumberError(code: code, reason: reason, input: raw, region: regionCode))
        }

        guard let input = PhoneInput(raw) else { return fail(.notANumber, "not a number") }
        let text: String
        if regionCode != nil || input.hasPlus {
            text = input.text
        } else if input.digits.hasPrefix("00") {
            text = "+" + input.digits.dropFirst(2)
        } else if input.digits.hasPrefix("0") {
            return fail(.missingRegion, "no region given and number has no +")
        } else {
            text = "+" + input.digits
        }

        var result = cphonenumber_result()
        let status = cphonenumber_parse(text, regionCode, &result)
        switch status {
        case CPHONENUMBER_OK: break
        case CPHONENUMBER_INVALID_COUNTRY_CODE: return fail(.invalidCountryCode, "invalid country code")
        case CPHONENUMBER_NOT_A_NUMBER: return fail(.notANumber, "not a number")
        case CPHONENUMBER_TOO_SHORT_AFTER_IDD, CPHONENUMBER_TOO_SHORT_NSN: return fail(.tooShort, "too short")
        // INVALID_ARGUMENT: Swift never passes NULL, so the input was over CPHONENUMBER_MAX_INPUT bytes.
        case CPHONENUMBER_TOO_LONG, CPHONENUMBER_INVALID_ARGUMENT: return fail(.tooLong, "too long")
        case CPHONENUMBER_UNKNOWN_REGION: return fail(.unknownRegion, "unknown region \(regionCode ?? "")")
        default: return fail(.internalError, "phone number library error (status \(status.rawValue))")
        }

        let numberRegion = string(of: result.region)
        let e164 = string(of: result.e164)
        if result.has_extension != 0 { return fail(.hasExtension, "number has an extension") }
        if result.is_valid == 0 && requireValid {
            switch result.possibility {
            case Int32(CPHONENUMBER_POSSIBLE_TOO_SHORT.rawValue): return fail(.tooShort, "too short")
            case Int32(CPHONENUMBER_POSSIBLE_TOO_LONG.rawValue): return fail(.tooLong, "too long")
            case Int32(CPHONENUMBER_POSSIBLE_INVALID_COUNTRY_CODE.rawValue):
                return fail(.invalidCountryCode, "invalid country code")
            default:
                return fail(.notValid, notValidReason(numberRegion: numberRegion, countryCode: Int(result.country_code),
                                                      defaultRegion: regionCode))
            }
        }
        guard let number = PhoneNumber(e164: e164) else {
            // Only reachable with requireValid == false: libphonenumber parses numbers with
            // up to 17 national digits, more than E.164 allows.
            return e164.utf8.count - 1 > PhoneNumber.digitCount.upperBound
                ? fail(.tooLong, "too long") : fail(.tooShort, "too short")
        }
        return .success(ParsedPhoneNumber(
            number: number,
            region: numberRegion,
            countryCode: Int(result.country_code),
            isValid: result.is_valid != 0,
            isPossible: result.is_possible != 0,
            type: PhoneNumberType(libphonenumberValue: result.type),
            national: string(of: result.national),
            international: string(of: result.international)))
    }

    /// The E.164 form of a valid number, or why there is none.
    public static func normalize(_ raw: String, region: String?) -> Result<PhoneNumber, PhoneNumberError> {
        parse(raw, region: region).map(\.number)
    }

    /// Whether libphonenumber knows `region` ("NG", "gb"; not "ZZ" or "001").
    public static func isSupportedRegion(_ region: String) -> Bool {
        canonicalRegion(region) != nil
    }

    /// The country calling code of a region (234 for "NG"), or nil for an unknown region.
    public static func countryCode(forRegion region: String) -> Int? {
        guard let code = canonicalRegion(region) else { return nil }
        let cc = cphonenumber_country_code_for_region(code)
        return cc > 0 ? Int(cc) : nil
    }

    /// The region in upper case when libphonenumber supports it.
    static func canonicalRegion(_ region: String) -> String? {
        let bytes = Array(region.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
            return nil
        }
        let upper = String(decoding: bytes.map { $0 >= 97 ? $0 - 32 : $0 }, as: UTF8.self)
        return cphonenumber_is_supported_region(upper) == 1 ? upper : nil
    }

    /// "not a valid number for region NG" when the number's region is known (from the number
    /// or, when the country code matches, from the region it was read with), else
    /// "not a valid number for country code +1".
    static func notValidReason(numberRegion: String, countryCode: Int, defaultRegion: String?) -> String {
        if numberRegion != "ZZ" && !numberRegion.isEmpty {
            return "not a valid number for region \(numberRegion)"
        }
        if let defaultRegion, countryCode == Int(cphonenumber_country_code_for_region(defaultRegion)) {
            return "not a valid number for region \(defaultRegion)"
        }
        return "not a valid number for country code +\(countryCode)"
    }

    /// A NUL-terminated C char array (imported as a tuple) as a String.
    static func string<T>(of tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
