// loadgen's PostgreSQL side (`--store postgres[:URL]`): the database the hosts share, what
// it did during a phase (its statements, from pg_stat_statements, and its processes' CPU,
// from /proc), and the benchmark's switches on it.
import Foundation
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The PostgreSQL the hosts share: a throwaway server (`scripts/pg.sh`, in the run's
/// folder, stopped at the end) or the one of a URL the caller gave.
final class PostgresServer: @unchecked Sendable {
    let url: String
    /// The throwaway server's folder (nil for a URL given).
    let dir: String?
    /// The postmaster's pid, when it runs on this machine (its processes' CPU is read from /proc).
    private(set) var postmaster: Int32?
    /// Whether pg_stat_statements answers (statements per message).
    private(set) var statementsAvailable = false
    let psqlPath: String

    /// `store` is `postgres` (a throwaway server, with fsync on unless `durability` is
    /// `normal`, pg_stat_statements loaded) or `postgres:URL`.
    init(store: String, dir: String, durability: String) throws {
        psqlPath = FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") ? "/usr/bin/psql"
            : ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last
                .map { "/usr/lib/postgresql/\($0)/bin/psql" } ?? "psql")
        if store == "postgres" {
            // As a server in production would run: every commit flushed (synchronous_commit
            // on, as `durability: full` fsyncs every SQLite commit), unlike the tests' server.
            let sync = durability == "normal" ? "off" : "on"
            let extra = "-c fsync=on -c synchronous_commit=\(sync) -c full_page_writes=on"
                + " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on"
                + " -c pg_stat_statements.max=1000"
            let (status, out, err) = Self.run("scripts/pg.sh", ["start", dir], environment: ["PG_EXTRA_OPTS": extra])
            guard status == 0, let url = out.split(separator: "\n").last.map(String.init), url.hasPrefix("postgresql://") else {
                throw BenchError("scripts/pg.sh start failed (run from the repository's root): \(err)\(out)")
            }
            self.url = url
            self.dir = dir
            let pidFile = (try? String(contentsOfFile: dir + "/data/postmaster.pid", encoding: .utf8)) ?? ""
            postmaster = pidFile.split(separator: "\n").first.flatMap { Int32($0) }
        } else {
            var given = store
            if given.hasPrefix("postgres:") && !given.hasPrefix("postgres://") { given.removeFirst("postgres:".count) }
            url = given
            self.dir = nil
            guard psql("SELECT 1") == "1" else { throw BenchError("cannot connect to \(url) with psql") }
            // A local server: the parent of this connection's backend is the postmaster.
            if let backend = psql("SELECT pg_backend_pid()").flatMap({ Int32($0) }),
               let stat = try? String(contentsOfFile: "/proc/\(backend)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")") {
                postmaster = Int32(stat[stat.index(after: close)...].split(separator: " ")[1])
            }
        }
        statementsAvailable = psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT count(*) >= 0 FROM pg_stat_statements") == "t"
        if !statementsAvailable {
            log("postgres: pg_stat_statements is not loaded (shared_preload_libraries): no statement counts")
        }
        if postmaster == nil { log("postgres: the server's processes are not on this machine: no PostgreSQL CPU figures") }
    }

    /// Stops the throwaway server (a URL's server is left alone).
    func stop() {
        guard let dir else { return }
        _ = Self.run("scripts/pg.sh", ["stop", dir])
    }

    /// The server's settings that decide the cost of a commit, as one line.
    var settings: String {
        psql("SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN "
            + "('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level', 'max_connections', 'server_version')")
            ?? "?"
    }

    /// The benchmark's switch for measuring NOTIFY (`--no-notify`): a `pg_notify` of the
    /// database's own that does nothing, found before PostgreSQL's (the search path puts
    /// `public` before `pg_catalog`), so the journal's `pg_notify` call stays and only the
    /// notification (and the lock NOTIFY takes at commit) goes. Only for a throwaway
    /// database: the hosts' listeners then hear nothing.
    func disableNotify() {
        let db = psql("SELECT current_database()") ?? "switchboard"
        let done = psql("""
            CREATE OR REPLACE FUNCTION public.pg_notify(text, text) RETURNS void LANGUAGE sql AS 'SELECT NULL::void';
            ALTER DATABASE "\(db)" SET search_path = public, pg_catalog; SELECT 'ok'
            """)
        log(done == "ok" ? "postgres: pg_notify replaced by a no-op for this run (--no-notify)" : "postgres: --no-notify failed")
    }

    /// Runs SQL with psql; the output of its last statement, unaligned, without headers.
    func psql(_ sql: String, fieldSeparator: String = "\t", recordSeparator: String = "\n") -> String? {
        let (status, out, err) = Self.run(psqlPath, ["-X", "-q", "-A", "-t", "-F", fieldSeparator, "-R", recordSeparator,
                                                     "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        guard status == 0 else {
            log("psql: \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
            return nil
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: what the server did

    /// CPU seconds (user + system) of the server's processes so far, by kind: `backends`
    /// (the hosts' connections), PostgreSQL's own processes by name (walwriter,
    /// checkpointer, ...), `postmaster` and `exited` (processes that ended since the
    /// server started, e.g. autovacuum workers: the postmaster's children's time).
    func cpu() -> [String: Double] {
        guard let postmaster,
              let own = try? String(contentsOfFile: "/proc/\(postmaster)/stat", encoding: .utf8),
              let close = own.lastIndex(of: ")") else { return [:] }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        let f = own[own.index(after: close)...].split(separator: " ")
        var byKind: [String: Double] = [
            "postmaster": ((Double(f[11]) ?? 0) + (Double(f[12]) ?? 0)) / tick,
            "exited": ((Double(f[13]) ?? 0) + (Double(f[14]) ?? 0)) / tick,
        ]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != postmaster,
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let g = stat[stat.index(after: close)...].split(separator: " ")
            guard g.count > 12, Int32(g[1]) == postmaster else { continue }
            byKind[Self.kind(pid: pid), default: 0] += ((Double(g[11]) ?? 0) + (Double(g[12]) ?? 0)) / tick
        }
        return byKind
    }

    /// "walwriter", "checkpointer", ... from a child's title; `backends` for a client's.
    private static func kind(pid: Int32) -> String {
        let title = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?
            .replacingOccurrences(of: "\0", with: " ") ?? ""
        let name = title.hasPrefix("postgres: ") ? String(title.dropFirst("postgres: ".count)) : title
        for known in ["walwriter", "checkpointer", "background writer", "autovacuum launcher", "autovacuum worker",
                      "logical replication launcher", "archiver", "walsender", "startup"] where name.hasPrefix(known) {
            return known
        }
        return "backends"
    }

    /// One statement's figures in pg_stat_statements.
    struct Statement {
        var query: String
        var calls: Double
        var execMS: Double
        var planMS: Double
    }

    /// Starts counting statements afresh.
    func resetStatements() {
        guard statementsAvailable else { return }
        _ = psql("SELECT pg_stat_statements_reset()")
    }

    /// The statements counted since `resetStatements()` (this tool's own left out).
    func statements() -> [Statement] {
        guard statementsAvailable,
              let text = psql("""
                SELECT calls, total_exec_time, total_plan_time, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, fieldSeparator: "\u{1f}", recordSeparator: "\u{1e}") else { return [] }
        return text.split(separator: "\u{1e}").compactMap { record in
            let f = record.split(separator: "\u{1f}", omittingEmptySubsequences: false)
            guard f.count == 4, let calls = Double(f[0]) else { return nil }
            let query = String(f[3])
            if query.contains("pg_stat_statements") { return nil }
            return Statement(query: query, calls: calls, execMS: Double(f[1]) ?? 0, planMS: Double(f[2]) ?? 0)
        }
    }

    // MARK: processes

    /// Runs a command to its end; its status, standard output and standard error.
    /// A `ChildProcess` (posix_spawn and waitpid), not Foundation's `Process` (see
    /// `ChildProcess`). Output goes to files, not pipes: a server the command starts
    /// (pg_ctl) inherits the descriptors and would hold a pipe open.
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) -> (Int32, String, String) {
        let base = NSTemporaryDirectory() + "loadgen-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        guard FileManager.default.createFile(atPath: base + ".out", contents: nil, attributes: [.posixPermissions: 0o600]),
              FileManager.default.createFile(atPath: base + ".err", contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = FileHandle(forWritingAtPath: base + ".out"), let err = FileHandle(forWritingAtPath: base + ".err"),
              let null = FileHandle(forReadingAtPath: "/dev/null") else {
            return (-1, "", "\(path): cannot create its output files under \(NSTemporaryDirectory())")
        }
        defer { for h in [out, err, null] { try? h.close() } }
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: path)
        child.arguments = arguments
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        child.standardInput = null
        child.standardOutput = out
        child.standardError = err
        do { try child.run() } catch { return (-1, "", "\(error)") }
        child.waitUntilExit()
        let exit = child.endedBySignal ? 128 + child.terminationStatus : child.terminationStatus
        let outText = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errText = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return (exit, String(decoding: outText, as: UTF8.self), String(decoding: errText, as: UTF8.self))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// What PostgreSQL did from one mark to the next: CPU by kind and the statements.
struct PostgresMark {
    var cpu: [String: Double]
    init(_ server: PostgresServer) {
        cpu = server.cpu()
        server.resetStatements()
    }

    /// Lines saying what the server did for `count` units (messages, or seconds at idle)
    /// since this mark; returns them with the CPU, statements and commits per unit.
    func report(_ server: PostgresServer, label: String, per unit: String, count: Int)
        -> (lines: [String], cpuMicros: Double, statements: Double, commits: Double) {
        let now = server.cpu()
        let statements = server.statements()
        let n = Double(max(1, count))
        var lines: [String] = []
        var cpuMicros = Double.nan
        if !now.isEmpty {
            let delta = now.map { ($0.key, ($0.value - (cpu[$0.key] ?? 0)) / n * 1e6) }.sorted { $0.1 > $1.1 }
            cpuMicros = delta.reduce(0) { $0 + $1.1 }
            lines.append(String(format: "%@: postgres CPU %.0f µs per %@ (", label, cpuMicros, unit)
                + delta.filter { $0.1 >= 0.5 }.map { String(format: "%@ %.0f", $0.0, $0.1) }.joined(separator: ", ") + ")")
        }
        var perStatement = Double.nan, commits = Double.nan
        if server.statementsAvailable {
            let calls = statements.reduce(0) { $0 + $1.calls }
            let commitCalls = statements.filter { $0.query.uppercased().hasPrefix("COMMIT") }.reduce(0) { $0 + $1.calls }
            let begins = statements.filter { $0.query.uppercased().hasPrefix("BEGIN") }.reduce(0) { $0 + $1.calls }
            let exec = statements.reduce(0) { $0 + $1.execMS }, plan = statements.reduce(0) { $0 + $1.planMS }
            perStatement = calls / n
            commits = commitCalls / n
            lines.append(String(format: "%@: postgres %.1f statements per %@ (each a round trip; BEGIN %.2f, COMMIT %.2f); server time in them %.0f µs per %@ (executing %.0f, planning %.0f)",
                                label, perStatement, unit, begins / n, commits, (exec + plan) * 1000 / n, unit, exec * 1000 / n, plan * 1000 / n))
            lines.append("\(label): postgres statements by time (calls per \(unit), mean exec + plan ms, text):")
            for s in statements.sorted(by: { $0.execMS + $0.planMS > $1.execMS + $1.planMS }).prefix(40) where s.calls / n >= 0.01 {
                lines.append(String(format: "  %6.2f  %7.3f + %.3f ms  %@", s.calls / n, s.execMS / max(1, s.calls), s.planMS / max(1, s.calls),
                                    String(s.query.prefix(150))))
            }
        }
        return (lines, cpuMicros, perStatement, commits)
    }
}
