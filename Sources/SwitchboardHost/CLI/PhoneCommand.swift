import Foundation
#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import SwitchboardPhone

/// `switchboard phone normalize [--region CC] NUMBER...`: one line per input, the E.164
/// form or `invalid: REASON`. The logic is `PhoneNormalizeCommand`'s; this prints it.
enum PhoneCommand {
    static let help = """
        Usage: switchboard phone normalize [--region CC] NUMBER...

        Phone number tools. `normalize` prints one line per NUMBER, in order: its E.164
        form, or `invalid: REASON`. Exit status 0 when all are valid, 1 otherwise.
        """

    static func run(_ args: [String]) -> Int32 {
        guard let sub = args.first, sub != "--help", sub != "-h" else {
            print(help)
            return args.isEmpty ? 2 : 0
        }
        guard sub == "normalize" else {
            printErr("switchboard phone: unknown subcommand '\(sub)'. Run 'switchboard phone --help'.")
            return 2
        }
        let out = PhoneNormalizeCommand.run(arguments: Array(args.dropFirst()))
        for l in out.standardOutput { print(l) }
        fflush(nil)
        for l in out.standardError { printErr(l) }
        return out.exitCode
    }
}
