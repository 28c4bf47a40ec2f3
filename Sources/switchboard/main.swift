// switchboard: the executable. Everything happens in SwitchboardHost; this file only hands
// it the arguments and exits with its status.
import Foundation
import SwitchboardHost

exit(SwitchboardCLI.run(CommandLine.arguments))
