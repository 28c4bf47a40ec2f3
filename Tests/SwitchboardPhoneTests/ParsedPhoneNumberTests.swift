import Testing
import SwitchboardCore
import SwitchboardPhone

@Suite struct ParsedPhoneNumberTests {
    @Test func nigerianMobileInEveryForm() throws {
        let p = try PhoneNumbers.parse("0803 123 4567", region: "NG").get()
        #expect(p.number.e164 == "+2348031234567")
        #expect(p.region == "NG")
        #expect(p.countryCode == 234)
        #expect(p.isValid)
        #expect(p.isPossible)
        #expect(p.type == .mobile)
        #expect(p.national == "0803 123 4567")
        #expect(p.international == "+234 803 123 4567")
    }

    @Test func formatsOfOtherCountries() throws {
        let us = try PhoneNumbers.parse("2015550123", region: "US").get()
        #expect(us.national == "(201) 555-0123")
        #expect(us.international == "+1 201-555-0123")
        #expect(us.type == .fixedLineOrMobile)
        #expect(us.region == "US")

        let gb = try PhoneNumbers.parse("+44 20 7946 0958", region: nil).get()
        #expect(gb.national == "020 7946 0958")
        #expect(gb.international == "+44 20 7946 0958")
        #expect(gb.type == .fixedLine)
        #expect(gb.region == "GB")

        let de = try PhoneNumbers.parse("0049 30 123456", region: "DE").get()
        #expect(de.national == "030 123456")
        #expect(de.international == "+49 30 123456")

        let ru = try PhoneNumbers.parse("+79123456789", region: nil).get()
        #expect(ru.national == "8 (912) 345-67-89")
        #expect(ru.international == "+7 912 345-67-89")

        let ar = try PhoneNumbers.parse("+5491123456789", region: nil).get()
        #expect(ar.national == "011 15-2345-6789")
        #expect(ar.international == "+54 9 11 2345-6789")
        #expect(ar.type == .mobile)

        // Italian fixed lines keep their leading 0 after the country code.
        let it = try PhoneNumbers.parse("02 1234 5678", region: "IT").get()
        #expect(it.number.e164 == "+390212345678")
        #expect(it.international == "+39 02 1234 5678")
    }

    @Test func regionOfNumbersSharingACountryCode() throws {
        // +1 is shared by the US, Canada and the Caribbean; +44 by GB, Guernsey, Jersey and
        // the Isle of Man: the region comes from the number, not from the default.
        #expect(try PhoneNumbers.parse("+1 506-234-5678", region: "US").get().region == "CA")
        #expect(try PhoneNumbers.parse("(506) 234-5678", region: "US").get().region == "CA")
        #expect(try PhoneNumbers.parse("+44 7400 123456", region: nil).get().region == "GB")
        #expect(try PhoneNumbers.parse("+44 7911 123456", region: nil).get().region == "GG")
    }

    @Test func typesOtherThanMobileAndFixedLine() throws {
        let freephone = try PhoneNumbers.parse("+800 1234 5678", region: nil).get()
        #expect(freephone.region == "001")
        #expect(freephone.type == .tollFree)
        #expect(freephone.international == "+800 1234 5678")
        #expect(try PhoneNumbers.parse("1-800-356-9377", region: "US").get().type == .tollFree)
        #expect(try PhoneNumbers.parse("+44 70 1234 5678", region: nil).get().type == .personalNumber)
        #expect(try PhoneNumbers.parse("+44 56 1234 5678", region: nil).get().type == .voip)
        #expect(PhoneNumberType.tollFree.rawValue == "toll_free")
        #expect(PhoneNumberType.fixedLineOrMobile.rawValue == "fixed_line_or_mobile")
    }

    @Test func lenientParseReportsInvalidNumbers() throws {
        let p = try PhoneNumbers.parse("555 123 4567", region: "US", requireValid: false).get()
        #expect(p.number.e164 == "+15551234567")
        #expect(!p.isValid)
        #expect(p.isPossible)
        #expect(p.region == "ZZ")
        #expect(p.type == .unknown)
        // Strict (the default) refuses it.
        let error = try #require(PhoneNumbers.parse("555 123 4567", region: "US").failure)
        #expect(error.code == .notValid)
        #expect(error.reason == "not a valid number for region US")
        // Lenient still refuses what cannot be an E.164 number.
        let long = try #require(PhoneNumbers.parse("+123456789012345678", region: nil, requireValid: false).failure)
        #expect(long.reason == "too long")
    }

