import Foundation
import SwitchboardTestSupport
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Runs the real `switchboard` binary for a test: a temporary folder with a host config,
/// workspace files and a database, the process started on port 0, its stderr log lines
/// collected, and the port read back from the "listening" line.
final class TestHost: @unchecked Sendable {
    static let repoRoot: URL = {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { u.deleteLastPathComponent() }
        return u
    }()

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["SWITCHBOARD_BIN"], !b.isEmpty { return b }
        return repoRoot.appendingPathComponent(".build/debug/switchboard").path
    }

    /// Plugins built beside the binary under test.
    static var pluginDirectory: String { URL(fileURLWithPath: binary).deletingLastPathComponent().path }

    let dir: URL
    private(set) var process = ChildProcess()
    private let lines = Mutex<[String]>([])
    private let stdoutText = Mutex<String>("")
    /// The pipes that reached end of file (the process exited and everything it wrote
    /// has been read): 2 once both have.
    private let pipesAtEOF = Mutex<Int>(0)
    private(set) var port: UInt16 = 0

    var configPath: String { dir.appendingPathComponent("switchboard.yaml").path }

    /// A folder with `switchboard.yaml` (from `hostYAML`, where `$DIR` stands for the
    /// folder) and one file per workspace.
    init(hostYAML: String, workspaces: [String: String] = [:]) throws {
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sb-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("workspaces"), withIntermediateDirectories: true)
        try hostYAML.replacingOccurrences(of: "$DIR", with: dir.path).write(toFile: configPath, atomically: true, encoding: .utf8)
        for (id, text) in workspaces {
            try text.write(to: dir.appendingPathComponent("workspaces/\(id).yaml"), atomically: true, encoding: .utf8)
        }
    }

    static func minimalHostYAML(extra: String = "") -> String {
        """
        server:
          listen: 127.0.0.1:0
          metrics_listen: localhost:0
        storage:
          sqlite: $DIR/switchboard.db
        log:
          level: debug
          format: json
        workspaces:
          dir: $DIR/workspaces
        plugins:
          path: [\(TestHost.pluginDirectory)]
        \(extra)
        """
    }

    /// Starts `switchboard ARGS --config <configPath>` and, for `serve`, waits for the
    /// listening line.
    func start(_ args: [String] = ["serve"], environment: [String: String] = [:], waitForListening: Bool = true) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = args + ["--config", configPath]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = dir
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        pipesAtEOF.withLock { $0 = 0 }
        // Each pipe is read by a thread of its own with blocking reads until end of file,
        // not with `readabilityHandler`: its dispatch source could outlive the pipe's
        // descriptor (cancelled asynchronously while the handle closed the fd), and
        // libdispatch then crashed the whole test process in _dispatch_event_loop_drain
        // when the number was reused (seen in full runs with many hosts at once).
        Self.drain(err.fileHandleForReading, onData: { [weak self] d in
            guard let self else { return }
            let s = String(decoding: d, as: UTF8.self)
            self.lines.withLock { l in
                if let last = l.last, !last.hasSuffix("\n") { l[l.count - 1] += s } else { l.append(s) }
            }
        }, onEOF: { [weak self] in self?.pipesAtEOF.withLock { $0 += 1 } })
        Self.drain(out.fileHandleForReading, onData: { [weak self] d in
            self?.stdoutText.withLock { $0 += String(decoding: d, as: UTF8.self) }
        }, onEOF: { [weak self] in self?.pipesAtEOF.withLock { $0 += 1 } })
        try process.run()
        if waitForListening {
            let line = try waitForLog(timeout: 30, skipping: listeningLinesBefore) {
                $0["message"] as? String == "http server listening"
            }
            guard let p = line["port"] as? String, let port = UInt16(p) else { throw HTTPClient.Failure(description: "no port in listening line") }
            self.port = port
            if args.first == "serve" {
                // Every service started and the PID file written (`switchboard reload` finds
                // the process): the HTTP server listens before the later services start, and
                // a test that reloaded at once found no host under load.
                _ = try waitForLog(timeout: 60, skipping: startedLinesBefore) {
                    $0["message"] as? String == "switchboard started"
                }
            }
            // The metrics listener starts before the main one, so its line is there.
            if let m = logLines.last(where: { $0["message"] as? String == "metrics server listening" }),
               let p = m["port"] as? String, let mp = UInt16(p) {
                metricsPort = mp
            }
        }
    }

    /// The port of the metrics listener (`server.metrics_listen`), 0 when it is off.
    private(set) var metricsPort: UInt16 = 0

    var client: HTTPClient { HTTPClient(port: port) }
    /// A client of the metrics listener.
    var metricsClient: HTTPClient { HTTPClient(port: metricsPort) }

    /// Every complete stderr line so far.
    var logText: String { lines.withLock { $0.joined() } }
    var stdout: String { stdoutText.withLock { $0 } }

    /// The log's tail, and where the process crashed the start of the crash report too
    /// (Swift's backtracer prints the reason and the crashed thread first, then every
    /// other thread: a tail alone shows only idle threads).
    func logTail(_ n: Int = 3000) -> String {
        let text = logText
        guard let r = text.range(of: "*** Program crashed") ?? text.range(of: "Fatal error") else {
            return String(text.suffix(n))
        }
        // What the process printed just before (a C library's own message: libmicrohttpd's
        // "Fatal error in ...", glibc's malloc checks) and the report's head.
        let before = String(text[..<r.lowerBound].suffix(n / 2))
        let report = String(text[r.lowerBound...].prefix(n))
        return before + report + "\n...\n" + String(text.suffix(n))
    }

    /// The JSON log lines so far (lines that are not JSON are skipped).
    var logLines: [[String: Any]] {
        logText.split(separator: "\n").compactMap { l in
            (try? JSONSerialization.jsonObject(with: Data(l.utf8))) as? [String: Any]
        }
    }

    /// Waits for a log line matching `match`, past the first `skipping` such lines.
    func waitForLog(timeout: Double, skipping: Int = 0, _ match: ([String: Any]) -> Bool) throws -> [String: Any] {
        let end = Date().addingTimeInterval(timeout)
        func found() -> [String: Any]? {
            let all = logLines.filter(match)
            return all.count > skipping ? all[skipping] : nil
        }
        while Date() < end {
            if let l = found() { return l }
            if !process.isRunning {
                waitForPipes()
                if let l = found() { return l }
                throw HTTPClient.Failure(description: "switchboard exited with \(process.terminationStatus) before the expected log line; log:\n\(logText)")
            }
            usleep(20_000)
        }
        throw HTTPClient.Failure(description: "timed out waiting for a log line; log:\n\(logText)")
    }

    /// Starts the binary again on the same folder and database (after it exited or was
    /// killed); the log collected so far is kept.
    func restart(environment: [String: String] = [:]) throws {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        lines.withLock { $0.append("\n--- restart ---\n") }
        listeningLinesBefore = logLines.filter { $0["message"] as? String == "http server listening" }.count
        startedLinesBefore = logLines.filter { $0["message"] as? String == "switchboard started" }.count
        process = ChildProcess()
        try start(environment: environment)
    }
    private var listeningLinesBefore = 0
    private var startedLinesBefore = 0

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the process to exit and returns its status, or nil after `timeout`.
    func waitForExit(timeout: Double) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning { return nil }
        waitForPipes()
        return process.terminationStatus
    }

    /// After the process exited: waits until everything it wrote to stderr and stdout
    /// has been read (both pipes at end of file), at most 5 s.
    private func waitForPipes() {
        let end = Date().addingTimeInterval(5)
        while pipesAtEOF.withLock({ $0 }) < 2 && Date() < end { usleep(2_000) }
    }

    /// Reads `handle` on a thread of its own until end of file; the thread keeps the
    /// handle (and so its descriptor) open until then.
    private static func drain(_ handle: FileHandle, onData: @escaping @Sendable (Data) -> Void,
                              onEOF: @escaping @Sendable () -> Void) {
        let thread = Thread {
            let fd = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    onData(Data(buffer[0..<n]))
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            withExtendedLifetime(handle) {}
            onEOF()
        }
        thread.name = "test-host-pipe"
        thread.start()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: dir)
    }
}
