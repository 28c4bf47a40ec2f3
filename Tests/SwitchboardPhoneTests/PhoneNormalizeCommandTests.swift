import Testing
import SwitchboardPhone

@Suite struct PhoneNormalizeCommandTests {
    @Test func allValidPrintsE164InOrderAndExitsZero() {
        let out = PhoneNormalizeCommand.run(arguments: ["2348031234567", "+44 20 7946 0958", "+1 (201) 555-0123"])
        #expect(out.standardOutput == ["+2348031234567", "+442079460958", "+12015550123"])
        #expect(out.standardError == [])
        #expect(out.exitCode == 0)
    }

    @Test func withRegion() {
        let out = PhoneNormalizeCommand.run(arguments: ["--region", "NG", "0803 123 4567", "(0803) 123-4567", "+2348031234567", "009 44 20 7946 0958"])
        #expect(out.standardOutput == ["+2348031234567", "+2348031234567", "+2348031234567", "+442079460958"])
        #expect(out.exitCode == 0)
        let us = PhoneNormalizeCommand.run(arguments: ["--region=us", "011 44 20 7946 0958", "201-555-0123"])
        #expect(us.standardOutput == ["+442079460958", "+12015550123"])
        #expect(us.exitCode == 0)
        // The option may come after the numbers; it applies to all of them.
        let after = PhoneNormalizeCommand.run(arguments: ["030 123456", "--region", "DE"])
        #expect(after.standardOutput == ["+4930123456"])
    }

    @Test func anInvalidNumberPrintsItsReasonInPlaceAndExitsOne() {
        let out = PhoneNormalizeCommand.run(arguments: ["--region", "NG", "0803 123 4567", "0803 123", "call me", "+999 123 4567", "+234 803 123 4567 890 12345"])
        #expect(out.standardOutput == [
            "+2348031234567",
            "invalid: not a valid number for region NG",
            "invalid: not a number",
            "invalid: invalid country code",
            "invalid: too long",
        ])
        #expect(out.standardError == [])
        #expect(out.exitCode == 1)
    }

    @Test func withoutRegionNationalFormsAreRefused() {
        let out = PhoneNormalizeCommand.run(arguments: ["0803 123 4567", "002348031234567"])
        #expect(out.standardOutput == ["invalid: no region given and number has no +", "+2348031234567"])
        #expect(out.exitCode == 1)
    }

    @Test func unknownRegionIsAUsageError() {
        let out = PhoneNormalizeCommand.run(arguments: ["--region", "XX", "0803 123 4567"])
        #expect(out.standardOutput == [])
        #expect(out.standardError == [
            "switchboard phone normalize: unknown region 'XX': expected a two-letter region code such as NG, US or GB",
            "usage: switchboard phone normalize [--region CC] NUMBER...",
            "Run 'switchboard phone normalize --help' for more.",
        ])
        #expect(out.exitCode == 2)
        for region in ["Nigeria", "", "ZZ", "001", "N"] {
            let o = PhoneNormalizeCommand.run(arguments: ["--region", region, "0803 123 4567"])
            #expect(o.exitCode == 2, "--region \(region)")
            #expect(o.standardError.first == "switchboard phone normalize: unknown region '\(region)': expected a two-letter region code such as NG, US or GB")
        }
    }

    @Test func otherUsageErrors() {
        let cases: [([String], String)] = [
            ([], "no NUMBER given"),
            (["--region", "NG"], "no NUMBER given"),
            (["--region"], "--region needs a value, e.g. --region NG"),
            (["--region", "NG", "--region", "GB", "1"], "--region given more than once"),
            (["--json", "1"], "unknown option '--json'"),
            (["-r", "NG", "1"], "unknown option '-r'"),
        ]
        for (args, message) in cases {
            let out = PhoneNormalizeCommand.run(arguments: args)
            #expect(out.exitCode == 2, "\(args)")
            #expect(out.standardOutput == [], "\(args)")
            #expect(out.standardError.first == "switchboard phone normalize: \(message)", "\(args)")
        }
    }

    @Test func doubleDashEndsOptions() {
        let out = PhoneNormalizeCommand.run(arguments: ["--", "--region", "2348031234567"])
        #expect(out.standardOutput == ["invalid: not a number", "+2348031234567"])
        #expect(out.exitCode == 1)
    }

    @Test func help() {
        for flag in ["--help", "-h"] {
            let out = PhoneNormalizeCommand.run(arguments: ["2348031234567", flag])
            #expect(out.exitCode == 0)
            #expect(out.standardError == [])
            #expect(out.standardOutput.first == "usage: switchboard phone normalize [--region CC] NUMBER...")
            #expect(out.standardOutput.contains { $0.contains("--region CC") })
            #expect(out.standardOutput.contains("Exit status: 0 when every NUMBER is valid, 1 when any is invalid, 2 on a usage error."))
            #expect(out.standardOutput == PhoneNormalizeCommand.help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// The examples in the help text do what it says.
    @Test func helpExamplesWork() {
        #expect(PhoneNormalizeCommand.run(arguments: ["2348031234567", "+44 20 7946 0958"]).standardOutput
            == ["+2348031234567", "+442079460958"])
        #expect(PhoneNormalizeCommand.run(arguments: ["--region", "NG", "0803 123 4567", "(0803) 123-4567"]).standardOutput
            == ["+2348031234567", "+2348031234567"])
        #expect(PhoneNormalizeCommand.run(arguments: ["00 234 803 123 4567"]).standardOutput == ["+2348031234567"])
    }
}
