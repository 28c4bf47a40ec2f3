import Foundation

/// A PostgreSQL server of a test's own (scripts/pg.sh in a folder of its own), for tests
/// that stop the server: the shared one (`TestPostgres`) serves other suites meanwhile.
/// `stop()` and `resume()` take it away and bring it back on the same socket and port
/// with its data; it is stopped and deleted when the value goes.
public final class ThrowawayPostgres: @unchecked Sendable {
    public let dir: String
    public let url: String

    public init() throws {
        dir = NSTemporaryDirectory() + "sb-pg-own-\(UUID().uuidString.prefix(8))"
        url = try Self.script("start", dir)
    }

    /// Stops the server (`pg_ctl stop -m fast`: every connection is cut).
    public func stop() throws { _ = try Self.script("stop", dir) }

    /// Starts it again on the same port, with its data.
    public func resume() throws {
        let again = try Self.script("resume", dir)
        guard again == url else { throw PostgresUnavailable(reason: "resumed at \(again), not \(url)") }
    }

    deinit {
        _ = try? Self.script("stop", dir)
        try? FileManager.default.removeItem(atPath: dir)
    }

    static var scriptPath: String {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent("scripts/pg.sh").path
    }

    /// Runs `scripts/pg.sh ACTION DIR`; returns the last line it printed (the URL).
    /// system(3) and files, not Process and pipes, as `TestPostgres` explains: the server
    /// outlives the script.
    @discardableResult
    static func script(_ action: String, _ dir: String) throws -> String {
        let out = dir + ".\(action).out", err = dir + ".\(action).err"
        let status = system("/bin/bash \(quoted(scriptPath)) \(action) \(quoted(dir)) >\(quoted(out)) 2>\(quoted(err))")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let problem = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
        guard status == 0 else { throw PostgresUnavailable(reason: "scripts/pg.sh \(action) failed: \(problem)") }
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }
}
