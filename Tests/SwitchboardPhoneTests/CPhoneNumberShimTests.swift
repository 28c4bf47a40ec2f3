import CPhoneNumber
import Testing

/// The C API itself: status codes, caller-owned buffers, no state left behind on failure.
@Suite struct CPhoneNumberShimTests {
    func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    @Test func fillsTheCallersResult() {
        var r = cphonenumber_result()
        #expect(cphonenumber_parse("0803 123 4567", "NG", &r) == CPHONENUMBER_OK)
        #expect(text(r.e164) == "+2348031234567")
        #expect(text(r.region) == "NG")
        #expect(text(r.national) == "0803 123 4567")
        #expect(text(r.international) == "+234 803 123 4567")
        #expect(r.country_code == 234)
        #expect(r.is_valid == 1)
        #expect(r.is_possible == 1)
        #expect(r.possibility == Int32(CPHONENUMBER_IS_POSSIBLE.rawValue))
        #expect(r.type == Int32(CPHONENUMBER_TYPE_MOBILE.rawValue))
        #expect(r.has_extension == 0)
    }

    @Test func statusCodes() {
        var r = cphonenumber_result()
        #expect(cphonenumber_parse("0803 123 4567", nil, &r) == CPHONENUMBER_INVALID_COUNTRY_CODE)
        #expect(cphonenumber_parse("+999 123 4567", nil, &r) == CPHONENUMBER_INVALID_COUNTRY_CODE)
        #expect(cphonenumber_parse("hello", "NG", &r) == CPHONENUMBER_NOT_A_NUMBER)
        #expect(cphonenumber_parse("009", "NG", &r) == CPHONENUMBER_TOO_SHORT_AFTER_IDD)
        #expect(cphonenumber_parse("+2348", nil, &r) == CPHONENUMBER_TOO_SHORT_NSN)
        #expect(cphonenumber_parse("+234 802 123 4567 890 12345", nil, &r) == CPHONENUMBER_TOO_LONG)
        #expect(cphonenumber_parse("0803 123 4567", "XX", &r) == CPHONENUMBER_UNKNOWN_REGION)
        #expect(cphonenumber_parse("0803 123 4567", "ZZ", &r) == CPHONENUMBER_UNKNOWN_REGION)
        #expect(cphonenumber_parse(nil, "NG", &r) == CPHONENUMBER_INVALID_ARGUMENT)
        #expect(cphonenumber_parse("0803 123 4567", "NG", nil) == CPHONENUMBER_INVALID_ARGUMENT)
        #expect(cphonenumber_parse(String(repeating: "1", count: Int(CPHONENUMBER_MAX_INPUT) + 1), "NG", &r)
            == CPHONENUMBER_INVALID_ARGUMENT)
    }

    @Test func failureLeavesTheResultEmpty() {
        var r = cphonenumber_result()
        #expect(cphonenumber_parse("+2348031234567", nil, &r) == CPHONENUMBER_OK)
        #expect(cphonenumber_parse("hello", nil, &r) == CPHONENUMBER_NOT_A_NUMBER)
        #expect(text(r.e164) == "")
        #expect(text(r.international) == "")
        #expect(r.country_code == 0)
        #expect(r.is_valid == 0)
    }

    @Test func extensionsAreReported() {
        var r = cphonenumber_result()
        #expect(cphonenumber_parse("+44 20 7946 0958 ext. 123", nil, &r) == CPHONENUMBER_OK)
        #expect(r.has_extension == 1)
        #expect(text(r.e164) == "+442079460958")
        #expect(text(r.international) == "+44 20 7946 0958 x123")
    }

    @Test func regions() {
        #expect(cphonenumber_is_supported_region("NG") == 1)
        #expect(cphonenumber_is_supported_region("ng") == 0)
        #expect(cphonenumber_is_supported_region("ZZ") == 0)
        #expect(cphonenumber_is_supported_region("001") == 0)
        #expect(cphonenumber_is_supported_region(nil) == 0)
        #expect(cphonenumber_country_code_for_region("NG") == 234)
        #expect(cphonenumber_country_code_for_region("XX") == 0)
        #expect(cphonenumber_country_code_for_region(nil) == 0)
    }
}