    @Test func errorsSayWhatAndWhere() throws {
        let e = try #require(PhoneNumbers.normalize("0803 123", region: "ng").failure)
        #expect(e.code == .notValid)
        #expect(e.reason == "not a valid number for region NG")
        #expect(e.input == "0803 123")
        #expect(e.region == "NG")
        #expect(e.description == "phone number \"0803 123\" (region NG): not a valid number for region NG")

        let noRegion = try #require(PhoneNumbers.normalize("0803 123 4567", region: nil).failure)
        #expect(noRegion.code == .missingRegion)
        #expect(noRegion.description == "phone number \"0803 123 4567\": no region given and number has no +")

        let unknown = try #require(PhoneNumbers.normalize("0803 123 4567", region: "XX").failure)
        #expect(unknown.code == .unknownRegion)
        #expect(unknown.reason == "unknown region XX")
        #expect(try #require(PhoneNumbers.normalize("1", region: "Nigeria").failure).reason == "unknown region Nigeria")
    }

    @Test func separatorsAndDigitsOfOtherScripts() {
        let expected = "+2348031234567"
        // No-break space, thin space, en dash, non-breaking hyphen, full-width plus.
        for raw in ["+234\u{00A0}803\u{00A0}123\u{00A0}4567", "+234\u{2009}803\u{2009}123\u{2009}4567",
                    "0803\u{2013}123\u{2013}4567", "0803\u{2011}123\u{2011}4567", "\u{FF0B}234 803 123 4567",
                    "\t0803 123 4567\n"] {
            #expect(rendered(PhoneNumbers.normalize(raw, region: "NG")) == expected, "\(raw.debugDescription)")
        }
        // Arabic-Indic, Eastern Arabic (Persian) and full-width digits.
        #expect(rendered(PhoneNumbers.normalize("+٢٣٤٨٠٣١٢٣٤٥٦٧", region: nil)) == expected)
        #expect(rendered(PhoneNumbers.normalize("۰۸۰۳ ۱۲۳ ۴۵۶۷", region: "NG")) == expected)
        #expect(rendered(PhoneNumbers.normalize("０８０３ １２３ ４５６７", region: "NG")) == expected)
        // Letters of any script, emoji and control characters are not separators.
        for raw in ["0803 123 456७x", "0803 123 4567 📞", "0803\u{0}1234567", "0803 123 4567;", "0803,123,4567", "٠٨٠٣ abc"] {
            #expect(rendered(PhoneNumbers.normalize(raw, region: "NG")) == "invalid: not a number", "\(raw.debugDescription)")
        }
        #expect(rendered(PhoneNumbers.normalize("", region: "NG")) == "invalid: not a number")
        #expect(rendered(PhoneNumbers.normalize("   ", region: nil)) == "invalid: not a number")
    }

    @Test func veryLongInputIsRefusedNotCrashed() {
        #expect(rendered(PhoneNumbers.normalize(String(repeating: "1", count: 300), region: nil)) == "invalid: too long")
        #expect(rendered(PhoneNumbers.normalize(String(repeating: "1 ", count: 5000), region: "US")) == "invalid: too long")
        #expect(rendered(PhoneNumbers.normalize("+" + String(repeating: "4", count: 100_000), region: nil)) == "invalid: too long")
    }

    @Test func regions() {
        #expect(PhoneNumbers.isSupportedRegion("NG"))
        #expect(PhoneNumbers.isSupportedRegion("ng"))
        #expect(PhoneNumbers.isSupportedRegion("GG"))
        #expect(!PhoneNumbers.isSupportedRegion("ZZ"))
        #expect(!PhoneNumbers.isSupportedRegion("001"))
        #expect(!PhoneNumbers.isSupportedRegion("XX"))
        #expect(!PhoneNumbers.isSupportedRegion(""))
        #expect(!PhoneNumbers.isSupportedRegion("NGA"))
        #expect(!PhoneNumbers.isSupportedRegion("N\u{0}"))
        #expect(PhoneNumbers.countryCode(forRegion: "NG") == 234)
        #expect(PhoneNumbers.countryCode(forRegion: "us") == 1)
        #expect(PhoneNumbers.countryCode(forRegion: "CA") == 1)
        #expect(PhoneNumbers.countryCode(forRegion: "GB") == 44)
        #expect(PhoneNumbers.countryCode(forRegion: "XX") == nil)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
