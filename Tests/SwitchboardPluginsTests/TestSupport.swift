import Foundation
import SwitchboardTestSupport
#if canImport(Glibc)
import Glibc
#endif
import SwitchboardCore
import SwitchboardLog
@testable import SwitchboardPlugins

/// Paths, compilers and fixtures shared by the plugin tests.
enum TestSupport {
    /// The package root (this file is Tests/SwitchboardPluginsTests/TestSupport.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let include = root + "/plugin-sdk/include"
    static let fixtures = root + "/Tests/SwitchboardPluginsTests/Fixtures"

    /// Where SwiftPM put this test binary, and with it libfaq.so and libhandoff.so.
    static let buildDir: String = {
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = (exe as NSString).deletingLastPathComponent
            // xctest bundles on Linux are plain executables in the build folder; on other
            // layouts walk up to the folder holding the libraries.
            while dir != "/" {
                if FileManager.default.fileExists(atPath: dir + "/libfaq.so") { return dir }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return root + "/.build/debug"
    }()

    /// A fresh temporary directory.
    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "sbplugins-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a command, throwing with its output when it fails.
    static func run(_ args: [String], in dir: String? = nil) throws {
        let p = ChildProcess()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CommandFailed(description: "\(args.joined(separator: " ")) failed: \(String(decoding: out, as: UTF8.self))")
        }
    }

    /// Builds Fixtures/testplugin.c with `cc` and `defines` into `dir/lib<name>.so`.
    @discardableResult
    static func buildTestPlugin(_ name: String, in dir: String, defines: [String] = []) throws -> String {
        let out = dir + "/lib\(name).so"
        try run(["cc", "-shared", "-fPIC", "-I", include] + defines.map { "-D" + $0 } + ["-o", out, fixtures + "/testplugin.c"])
        return out
    }

    /// A logger writing JSON lines to a file the test can read back.
    static func fileLogger(_ dir: String, level: LogLevel = .debug) throws -> (Logger, String) {
        let path = dir + "/log.jsonl"
        let sink = try LogSink(level: level, format: .json, path: path)
        return (Logger(sink: sink), path)
    }

    /// A logger that drops everything below error (keeps test output quiet).
    static let quietLogger = Logger(sink: LogSink(level: .error, format: .text, fd: open("/dev/null", O_WRONLY)))

    static func message(_ text: String, workspace: WorkspaceID = "ws-a", conversation: String = "c1",
                        state: ConversationState = .bot,
                        history: (@Sendable (Int) throws -> [PluginHistoryEntry])? = nil) -> PluginMessage {
        PluginMessage(
            workspace: workspace, channel: "wa-main", conversation: ConversationID(conversation),
            message: MessageID("m-\(UUID().uuidString.prefix(8))"), senderE164: "+2348031234567", senderName: "Ada",
            text: text, kind: .text, timestamp: Date(timeIntervalSince1970: 1_780_000_000),
            conversationState: state, history: history)
    }

    static func lines(_ path: String) -> [[String: String]] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
        }
    }
}
