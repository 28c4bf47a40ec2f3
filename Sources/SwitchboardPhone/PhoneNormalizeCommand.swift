/// What a command printed and how it ended, so that the command's logic is a pure
/// function the executable only has to print.
public struct PhoneCommandOutput: Hashable, Sendable {
    /// Lines for standard output, without newlines.
    public var standardOutput: [String]
    /// Lines for standard error, without newlines.
    public var standardError: [String]
    /// 0 success, 1 some input was invalid, 2 usage error.
    public var exitCode: Int32

    public init(standardOutput: [String] = [], standardError: [String] = [], exitCode: Int32) {
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.exitCode = exitCode
    }
}

/// `switchboard phone normalize [--region CC] NUMBER...`
///
/// Prints one line per NUMBER, in order: its E.164 form, or `invalid: REASON`. Exits 0 when
/// every number is valid, 1 when any is not, 2 on a usage error (unknown option, unknown
/// region, no numbers), which prints nothing on standard output.
public enum PhoneNormalizeCommand {
    public static let usage = "usage: switchboard phone normalize [--region CC] NUMBER..."

    public static let help = """
        \(usage)

        Prints each NUMBER in E.164 form (+2348031234567), one line per NUMBER, in the
        order given, or "invalid: REASON" when it is not a valid phone number.

        Options:
          --region CC   read NUMBERs as a person in region CC would write them: national
                        forms ("0803 123 4567" with NG) and the region's international
                        dialling prefix ("011 44 20 7946 0958" with US, "009 ..." with NG).
                        CC is a two-letter region code: NG, US, GB, DE, IN, ...
          -h, --help    show this help and exit

        Without --region every NUMBER must be international: "+234 803 123 4567",
        "00 234 803 123 4567", or digits alone, which are read as international as in
        WhatsApp's wa_id: "2348031234567" is +2348031234567.
        Spaces, dashes, dots, slashes and parentheses are ignored; letters are not accepted.

        Exit status: 0 when every NUMBER is valid, 1 when any is invalid, 2 on a usage error.

        Examples:
          switchboard phone normalize 2348031234567 "+44 20 7946 0958"
          switchboard phone normalize --region NG "0803 123 4567" "(0803) 123-4567"
        """

    /// `arguments` are those after `phone normalize`.
    public static func run(arguments: [String]) -> PhoneCommandOutput {
        var region: String? = nil
        var numbers: [String] = []
        var onlyNumbers = false
        var i = 0

        func usageError(_ message: String) -> PhoneCommandOutput {
            PhoneCommandOutput(
                standardError: ["switchboard phone normalize: \(message)", usage,
                                "Run 'switchboard phone normalize --help' for more."],
                exitCode: 2)
        }

        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyNumbers || !arg.hasPrefix("-") || arg == "-" {
                numbers.append(arg)
                continue
            }
            var value: String? = nil
            var name = arg
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
            }
            switch name {
            case "--":
                onlyNumbers = true
            case "-h", "--help":
                return PhoneCommandOutput(standardOutput: help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                                          exitCode: 0)
            case "--region":
                if value == nil {
                    guard i < arguments.count else { return usageError("--region needs a value, e.g. --region NG") }
                    value = arguments[i]
                    i += 1
                }
                guard region == nil else { return usageError("--region given more than once") }
                guard let v = value, let canonical = PhoneNumbers.canonicalRegion(v) else {
                    return usageError("unknown region '\(value ?? "")': expected a two-letter region code such as NG, US or GB")
                }
                region = canonical
            default:
                return usageError("unknown option '\(name)'")
            }
        }
        guard !numbers.isEmpty else { return usageError("no NUMBER given") }

        var lines: [String] = []
        var allValid = true
        for raw in numbers {
            switch PhoneNumbers.normalize(raw, region: region) {
            case .success(let number):
                lines.append(number.e164)
            case .failure(let error):
                allValid = false
                lines.append("invalid: \(error.reason)")
            }
        }
        return PhoneCommandOutput(standardOutput: lines, exitCode: allValid ? 0 : 1)
    }
}
