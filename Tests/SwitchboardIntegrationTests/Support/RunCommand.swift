import Foundation
import SwitchboardTestSupport

/// Runs `switchboard ARGS` to completion and returns what a user would see.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func runSwitchboard(_ args: [String], cwd: URL? = nil, stdin: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
    let p = ChildProcess()
    p.executableURL = URL(fileURLWithPath: TestHost.binary)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = cwd }
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? inp.fileHandleForWriting.close()
    // Read both pipes fully before waiting, so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var o = Data(), e = Data()
    group.enter(); DispatchQueue.global().async { o = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter(); DispatchQueue.global().async { e = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.wait()
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}
