import Foundation
import Synchronization

/// The real PostgreSQL the tests use: `SWITCHBOARD_TEST_POSTGRES_URL` when `make test`
/// (scripts/with-postgres.sh) started one; otherwise one started here with
/// scripts/pg.sh for this test process and stopped when it exits. Never a fake: the
/// PostgreSQL tests run against the server Debian ships.
public enum TestPostgres {
    /// The URL of a running server, or a sentence saying why there is none. Started on
    /// first use, under a lock (not in a lazy static's initializer: Foundation's child
    /// process bookkeeping must not wait behind it).
    public static var url: Result<String, PostgresUnavailable> {
        started.withLock { state in
            if let state { return state }
            let result = start()
            state = result
            return result
        }
    }

    private static let started = Mutex<Result<String, PostgresUnavailable>?>(nil)

    private static func start() -> Result<String, PostgresUnavailable> {
        if let given = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"], !given.isEmpty {
            return .success(given)
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let script = root.appendingPathComponent("scripts/pg.sh").path
        let dir = NSTemporaryDirectory() + "sb-pg-tests-\(getpid())"
        // Output to files, not pipes: the server the script starts outlives it and would
        // keep a pipe open (a read to its end would never return).
        let outFile = dir + ".url", errFile = dir + ".err"
        // system(3), not Process: the server the script starts outlives it, and the test
        // runner's child bookkeeping did not reap the script (waitUntilExit never returned).
        let status = system("/bin/bash \(quoted(script)) start \(quoted(dir)) >\(quoted(outFile)) 2>\(quoted(errFile))")
        let text = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        let problem = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outFile)
        try? FileManager.default.removeItem(atPath: errFile)
        guard status == 0, let line = text.split(separator: "\n").last else {
            return .failure(PostgresUnavailable(reason: "scripts/pg.sh start failed: \(problem)"))
        }
        stopDirectory = dir
        atexit {
            guard let dir = TestPostgres.stopDirectory else { return }
            _ = system("/bin/bash \(quoted(TestPostgres.scriptPath)) stop \(quoted(dir)) >/dev/null 2>&1; rm -rf \(quoted(dir))")
        }
        scriptPath = script
        return .success(String(line))
    }

    nonisolated(unsafe) static var stopDirectory: String?
    nonisolated(unsafe) static var scriptPath = ""

    /// A fresh, empty database on the server (so tests do not see each other's tables):
    /// its URL. Throws when there is no server.
    public static func freshDatabase(prefix: String = "t") throws -> String {
        let base = try url.get()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let errFile = NSTemporaryDirectory() + "sb-pg-\(name).err"
        let status = system("psql \(quoted(base)) -v ON_ERROR_STOP=1 -q -c \(quoted("CREATE DATABASE \(name)")) 2>\(quoted(errFile))")
        let problem = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errFile)
        guard status == 0 else { throw PostgresUnavailable(reason: "CREATE DATABASE failed: \(problem)") }
        return base.replacingOccurrences(of: "/switchboard?", with: "/\(name)?")
    }
}

/// `text` as one shell word.
func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

public struct PostgresUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "no PostgreSQL for the tests: \(reason)" }
}

extension TestPostgres {
    /// Runs `sql` on the database at `url` with `psql` (as an operator would); throws
    /// with psql's message when it fails.
    public static func execute(_ url: String, _ sql: String) throws {
        let errFile = NSTemporaryDirectory() + "sb-pg-exec-\(UUID().uuidString.prefix(8)).err"
        let status = system("psql \(quoted(url)) -v ON_ERROR_STOP=1 -q -c \(quoted(sql)) >/dev/null 2>\(quoted(errFile))")
        let problem = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errFile)
        guard status == 0 else { throw PostgresUnavailable(reason: "psql failed: \(problem)") }
    }
}

extension TestPostgres {
    /// Runs the query `sql` on the database at `url` with `psql` and returns its rows,
    /// one a line, columns separated by `|` (psql's unaligned output, no header).
    public static func query(_ url: String, _ sql: String) throws -> [String] {
        let outFile = NSTemporaryDirectory() + "sb-pg-query-\(UUID().uuidString.prefix(8)).out"
        let errFile = outFile + ".err"
        let status = system("psql \(quoted(url)) -v ON_ERROR_STOP=1 -q -A -t -c \(quoted(sql)) >\(quoted(outFile)) 2>\(quoted(errFile))")
        let text = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        let problem = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outFile)
        try? FileManager.default.removeItem(atPath: errFile)
        guard status == 0 else { throw PostgresUnavailable(reason: "psql failed: \(problem)") }
        return text.split(separator: "\n").map(String.init)
    }
}
