import Foundation
import Testing
import SwitchboardCore
import SwitchboardPhone

/// One line of `phoneNumberCases`.
struct PhoneCase: Sendable, CustomTestStringConvertible {
    let line: Int
    let region: String?
    let input: String
    let expected: String
    var testDescription: String { "line \(line): \(region ?? "-") | \(input) → \(expected)" }

    static let all: [PhoneCase] = {
        var cases: [PhoneCase] = []
        for (n, line) in phoneNumberCases.split(separator: "\n").enumerated() {
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            precondition(fields.count == 3, "PhoneNumberCases.swift: line \(n + 1) does not have 3 fields")
            cases.append(PhoneCase(line: n + 1, region: fields[0] == "-" ? nil : fields[0],
                                   input: fields[1], expected: fields[2]))
        }
        return cases
    }()
}

/// What `switchboard phone normalize` prints for one number.
func rendered(_ result: Result<PhoneNumber, PhoneNumberError>) -> String {
    switch result {
    case .success(let number): number.e164
    case .failure(let error): "invalid: \(error.reason)"
    }
}

@Suite struct PhoneNumberTableTests {
    @Test func theTableIsBroad() {
        let cases = PhoneCase.all
        #expect(cases.count >= 200)
        let regions = Set(cases.compactMap { $0.region?.uppercased() })
        #expect(regions.count >= 30)
        // Every kind of outcome is present.
        let outcomes = Set(cases.map { $0.expected.hasPrefix("+") ? "valid" : $0.expected })
        for reason in ["not a number", "too short", "too long", "invalid country code",
                       "no region given and number has no +"] {
            #expect(outcomes.contains("invalid: \(reason)"), "no case for \(reason)")
        }
        #expect(cases.contains { $0.expected.hasPrefix("invalid: not a valid number for region ") })
        #expect(cases.filter { $0.region == nil && $0.expected.hasPrefix("+") }.count >= 50)
    }

    @Test(arguments: PhoneCase.all)
    func normalize(_ c: PhoneCase) {
        #expect(rendered(PhoneNumbers.normalize(c.input, region: c.region)) == c.expected)
    }

    /// `parse` agrees with `normalize`, and a valid number re-parses to itself from each of
    /// its own formatted forms.
    @Test(arguments: PhoneCase.all.filter { $0.expected.hasPrefix("+") })
    func formattedFormsParseBack(_ c: PhoneCase) throws {
        let parsed = try PhoneNumbers.parse(c.input, region: c.region).get()
        #expect(parsed.number.e164 == c.expected)
        #expect(parsed.isValid)
        #expect(rendered(PhoneNumbers.normalize(parsed.international, region: nil)) == c.expected)
        #expect(rendered(PhoneNumbers.normalize(parsed.number.e164, region: nil)) == c.expected)
        #expect(rendered(PhoneNumbers.normalize(String(parsed.number.digits), region: nil)) == c.expected)
        if parsed.region.count == 2 {
            #expect(rendered(PhoneNumbers.normalize(parsed.national, region: parsed.region)) == c.expected)
        }
    }
}
