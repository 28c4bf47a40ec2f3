import Foundation
import Testing
import SwitchboardTestSupport

/// `ChildProcess` starts every host and command these tests run (Foundation's `Process`
/// crashes the test process at random on this toolchain: see `ChildProcess`). What the
/// tests rely on: the directory and environment given, pipes read to their end, the exit
/// code or the signal, and no descriptor of the test process leaking into the child.
@Suite struct ChildProcessTests {
    private func shell(_ script: String, in dir: URL? = nil, environment: [String: String]? = nil) throws -> (ChildProcess, String) {
        let p = ChildProcess()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = dir
        p.environment = environment
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p, text)
    }

    @Test func runsInTheDirectoryAndEnvironmentGivenAndReportsTheExitCode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (p, out) = try shell("pwd; echo \"$GREETING\"; exit 3", in: dir, environment: ["GREETING": "hello"])
        #expect(out == dir.resolvingSymlinksInPath().path + "\nhello\n")
        #expect(p.terminationStatus == 3)
        #expect(!p.endedBySignal)
        #expect(!p.isRunning)
    }

    @Test func aChildEndedByASignalReportsTheSignal() throws {
        let (p, _) = try shell("kill -KILL $$")
        #expect(p.endedBySignal)
        #expect(p.terminationStatus == SIGKILL)
    }

    @Test func theChildInheritsOnlyItsStandardDescriptors() throws {
        // A descriptor of this process without close-on-exec, as a fake server's sockets
        // and Foundation's pipes are: the child must not keep it open.
        let fd = open("/dev/null", O_RDONLY)
        try #require(fd > 2)
        defer { close(fd) }
        let (p, out) = try shell("ls /proc/self/fd")
        #expect(p.terminationStatus == 0)
        // 0, 1 and 2, and the descriptor ls reads /proc/self/fd with.
        let fds = out.split(separator: "\n").compactMap { Int32($0) }
        #expect(fds.filter { $0 > 2 }.count == 1, "\(fds)")
    }

    @Test func aMissingExecutableIsAClearError() {
        let p = ChildProcess()
        p.executableURL = URL(fileURLWithPath: "/nonexistent/switchboard")
        #expect(throws: ChildProcess.SpawnError.self) { try p.run() }
        #expect(!p.isRunning)
    }
}
