import Foundation
import Testing

@Suite struct CLITests {
    @Test func versionAndHelp() throws {
        let v = try runSwitchboard(["version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("switchboard "))
        let h = try runSwitchboard(["--help"])
        #expect(h.status == 0)
        for cmd in ["serve", "check", "phone", "events", "version"] { #expect(h.stdout.contains("  \(cmd)")) }
        let sh = try runSwitchboard(["serve", "--help"])
        #expect(sh.status == 0)
        #expect(sh.stdout.contains("--config PATH"))
    }

    @Test func unknownCommandAndOptionAreUsageErrors() throws {
        let u = try runSwitchboard(["frobnicate"])
        #expect(u.status == 2)
        #expect(u.stderr.contains("unknown command 'frobnicate'"))
        let o = try runSwitchboard(["check", "--colour"])
        #expect(o.status == 2)
        #expect(o.stderr.contains("unknown option '--colour'"))
    }
}
