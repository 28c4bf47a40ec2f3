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

@Suite struct PhoneCommandTests {
    @Test func normalizePrintsOneLinePerInputInOrder() throws {
        let r = try runSwitchboard(["phone", "normalize", "--region", "NG", "0803 123 4567", "+44 20 7946 0958", "hello"])
        #expect(r.status == 1)
        #expect(r.stdout == "+2348031234567\n+442079460958\ninvalid: not a number\n")
    }

    @Test func waIDDigitsWithoutRegionAreInternational() throws {
        let r = try runSwitchboard(["phone", "normalize", "2348031234567"])
        #expect(r.status == 0)
        #expect(r.stdout == "+2348031234567\n")
    }

    @Test func badRegionIsAUsageError() throws {
        let r = try runSwitchboard(["phone", "normalize", "--region", "XX", "123"])
        #expect(r.status == 2)
        #expect(!r.stderr.isEmpty)
        #expect(r.stdout.isEmpty)
    }
}
