// loadgen: the pipeline benchmark. Starts a fake Graph API and the real `switchboard`
// binary (SQLite on disk, the bakery FAQ answering), then drives signed WhatsApp webhooks
// at it, one text message each, from many senders:
//   1. saturation: N messages from S senders (round robin) as fast as C keep-alive
//      connections can post them;
//      reports acknowledgement throughput and end-to-end throughput (replies accepted by
//      the fake Graph API per second);
//   2. fixed rate: R messages per second for D seconds; reports webhook-to-reply latency
//      p50/p90/p99 (from just before the POST to the fake receiving the reply);
//   and the host's peak RSS (VmHWM).
//   With --open-loop, phase 2 is the outside harness's shape: each message is due at
//   start + i/R whatever came back before; latency counts from the due time (a message
//   that waited for its connection counts that wait). With --stages, each reply's time
//   is cut into stages from the host's own journal (received, queued, sent events) and
//   the slowest 1 % are shown stage by stage. --latency-only skips phase 1.
//
// Run: swift build -c release && .build/release/loadgen [--messages N] [--senders S]
//      [--connections C] [--rate R] [--seconds D] [--durability full|normal] [--binary PATH]
//      [--log-level warn|info|debug] (the host logs to a file in the run's directory)
//      [--open-loop] [--stages] [--latency-only]
//      [--unanswered] (messages the FAQ does not answer: the workspace's fallback replies)
//      [--statuses K] (phase 2: K delivery receipts a reply, sent/delivered/read, each its own
//      webhook 100/200/300 ms after the reply, as Meta posts them)
//      [--telegram R] (adds a Telegram bot channel against a fake Bot API and, after
//      phase 2, posts R updates a second for D seconds, each from a new chat, to its
//      webhook: webhook-to-reply latency of the Telegram path; the bot's own limit is
//      30 messages a second, so keep R below it)
//      [--evolution R] (adds a WhatsApp Web channel on a fake Evolution API gateway and,
//      after phase 2, posts R messages a second for D seconds, each from a new number, to
//      its webhook: webhook-to-reply latency of that path. The channel is paced like a
//      personal number (rate_limit_per_minute 600: a gap of 100-150 ms between two sends),
//      so keep R below about 7 or the pacing is what is measured)
//      [--channels-only] (skips phases 1 and 2: only the --telegram, --evolution and --webchat phases)
//      [--webchat R] [--webchat-visitors V] (adds a web chat channel and, after the other
//      phases: opens V visitors' event streams (GET /chat/bakery/events, each visitor
//      behind its own X-Forwarded-For address: 127.0.0.1 is a trusted proxy, as behind a
//      reverse proxy, so the per-address limits apply per visitor) and reports the host's
//      memory per open stream; then posts R messages a second for D seconds, message i
//      from visitor i mod V, over 4 keep-alive connections, reading each answer from its
//      visitor's stream: visitor-message-to-answer latency; then a burst: every visitor
//      posts one message at once, three rounds, for end-to-end throughput)
//      [--store sqlite|postgres|postgres:URL] [--hosts N] (N `switchboard serve` on one
//      PostgreSQL: a throwaway server of scripts/pg.sh in the run's folder, fsync and
//      synchronous_commit on (off with --durability normal), pg_stat_statements loaded;
//      or the database of URL, which should be empty. Phases 1 and 2 post message i to
//      host i mod N, the replies of every host go to the one fake Graph API; CPU figures
//      are summed over the hosts, and the PostgreSQL server's processes are reported
//      beside them (from /proc), with its statements and commits per message
//      (pg_stat_statements) and the statements that took its time. Channels of the other
//      phases post to the first host. SQLite takes one host only)
//      [--pool-size P] (storage.postgres_pool_size of each host, default 8)
//      [--idle S] (first, S seconds with no traffic: the hosts' and the database's CPU and
//      statements per second: heartbeats, leases, claims that find nothing)
//      [--workspaces K] (K workspaces, each the bakery FAQ on a WhatsApp number of its own;
//      phases 1 and 2 spread the messages over them: what is serialised per workspace
//      (the journal's order) and what for the whole database shows apart)
//      [--no-notify] (PostgreSQL, throwaway server only: the journal's pg_notify becomes a
//      no-op of the database's own, to measure what NOTIFY costs at commit)
//      [--analyze] (PostgreSQL: ANALYZE between phases 1 and 2, as autovacuum does within a
//      minute of a new database's first traffic: phase 2 then measures plans made with
//      statistics, as on a database that has served for a while)
import Foundation
import Synchronization
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct Options {
    var messages = 20_000
    var connections = 8
    var rate = 1_000
    var seconds = 10
    var binary = ".build/release/switchboard"
    var senders = 5000
    var durability = "full"
    var keep = false
    var logLevel = "warn"
    var openLoop = false
    var stages = false
    var latencyOnly = false
    var unanswered = false
    var telegramRate = 0
    var evolutionRate = 0
    var channelsOnly = false
    var webChatRate = 0
    var webChatVisitors = 500
    var hosts = 1
    var store = "sqlite"
    var poolSize = 8
    var noNotify = false
    var analyze = false
    var idleSeconds = 0
    var workspaces = 1
    var statuses = 0

    init() {
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--messages": messages = Int(args.next() ?? "") ?? messages
            case "--connections": connections = Int(args.next() ?? "") ?? connections
            case "--rate": rate = Int(args.next() ?? "") ?? rate
            case "--seconds": seconds = Int(args.next() ?? "") ?? seconds
            case "--binary": binary = args.next() ?? binary
            case "--senders": senders = Int(args.next() ?? "") ?? senders
            case "--durability": durability = args.next() ?? durability
            case "--keep": keep = true
            case "--log-level": logLevel = args.next() ?? logLevel
            case "--open-loop": openLoop = true
            case "--stages": stages = true
            case "--latency-only": latencyOnly = true
            case "--unanswered": unanswered = true
            case "--telegram": telegramRate = Int(args.next() ?? "") ?? 20
            case "--evolution": evolutionRate = Int(args.next() ?? "") ?? 5
            case "--channels-only": channelsOnly = true
            case "--webchat": webChatRate = Int(args.next() ?? "") ?? 100
            case "--webchat-visitors": webChatVisitors = Int(args.next() ?? "") ?? webChatVisitors
            case "--hosts": hosts = max(1, Int(args.next() ?? "") ?? hosts)
            case "--store": store = args.next() ?? store
            case "--pool-size": poolSize = Int(args.next() ?? "") ?? poolSize
            case "--no-notify": noNotify = true
            case "--analyze": analyze = true
            case "--idle": idleSeconds = Int(args.next() ?? "") ?? 10
            case "--workspaces": workspaces = max(1, Int(args.next() ?? "") ?? workspaces)
            case "--statuses": statuses = min(3, max(0, Int(args.next() ?? "") ?? 3))
            default: FileHandle.standardError.write("unknown option \(a)\n".data(using: .utf8)!); exit(2)
            }
        }
        guard store == "sqlite" || store.hasPrefix("postgres") else {
            FileHandle.standardError.write("--store: sqlite, postgres (a throwaway server) or postgres:URL\n".data(using: .utf8)!); exit(2)
        }
        guard hosts == 1 || store != "sqlite" else {
            FileHandle.standardError.write("--hosts \(hosts): several hosts share one database: --store postgres[:URL]\n".data(using: .utf8)!); exit(2)
        }
    }
}

/// A blocking HTTP/1.1 client on one kept-alive connection.
final class KeepAliveClient {
    let fd: Int32
    var buffer: [UInt8] = []
    /// The body of the last answer.
    var lastBody: [UInt8] = []

    init(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(rc == 0, "connect failed")
    }

    deinit { close(fd) }

    /// The bytes of a POST of `body` to `path`.
    static func request(_ path: String, body: [UInt8], signature: String) -> [UInt8] {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: \(signature)\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// POSTs and returns the status code.
    func post(_ path: String, body: [UInt8], signature: String) -> Int {
        send(Self.request(path, body: body, signature: signature))
    }

    /// Sends a whole request (see `request`) and returns the status code; the load
    /// generator's own work per request is kept small, since it shares the machine with
    /// the host it measures.
    func send(_ out: [UInt8]) -> Int {
        var off = 0
        while off < out.count {
            let n = out[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return -1 }
            off += n
        }
        // Read the head, then Content-Length bytes.
        var scanned = 0
        while true {
            if let end = findHeadEnd(from: scanned) {
                let status = statusCode()
                let length = contentLength(headEnd: end)
                while buffer.count < end + 4 + length {
                    guard receive() else { return -1 }
                }
                lastBody = Array(buffer[(end + 4)..<(end + 4 + length)])
                buffer.removeFirst(end + 4 + length)
                return status
            }
            scanned = max(0, buffer.count - 3)
            guard receive() else { return -1 }
        }
    }

    private func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// "HTTP/1.1 200 OK": the three digits after the first space.
    private func statusCode() -> Int {
        guard let space = buffer.firstIndex(of: 32), space + 3 < buffer.count else { return -1 }
        var code = 0
        for b in buffer[(space + 1)...(space + 3)] {
            guard b >= 48 && b <= 57 else { return -1 }
            code = code * 10 + Int(b - 48)
        }
        return code
    }

    private func contentLength(headEnd: Int) -> Int {
        let name = Array("content-length:".utf8)
        var i = 0
        while i + name.count <= headEnd {
            var match = true
            for j in 0..<name.count where buffer[i + j] | 0x20 != name[j] | 0x20 { match = false; break }
            if match {
                var k = i + name.count, value = 0
                while k < headEnd, buffer[k] == 32 { k += 1 }
                while k < headEnd, buffer[k] >= 48 && buffer[k] <= 57 { value = value * 10 + Int(buffer[k] - 48); k += 1 }
                return value
            }
            i += 1
        }
        return 0
    }

    private func findHeadEnd(from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var i = start
        while i <= buffer.count - 4 {
            if buffer[i] == 13 && buffer[i+1] == 10 && buffer[i+2] == 13 && buffer[i+3] == 10 { return i }
            i += 1
        }
        return nil
    }
}

func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

/// Runs `body(i)` for i in 0..<count on `count` threads of their own at once
/// (`DispatchQueue.concurrentPerform` would run only as many as there are cores).
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        let t = Thread { body(i); group.leave() }
        t.stackSize = 1 << 20
        t.start()
    }
    group.wait()
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

let options = Options()
let appSecret = "bench-app-secret"
let graph = try FakeGraphAPI(accessToken: "bench-token", poolThreads: 4)
let telegram = options.telegramRate > 0 ? try FakeTelegramBotAPI() : nil
let telegramSecret = "bench-telegram-secret"
let telegramYAML = telegram.map { t in """
  - id: tg-bench
    type: telegram
    bot_token: "\(t.token)"
    secret_token: \(telegramSecret)
    api_url: \(t.apiURL)
    workspace: bakery
""" } ?? ""
let evolution = options.evolutionRate > 0 ? try FakeEvolutionAPI(apiKey: "bench-evo-key", instance: "bench") : nil
let evolutionSecret = "bench-evolution-secret"
let evolutionYAML = evolution.map { e in """
  - id: wa-web-bench
    type: whatsapp_web
    gateway: evolution
    base_url: "\(e.baseURL)"
    api_key: bench-evo-key
    instance: bench
    webhook_secret: \(evolutionSecret)
    workspace: bakery
    rate_limit_per_minute: 600
""" } ?? ""
let webChatYAML = options.webChatRate > 0 ? """
  - id: web-bench
    type: webchat
    workspace: bakery
""" : ""
// The web chat's visitors each come through their own forwarded address (127.0.0.1 is a
// trusted proxy); the host and this process hold one descriptor per open stream.
let webChatServerYAML = options.webChatRate > 0
    ? "  trusted_proxies: [127.0.0.1/32]\n  max_connections: \(max(1024, options.webChatVisitors * 2 + 256))\n" : ""
let webChatLimitsYAML = options.webChatRate > 0
    ? "webchat:\n  max_streams: \(options.webChatVisitors + 64)\n  max_streams_per_address: \(options.webChatVisitors + 64)\n" : ""
if options.webChatRate > 0 {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
let dir = NSTemporaryDirectory() + "switchboard-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir + "/workspaces", withIntermediateDirectories: true)
let binary = URL(fileURLWithPath: options.binary).standardizedFileURL.path
let pluginDir = URL(fileURLWithPath: binary).deletingLastPathComponent().path

/// The shared database of `--store postgres` (nil on SQLite).
let postgres: PostgresServer? = options.store == "sqlite" ? nil : {
    do {
        return try PostgresServer(store: options.store, dir: dir + "/pg", durability: options.durability)
    } catch {
        log("postgres: \(error)")
        try? FileManager.default.removeItem(atPath: dir)
        exit(1)
    }
}()
/// Ends what this run started (the hosts are stopped by the caller): the throwaway
/// database and the run's folder.
func cleanUp() {
    postgres?.stop()
    if options.keep { log("kept \(dir)") } else { try? FileManager.default.removeItem(atPath: dir) }
}
if let postgres, options.noNotify { postgres.disableNotify() }
let storageYAML = postgres.map { "  postgres: \"\($0.url)\"\n  postgres_pool_size: \(options.poolSize)\n" }
    ?? "  sqlite: \(dir)/bench.db\n  durability: \(options.durability)\n"
/// Workspace w of `--workspaces` (the first is `bakery`, as the channel phases expect),
/// its channel and that channel's number.
func benchWorkspace(_ w: Int) -> String { w == 0 ? "bakery" : "bakery-\(w + 1)" }
func benchPhoneNumberID(_ w: Int) -> String { w == 0 ? WhatsAppFixtures.phoneNumberID : String(Int(WhatsAppFixtures.phoneNumberID)! + w) }
let benchChannelsYAML = (0..<options.workspaces).map { w in """
  - id: wa-bench\(w == 0 ? "" : "-\(w + 1)")
    type: whatsapp
    app: main
    phone_number_id: "\(benchPhoneNumberID(w))"
    access_token: bench-token
    workspace: \(benchWorkspace(w))
    rate_limit: 100000

""" }.joined()
/// One config per host: the same but for its log file (`host.log`, then `host-2.log`, ...).
func hostConfig(_ k: Int) -> String {
    """
server:
  listen: 127.0.0.1:0
  metrics_listen: 127.0.0.1:0
\(webChatServerYAML)storage:
\(storageYAML)log:
  level: \(options.logLevel)
  file: \(dir)/\(k == 0 ? "host.log" : "host-\(k + 1).log")
media:
  dir: \(dir)/media
plugins:
  path: [\(pluginDir)]
workspaces:
  dir: \(dir)/workspaces
whatsapp:
  apps:
    - id: main
      app_secret: \(appSecret)
      verify_token: bench-verify
      graph_url: \(graph.graphURL)
channels:
\(benchChannelsYAML)\(telegramYAML)
\(evolutionYAML)
\(webChatYAML)
\(webChatLimitsYAML)outbox:
  pair_spacing_ms: 0
"""
}
let demo = try String(contentsOfFile: "config/workspaces/demo.yaml", encoding: .utf8)
for w in 0..<options.workspaces {
    try demo.replacingOccurrences(of: "id: demo", with: "id: \(benchWorkspace(w))")
        .write(toFile: dir + "/workspaces/\(benchWorkspace(w)).yaml", atomically: true, encoding: .utf8)
}

// The listening line is at info level; the bench config logs warn and up, so read the
// ports from /proc instead: the host's two listening sockets, the main one (it answers
// /healthz) and the metrics one.
func listeningPorts(pid: Int32) -> [UInt16] {
    guard let inodes = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return [] }
    var socketInodes = Set<String>()
    for fd in inodes {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), target.hasPrefix("socket:[") {
            socketInodes.insert(String(target.dropFirst(8).dropLast()))
        }
    }
    guard let tcp = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return [] }
    var ports: [UInt16] = []
    for line in tcp.split(separator: "\n").dropFirst() {
        let f = line.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count > 9, f[3] == "0A", socketInodes.contains(String(f[9])) else { continue }
        if let p = UInt16(f[1].split(separator: ":")[1], radix: 16) { ports.append(p) }
    }
    return ports
}

/// One `switchboard serve` of the run: its process and its two ports.
final class BenchHost: @unchecked Sendable {
    let process = ChildProcess()
    let port: UInt16
    let metricsPort: UInt16
    var pid: Int32 { process.processIdentifier }

    /// Starts host `k` (its config written beside the others) and waits until it answers.
    init?(_ k: Int) throws {
        let config = dir + "/switchboard\(k == 0 ? "" : "-\(k + 1)").yaml"
        try hostConfig(k).write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config]
        let errPipe = Pipe()
        process.standardError = errPipe
        try process.run()
        let stderrText = Mutex("")
        errPipe.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            stderrText.withLock { $0 += String(decoding: d, as: UTF8.self) }
        }
        var port: UInt16?
        var metricsPort: UInt16?
        for _ in 0..<600 where port == nil && process.isRunning {
            usleep(50_000)
            let ports = listeningPorts(pid: process.processIdentifier)
            guard ports.count >= 2 else { continue }
            for p in ports {
                let probe = KeepAliveClient(port: p)
                if probe.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)) == 200 { port = p } else { metricsPort = p }
            }
        }
        guard let port, let metricsPort else {
            log("host \(k + 1) did not start:\n" + stderrText.withLock { $0 })
            if process.isRunning { process.terminate(); process.waitUntilExit() }
            return nil
        }
        self.port = port
        self.metricsPort = metricsPort
    }

    /// SIGTERM, then waits for the end (by waitpid as well: Foundation may never hear of
    /// it, see `PostgresServer.run`).
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<6000 {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r < 0 && errno == ECHILD) || !process.isRunning { return }
            usleep(10_000)
        }
        log("host pid \(pid) did not stop within 60 s")
    }
}

// Start the hosts one after the other (the first migrates a new database).
var started: [BenchHost] = []
for k in 0..<options.hosts {
    guard let h = try BenchHost(k) else {
        started.forEach { $0.stop() }
        cleanUp()
        exit(1)
    }
    started.append(h)
    log("host \(k + 1) pid \(h.pid) on port \(h.port)")
}
let hosts = started
/// The first host: the channel phases (Telegram, WhatsApp Web, web chat) post to it alone.
let port = hosts[0].port

let questions = options.unanswered
    ? ["is the red one still there", "my cousin says hello", "ok see you", "what about the other thing"]
    : ["When are you open?", "wen r u open on saturday", "do u deliver to lekki", "where are you located",
                 "how can I pay", "do you have agege bread today", "can I order a birthday cake"]
func signedMessage(_ i: Int, from: String) -> SignedWebhook {
    let m = FixtureMessage(id: "wamid.bench\(i)", from: from, name: "Bench", timestamp: Int(Date().timeIntervalSince1970),
                           content: .text(questions[i % questions.count]))
    // Message i to workspace (i / hosts) mod K: independent of its host (i mod hosts).
    return WhatsAppFixtures.signedInbound([m], phoneNumberID: benchPhoneNumberID((i / options.hosts) % options.workspaces),
                                          appSecret: appSecret)
}

/// CPU seconds (user + system) the hosts have used so far, from /proc.
func hostCPUSeconds() -> Double { hosts.reduce(0) { $0 + cpuSeconds(pid: $1.pid) } }

/// CPU seconds (user + system) a process has used so far, from /proc.
func cpuSeconds(pid: Int32) -> Double {
    (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).map(statCPUSeconds) ?? .nan
}

/// utime + stime of a /proc `stat` line, in seconds.
func statCPUSeconds(_ stat: String) -> Double {
    guard let close = stat.lastIndex(of: ")") else { return .nan }
    let f = stat[stat.index(after: close)...].split(separator: " ")
    return ((Double(f[11]) ?? 0) + (Double(f[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// CPU seconds and context switches (voluntary + involuntary) of the hosts' threads so
/// far, by thread name with a trailing "-N" cut (the host names its threads:
/// sqlite-writer, worker-N, sender-N, plugin, MHD-worker), from /proc; summed over the hosts.
func hostThreads() -> [String: (cpu: Double, switches: Double)] {
    var byName: [String: (cpu: Double, switches: Double)] = [:]
    for host in hosts {
    let taskDir = "/proc/\(host.pid)/task"
    for task in (try? FileManager.default.contentsOfDirectory(atPath: taskDir)) ?? [] {
        guard let stat = try? String(contentsOfFile: "\(taskDir)/\(task)/stat", encoding: .utf8),
              let status = try? String(contentsOfFile: "\(taskDir)/\(task)/status", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
        var name = String(stat[stat.index(after: open)..<close])
        if let dash = name.lastIndex(of: "-"), dash < name.index(before: name.endIndex),
           name[name.index(after: dash)...].allSatisfy(\.isNumber) {
            name = String(name[..<dash])
        }
        var switches = 0.0
        for line in status.split(separator: "\n") where line.contains("ctxt_switches") {
            switches += Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let old = byName[name] ?? (0, 0)
        byName[name] = (old.cpu + statCPUSeconds(stat), old.switches + switches)
    }
    }
    return byName
}

/// "name value, ...": per message, by thread, from two `hostThreads()` readings, largest
/// first, leaving out values below `least`.
func perThread(_ before: [String: (cpu: Double, switches: Double)], _ after: [String: (cpu: Double, switches: Double)],
               messages: Int, _ value: KeyPath<(cpu: Double, switches: Double), Double>, scale: Double, least: Double,
               format: String) -> String {
    after.map { ($0.key, ($0.value[keyPath: value] - (before[$0.key]?[keyPath: value] ?? 0)) / Double(messages) * scale) }
        .sorted { $0.1 > $1.1 }.filter { $0.1 >= least }
        .map { String(format: "%@ " + format, $0.0, $0.1) }.joined(separator: ", ")
}

/// Bytes the hosts have had written to disk so far (`write_bytes` of /proc/PID/io: the WAL,
/// checkpoints into the database file; on PostgreSQL the server writes, not the hosts).
func hostWriteBytes() -> Double {
    hosts.reduce(0) { sum, host in
        guard let io = try? String(contentsOfFile: "/proc/\(host.pid)/io", encoding: .utf8) else { return .nan }
        for line in io.split(separator: "\n") where line.hasPrefix("write_bytes:") {
            return sum + (Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? .nan)
        }
        return .nan
    }
}

/// The machine's load average (1, 5, 15 minutes), from /proc/loadavg.
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
}
/// The figures of the run on one line, printed at the end (for the README's tables).
nonisolated(unsafe) var summary: [String] = []
print("run: store \(postgres == nil ? "sqlite (durability \(options.durability))" : "postgres"), \(hosts.count) host\(hosts.count > 1 ? "s" : ""), \(options.workspaces) workspace\(options.workspaces > 1 ? "s" : "")\(options.noNotify ? ", pg_notify a no-op" : ""), webhooks round robin over them; \(ProcessInfo.processInfo.activeProcessorCount) cores; load average at the start: \(loadAverage())")
summary.append("\(postgres == nil ? "sqlite" : "postgres") \(hosts.count) host\(hosts.count > 1 ? "s" : ""), \(options.workspaces) workspace\(options.workspaces > 1 ? "s" : "")\(options.noNotify ? ", no notify" : ""), load at start \(loadAverage())")
if let postgres { print("postgres: \(postgres.settings)") }

// ---- Phase 0: idle (--idle S): what the hosts and the database do with no traffic
// (heartbeats, leases, claims that find nothing), per second.
if options.idleSeconds > 0 {
    log("phase 0: idle for \(options.idleSeconds) s")
    let idleMark = postgres.map { PostgresMark($0) }
    let idleCPU0 = hostCPUSeconds()
    sleep(UInt32(options.idleSeconds))
    let idleHost = (hostCPUSeconds() - idleCPU0) / Double(options.idleSeconds) * 1e6
    print(String(format: "idle: hosts' CPU %.0f µs per second (all hosts)", idleHost))
    if let postgres, let idleMark {
        let r = idleMark.report(postgres, label: "idle", per: "second", count: options.idleSeconds)
        r.lines.forEach { print($0) }
        summary.append(String(format: "idle: hosts %.0f µs/s, postgres %.0f µs/s, %.1f statements/s, %.2f commits/s", idleHost, r.cpuMicros, r.statements, r.commits))
    }
}

// ---- Phase 1: saturation
let n = options.latencyOnly || options.channelsOnly ? 0 : options.messages
let senders = max(1, options.senders)
if n > 0 { log("phase 1: \(n) messages from \(senders) senders, \(options.connections) connections") }
let bodies = (0..<n).map { i -> [UInt8] in
    let m = signedMessage(i, from: String(2348000000000 + i % senders))
    return KeepAliveClient.request("/webhooks/whatsapp/main", body: m.body, signature: m.signature)
}
let next = Atomic<Int>(0)
let failures = Atomic<Int>(0)
let pgMark1 = n > 0 ? postgres.map { PostgresMark($0) } : nil
let t0 = Date()
let cpu0 = hostCPUSeconds()
let ownCPU0 = cpuSeconds(pid: getpid())
let threads0 = hostThreads()
let written0 = hostWriteBytes()
onThreads(options.connections) { _ in
    // Message i goes to host i mod N (a round-robin load balancer).
    let clients = hosts.map { KeepAliveClient(port: $0.port) }
    while true {
        let i = next.add(1, ordering: .relaxed).oldValue
        guard i < n else { return }
        if clients[i % clients.count].send(bodies[i]) != 200 {
            failures.add(1, ordering: .relaxed)
        }
    }
}
let ackSeconds = Date().timeIntervalSince(t0)
_ = graph.wait(timeout: .seconds(600)) { $0.acceptedSends.count >= n }
let sends = graph.acceptedSends
let lastReply = sends.map(\.time).max() ?? Date()
let e2eSeconds = lastReply.timeIntervalSince(t0)
let cpuPerMessage = (hostCPUSeconds() - cpu0) / Double(n) * 1e6
let threads1 = hostThreads()
let switchesPerMessage = (threads1.values.reduce(0) { $0 + $1.switches } - threads0.values.reduce(0) { $0 + $1.switches })
    / Double(n)
let ownCPUPerMessage = (cpuSeconds(pid: getpid()) - ownCPU0) / Double(n) * 1e6
let pgReport1 = postgres.flatMap { pg in pgMark1.map { $0.report(pg, label: "saturation", per: "message", count: n) } }
/// A metric of the hosts' /metrics (a sample without labels), summed over the hosts.
func hostMetric(_ name: String) -> Double {
    hosts.reduce(0) { sum, host in
        let client = KeepAliveClient(port: host.metricsPort)
        let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard client.send(request) == 200 else { return .nan }
        let text = String(decoding: client.lastBody, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return sum + (Double(line.split(separator: " ")[1]) ?? .nan)
        }
        return .nan
    }
}
if n > 0 {
    print(String(format: "saturation: %d messages from %d senders, %d connections: acknowledged in %.2f s = %.0f msg/s; %d replies by %.2f s = %.0f msg/s end to end; %d failed posts; host CPU %.0f µs per message; %.1f context switches per message; load generator and fake Graph API CPU %.0f µs per message",
                 n, senders, options.connections, ackSeconds, Double(n) / ackSeconds, sends.count, e2eSeconds, Double(sends.count) / e2eSeconds,
                 failures.load(ordering: .relaxed), cpuPerMessage, switchesPerMessage, ownCPUPerMessage))

    let commits = hostMetric("switchboard_store_commits_total"), writes = hostMetric("switchboard_store_writes_total")
    if !commits.isNaN {
        print(String(format: "store: %.0f commits, %.1f writes per commit, %.2f commits per message", commits, writes / commits,
                     commits / Double(n)))
    }
    pgReport1?.lines.forEach { print($0) }
    summary.append(String(format: "saturation %.0f msg/s end to end, host CPU %.0f µs/msg", Double(sends.count) / e2eSeconds, cpuPerMessage)
        + (pgReport1.map { String(format: ", postgres CPU %.0f µs/msg, %.1f statements/msg, %.2f commits/msg", $0.cpuMicros, $0.statements, $0.commits) }
            ?? (commits.isNaN ? "" : String(format: ", %.2f commits/msg", commits / Double(n)))))
    print("host context switches per message by thread: "
        + perThread(threads0, threads1, messages: n, \.switches, scale: 1, least: 0.05, format: "%.2f"))
    print(String(format: "host wrote %.1f KB to disk per message", (hostWriteBytes() - written0) / Double(n) / 1024))
    print("host CPU per message by thread: " + perThread(threads0, threads1, messages: n, \.cpu, scale: 1e6, least: 1, format: "%.0f µs"))

}

// A database that has served for a while has statistics (autovacuum analyzes a table
// within a minute of its first traffic). Before that, a plan PostgreSQL cached for a
// prepared statement was made for tables of a few rows and may use a poorer index until
// the first ANALYZE replaces it: --analyze measures phase 2 after that point.
if let postgres, options.analyze {
    _ = postgres.psql("ANALYZE")
    log("postgres: ANALYZE after phase 1")
}

// ---- Phase 2: fixed rate, latency
let total = options.channelsOnly ? 0 : options.rate * options.seconds
if !options.channelsOnly { log("phase 2: \(options.rate) msg/s for \(options.seconds) s") }
let base = n
let recipients = (0..<total).map { String(2349000000000 + $0) }   // one message per sender: replies map back
let phase2 = (0..<total).map { signedMessage(base + $0, from: recipients[$0]) }
/// Per message of phase 2: when it was due, when the POST went out, when its 200 came back.
struct Posted { var due: Date; var sent: Date; var acked: Date }
let posted = Mutex([String: Posted]())
let fixedCommits0 = hostMetric("switchboard_store_commits_total"), fixedWrites0 = hostMetric("switchboard_store_writes_total")
let fixedCPU0 = hostCPUSeconds()
let fixedThreads0 = hostThreads()
let pgMark2 = total > 0 ? postgres.map { PostgresMark($0) } : nil
// Receipts (--statuses K): Meta posts a status webhook for each step of a reply (sent,
// delivered, read), each its own POST. The load generator posts the first K of them for
// every reply of this phase, 100, 200 and 300 ms after the fake accepted it, over 16
// kept-alive connections of its own.
let statusWords = Array(["sent", "delivered", "read"].prefix(options.statuses))
let receipts = Mutex<[[(due: Date, request: [UInt8])]]>(statusWords.map { _ in [] })
let receiptsExpected = total * statusWords.count
let receiptsDone = Atomic<Int>(0), receiptsFailed = Atomic<Int>(0)
let receiptAcks = Mutex<[Double]>([])
let receiptGroup = DispatchGroup()
if !statusWords.isEmpty {
    graph.onAcceptedSend { id, recipient, phone in
        let accepted = Date(), ts = Int(accepted.timeIntervalSince1970)
        let requests = statusWords.enumerated().map { k, word in
            let hook = WhatsAppFixtures.signedStatus([FixtureStatus(messageID: id, status: word, recipient: recipient, timestamp: ts)],
                                                     phoneNumberID: phone, appSecret: appSecret)
            return (due: accepted.addingTimeInterval(0.1 * Double(k + 1)),
                    request: KeepAliveClient.request("/webhooks/whatsapp/main", body: hook.body, signature: hook.signature))
        }
        receipts.withLock { for (k, r) in requests.enumerated() { $0[k].append(r) } }
    }
    for _ in 0..<16 {
        receiptGroup.enter()
        let t = Thread {
            let client = KeepAliveClient(port: hosts[0].port)
            while receiptsDone.load(ordering: .relaxed) < receiptsExpected {
                let now = Date()
                // The earliest due receipt of the K queues (each in due order), or how long
                // until it is due (the threads sleep until then, at most 5 ms: polling
                // would take CPU from the host being measured).
                let (receipt, wait): ((due: Date, request: [UInt8])?, TimeInterval) = receipts.withLock { q in
                    guard let k = q.indices.filter({ !q[$0].isEmpty }).min(by: { q[$0][0].due < q[$1][0].due }) else {
                        return (nil, 0.005)
                    }
                    let wait = q[k][0].due.timeIntervalSince(now)
                    return wait <= 0 ? (q[k].removeFirst(), 0) : (nil, min(0.005, wait))
                }
                guard let receipt else {
                    usleep(useconds_t(max(100, wait * 1_000_000)))
                    continue
                }
                let sent = Date()
                if client.send(receipt.request) != 200 { receiptsFailed.add(1, ordering: .relaxed) }
                let ms = Date().timeIntervalSince(sent) * 1000
                receiptAcks.withLock { $0.append(ms) }
                receiptsDone.add(1, ordering: .relaxed)
            }
            receiptGroup.leave()
        }
        t.stackSize = 1 << 20
        t.start()
    }
}
let start = Date()
let perConnection = max(1, options.connections)
onThreads(perConnection) { c in
    // Message i goes to host i mod N (a round-robin load balancer).
    let clients = hosts.map { KeepAliveClient(port: $0.port) }
    var i = c
    while i < total {
        let due = start.addingTimeInterval(Double(i) / Double(options.rate))
        let wait = due.timeIntervalSinceNow
        if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
        let now = Date()
        _ = clients[i % clients.count].post("/webhooks/whatsapp/main", body: phase2[i].body, signature: phase2[i].signature)
        let acked = Date()
        posted.withLock { $0[recipients[i]] = Posted(due: due, sent: now, acked: acked) }
        i += perConnection
    }
}
_ = graph.wait(timeout: .seconds(120)) { $0.acceptedSends.count >= n + total }
if !statusWords.isEmpty {
    if receiptGroup.wait(timeout: .now() + 120) == .timedOut { log("receipts: not all posted after 120 s") }
    graph.onAcceptedSend(nil)
    let acks = receiptAcks.withLock { $0 }.sorted()
    print(String(format: "receipts: %d per reply, %d posted, %d not answered 200; acks p50 %.2f ms, p99 %.2f ms",
                 statusWords.count, acks.count, receiptsFailed.load(ordering: .relaxed), percentile(acks, 0.5), percentile(acks, 0.99)))
}
let postings = posted.withLock { $0 }
/// Recipient -> when the fake Graph API received the reply.
var repliedAt: [String: Date] = [:]
for s in graph.acceptedSends.dropFirst(sends.count) { if let to = s.to { repliedAt[to] = s.time } }
// Open loop: from the due time (a wait for the connection counts); otherwise from the POST.
var latencies: [Double] = []
var acks: [Double] = []
for (to, p) in postings {
    acks.append(p.acked.timeIntervalSince(p.sent) * 1000)
    if let t = repliedAt[to] { latencies.append(t.timeIntervalSince(options.openLoop ? p.due : p.sent) * 1000) }
}
latencies.sort()
acks.sort()
let lateStarts = postings.values.filter { $0.sent.timeIntervalSince($0.due) > 0.002 }.count
let fixedCPUPerMessage = (hostCPUSeconds() - fixedCPU0) / Double(total) * 1e6
let fixedThreads1 = hostThreads()
let pgReport2 = postgres.flatMap { pg in pgMark2.map { $0.report(pg, label: "fixed rate", per: "message", count: total) } }
if total > 0 {
    print(String(format: "fixed rate%@: %d msg/s for %d s over %d connections: %d replies; webhook-to-reply latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; acks p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d posts left more than 2 ms after their due time",
                 options.openLoop ? " (open loop, from the due time)" : "",
                 options.rate, options.seconds, perConnection, latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.9),
                 percentile(latencies, 0.99), latencies.last ?? .nan, percentile(acks, 0.5), percentile(acks, 0.99), acks.last ?? .nan,
                 lateStarts))
    let fixedCommits = hostMetric("switchboard_store_commits_total") - fixedCommits0
    let fixedWrites = hostMetric("switchboard_store_writes_total") - fixedWrites0
    if !fixedCommits.isNaN {
        print(String(format: "fixed rate: store: %.0f commits, %.1f writes per commit, %.2f commits per message",
                     fixedCommits, fixedWrites / fixedCommits, fixedCommits / Double(total)))
    }
    pgReport2?.lines.forEach { print($0) }
    summary.append(String(format: "fixed %d/s: p50 %.1f ms, p99 %.1f ms, %d of %d replied, host CPU %.0f µs/msg",
                          options.rate, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.count, total, fixedCPUPerMessage)
        + (pgReport2.map { String(format: ", postgres CPU %.0f µs/msg, %.1f statements/msg, %.2f commits/msg", $0.cpuMicros, $0.statements, $0.commits) }
            ?? (fixedCommits.isNaN ? "" : String(format: ", %.2f commits/msg", fixedCommits / Double(total)))))
    print(String(format: "fixed rate: host CPU %.0f µs per message; by thread: ", fixedCPUPerMessage)
        + perThread(fixedThreads0, fixedThreads1, messages: total, \.cpu, scale: 1e6, least: 1, format: "%.0f µs"))
    print("fixed rate: host context switches per message by thread: "
        + perThread(fixedThreads0, fixedThreads1, messages: total, \.switches, scale: 1, least: 0.05, format: "%.2f"))
}

// ---- Stages of phase 2 from the host's journal
if options.stages {
    // received: the ingress transaction ran (the writer's clock, ms); queued: the worker's
    // transaction with the reply ran; sent: the sender lane's record of the accepted send.
    // The same query on either store (sqlite3 or psql).
    let journalQuery = """
        SELECT replace(replace(ct.e164, 'user:', ''), '+', ''), e.kind, e.created_at FROM events e
        JOIN conversations c ON c.id = e.conversation_id JOIN contacts ct ON ct.id = c.contact_id
        WHERE e.kind IN ('received', 'queued', 'sent')
        """
    let text = postgres.map { $0.psql(journalQuery, fieldSeparator: " ") ?? "" }
        ?? PostgresServer.run("/usr/bin/sqlite3", ["-readonly", "-separator", " ", dir + "/bench.db", journalQuery]).1
    var journal: [String: [String: Double]] = [:]
    for line in text.split(separator: "\n") {
        let f = line.split(separator: " ")
        guard f.count == 3, let ms = Double(f[2]) else { continue }
        journal[String(f[0]), default: [:]][String(f[1])] = ms
    }
    struct Row { var total, post, ingress, worker, sender, ack: Double }
    var rows: [Row] = []
    for (to, p) in postings {
        guard let replied = repliedAt[to], let j = journal[to], let received = j["received"], let queued = j["queued"] else { continue }
        let origin = options.openLoop ? p.due : p.sent
        let ms = { (d: Date) in d.timeIntervalSince1970 * 1000 }
        rows.append(Row(total: ms(replied) - ms(origin), post: ms(p.sent) - ms(origin), ingress: received - ms(p.sent),
                        worker: queued - received, sender: ms(replied) - queued, ack: ms(p.acked) - ms(p.sent)))
    }
    func line(_ name: String, _ k: (Row) -> Double) -> String {
        let v = rows.map(k).sorted()
        return String(format: "  %@ p50 %.1f, p99 %.1f, max %.1f ms", name.padding(toLength: 48, withPad: " ", startingAt: 0), percentile(v, 0.5), percentile(v, 0.99), v.last ?? .nan)
    }
    print("stages (\(rows.count) messages; journal times are whole milliseconds):")
    print(line("due -> POST sent", \.post))
    print(line("POST -> ingress transaction ran", \.ingress))
    print(line("POST -> 200 received", \.ack))
    print(line("ingress -> worker's reply transaction ran", \.worker))
    print(line("worker's transaction -> Graph API got the reply", \.sender))
    let slow = rows.sorted { $0.total > $1.total }.prefix(max(1, rows.count / 100))
    func sum(_ k: (Row) -> Double) -> Double { slow.reduce(0) { $0 + k($1) } / Double(slow.count) }
    print(String(format: "slowest 1 %% (%d messages, mean): total %.1f ms = wait for the connection %.1f + to the ingress %.1f + to the worker's transaction %.1f + to the Graph API %.1f",
                 slow.count, sum{ $0.total }, sum{ $0.post }, sum{ $0.ingress }, sum{ $0.worker }, sum{ $0.sender }))
}

// ---- Phase 3: the Telegram channel, fixed rate
if let telegram {
    let rate = options.telegramRate, count = options.telegramRate * options.seconds
    log("phase 3: telegram, \(rate) updates/s for \(options.seconds) s")
    let chats = (0..<count).map { Int64(5_000_000 + $0) }   // one update per chat: replies map back
    let requests = (0..<count).map { i -> [UInt8] in
        let body = Array(FakeTelegramBotAPI.textUpdate(id: Int64(9_000_000 + i), chatID: chats[i], text: questions[i % questions.count]).utf8)
        let head = "POST /webhooks/telegram/tg-bench HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: \(telegramSecret)\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
    let sentAt = Mutex([Int64: ContinuousClock.Instant]())
    let tgFailures = Atomic<Int>(0)
    let tgStart = ContinuousClock.now
    let connections = 4
    onThreads(connections) { c in
        let client = KeepAliveClient(port: port)
        var i = c
        while i < count {
            let due = tgStart + .milliseconds(i * 1000 / rate)
            if due > .now { Thread.sleep(forTimeInterval: Double((due - .now).components.attoseconds) / 1e18 + Double((due - .now).components.seconds)) }
            let now = ContinuousClock.now
            if client.send(requests[i]) != 200 { tgFailures.add(1, ordering: .relaxed) }
            sentAt.withLock { $0[chats[i]] = now }
            i += connections
        }
    }
    _ = telegram.wait(timeout: .seconds(120)) { $0.acceptedSends.count >= count }
    let posted = sentAt.withLock { $0 }
    var tgLatencies: [Double] = []
    for s in telegram.acceptedSends {
        if let t = posted[s.chatID] {
            let d = t.duration(to: s.time)
            tgLatencies.append((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000)
        }
    }
    tgLatencies.sort()
    print(String(format: "telegram: %d updates/s for %d s over %d connections: %d replies, %d failed posts; webhook-to-reply latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
                 rate, options.seconds, connections, tgLatencies.count, tgFailures.load(ordering: .relaxed),
                 percentile(tgLatencies, 0.5), percentile(tgLatencies, 0.9), percentile(tgLatencies, 0.99), tgLatencies.last ?? .nan))
}

// ---- Phase 4: the WhatsApp Web channel (Evolution API), fixed rate
if let evolution {
    _ = evolution.wait(timeout: .seconds(30)) { $0.webhook != nil && $0.stateCalls > 0 }
    let rate = options.evolutionRate, count = options.evolutionRate * options.seconds
    log("phase 4: whatsapp web (evolution), \(rate) messages/s for \(options.seconds) s")
    let numbers = (0..<count).map { String(5511900000000 + $0) }   // one message per number: replies map back
    let requests = (0..<count).map { i -> [UInt8] in
        var m = EvolutionFixtureMessage(id: String(format: "3EB0BENCH%011d", i), remoteJid: numbers[i] + "@s.whatsapp.net",
                                        text: questions[i % questions.count])
        m.timestamp = Int(Date().timeIntervalSince1970)
        let body = EvolutionFixtures.upsert(m, instance: "bench")
        let head = "POST /webhooks/evolution/wa-web-bench HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer \(evolutionSecret)\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
    let sentAt = Mutex([String: Date]())
    let evoFailures = Atomic<Int>(0)
    let evoStart = ContinuousClock.now
    let connections = 2
    onThreads(connections) { c in
        let client = KeepAliveClient(port: port)
        var i = c
        while i < count {
            let due = evoStart + .milliseconds(i * 1000 / rate)
            if due > .now { Thread.sleep(forTimeInterval: Double((due - .now).components.attoseconds) / 1e18 + Double((due - .now).components.seconds)) }
            let now = Date()
            sentAt.withLock { $0[numbers[i]] = now }
            if client.send(requests[i]) != 200 { evoFailures.add(1, ordering: .relaxed) }
            i += connections
        }
    }
    _ = evolution.wait(timeout: .seconds(120)) { $0.acceptedSends.count >= count }
    let posted = sentAt.withLock { $0 }
    var evoLatencies: [Double] = []
    for s in evolution.acceptedSends {
        if let t = posted[s.number] { evoLatencies.append(s.time.timeIntervalSince(t) * 1000) }
    }
    evoLatencies.sort()
    print(String(format: "whatsapp web (evolution): %d messages/s for %d s over %d connections: %d replies, %d failed posts; webhook-to-reply latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
                 rate, options.seconds, connections, evoLatencies.count, evoFailures.load(ordering: .relaxed),
                 percentile(evoLatencies, 0.5), percentile(evoLatencies, 0.9), percentile(evoLatencies, 0.99), evoLatencies.last ?? .nan))
}

// ---- Phase 5: the web chat, streams and fixed rate
/// VmRSS of the first host now, in KB.
func hostRSSKB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/\(hosts[0].pid)/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return .nan }
    return Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? .nan
}

/// The visitors' event streams, read by one poll(2) thread: each answer (an `outbound`
/// message event) is matched to its visitor's oldest unanswered message.
final class WebChatStreams: @unchecked Sendable {
    let fds: [Int32]
    private let byFD: [Int32: Int]
    private let lock = NSLock()
    /// Per visitor: when each unanswered message was posted, oldest first.
    private var pending: [[ContinuousClock.Instant]]
    private(set) var latencies: [Double] = []
    private(set) var lastAnswer: ContinuousClock.Instant?
    private var carry: [Int: [UInt8]] = [:]
    private let stopping = Atomic<Bool>(false)
    static let marker = Array("\"direction\":\"outbound\"".utf8)

    /// Opens `count` streams; returns nil for one the host refused.
    init(port: UInt16, count: Int, visitor: (Int) -> String, address: (Int) -> String) {
        var fds: [Int32] = []
        var byFD: [Int32: Int] = [:]
        for i in 0..<count {
            let c = KeepAliveClient(port: port)
            let fd = dup(c.fd)
            let request = "GET /chat/bakery/events?visitor=\(visitor(i)) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nX-Forwarded-For: \(address(i))\r\n\r\n"
            let bytes = Array(request.utf8)
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            fds.append(fd)
            byFD[fd] = i
        }
        self.fds = fds
        self.byFD = byFD
        pending = Array(repeating: [], count: count)
    }

    /// Reads each stream's response head; returns how many answered 200.
    func awaitHeads() -> Int {
        var ok = 0
        for fd in fds {
            var head: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1024)
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 1, 0) }
                if n <= 0 { break }
                head.append(chunk[0])
            }
            if String(decoding: head.prefix(12), as: UTF8.self).hasSuffix("200") { ok += 1 }
        }
        return ok
    }

    func posted(_ visitor: Int, at t: ContinuousClock.Instant) {
        lock.withLock { pending[visitor].append(t) }
    }

    var answered: Int { lock.withLock { latencies.count } }

    func resetLatencies() { lock.withLock { latencies.removeAll(); lastAnswer = nil } }

    func run() {
        let t = Thread { [self] in loop() }
        t.start()
    }

    func stop() { stopping.store(true, ordering: .relaxed) }

    private func loop() {
        var polled = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !stopping.load(ordering: .relaxed) {
            let n = polled.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), 100) }
            guard n > 0 else { continue }
            let now = ContinuousClock.now
            for k in polled.indices where polled[k].revents & Int16(POLLIN) != 0 {
                let fd = polled[k].fd
                guard let visitor = byFD[fd] else { continue }
                let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard got > 0 else { continue }
                var bytes = carry[visitor] ?? []
                bytes.append(contentsOf: buffer[0..<got])
                var found = 0
                var i = 0
                let m = Self.marker
                while i + m.count <= bytes.count {
                    if bytes[i] == m[0] && bytes[i..<(i + m.count)].elementsEqual(m) { found += 1; i += m.count } else { i += 1 }
                }
                carry[visitor] = Array(bytes.suffix(m.count - 1))
                if found > 0 {
                    lock.withLock {
                        for _ in 0..<found where !pending[visitor].isEmpty {
                            let d = pending[visitor].removeFirst().duration(to: now)
                            latencies.append((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000)
                        }
                        lastAnswer = now
                    }
                }
            }
        }
    }

    var sortedLatencies: [Double] { lock.withLock { latencies.sorted() } }
    var last: ContinuousClock.Instant? { lock.withLock { lastAnswer } }
}

if options.webChatRate > 0 {
    let visitors = max(1, options.webChatVisitors)
    let rate = options.webChatRate, count = options.webChatRate * options.seconds
    func visitorID(_ i: Int) -> String { String(format: "bench-visitor-%06d", i) }
    func address(_ i: Int) -> String { "10.\((i >> 16) & 255).\((i >> 8) & 255).\(i & 255)" }
    func post(_ i: Int, visitor: Int, text: String) -> [UInt8] {
        let body = Array("{\"visitor\":\"\(visitorID(visitor))\",\"id\":\"bench-m-\(String(format: "%08d", i))\",\"text\":\"\(text)\"}".utf8)
        let head = "POST /chat/bakery/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Forwarded-For: \(address(visitor))\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }
    log("phase 5: web chat, \(visitors) streams, then \(rate) messages/s for \(options.seconds) s")
    let rss0 = hostRSSKB()
    let streams0 = hostMetric("switchboard_webchat_streams")
    let opened = ContinuousClock.now
    let streams = WebChatStreams(port: port, count: visitors, visitor: visitorID, address: address)
    let ok = streams.awaitHeads()
    let openSeconds = opened.duration(to: .now)
    var streamsOpen = hostMetric("switchboard_webchat_streams")
    for _ in 0..<100 where streamsOpen < Double(ok) { usleep(20_000); streamsOpen = hostMetric("switchboard_webchat_streams") }
    usleep(500_000)
    let rss1 = hostRSSKB()
    print(String(format: "web chat streams: %d of %d opened (200) in %.2f s; host switchboard_webchat_streams %.0f -> %.0f; host RSS %.1f MB -> %.1f MB: %.1f KB per open stream",
                 ok, visitors, Double(openSeconds.components.seconds) + Double(openSeconds.components.attoseconds) / 1e18,
                 streams0, streamsOpen, rss0 / 1024, rss1 / 1024, (rss1 - rss0) / Double(max(1, ok))))
    streams.run()

    // Fixed rate.
    let requests = (0..<count).map { i in post(i, visitor: i % visitors, text: questions[i % questions.count]) }
    let webFailures = Atomic<Int>(0)
    let webCPU0 = hostCPUSeconds()
    let webStart = ContinuousClock.now
    let connections = 4
    onThreads(connections) { c in
        let client = KeepAliveClient(port: port)
        var i = c
        while i < count {
            let due = webStart + .microseconds(Int64(i) * 1_000_000 / Int64(rate))
            if due > .now { Thread.sleep(forTimeInterval: Double((due - .now).components.attoseconds) / 1e18 + Double((due - .now).components.seconds)) }
            streams.posted(i % visitors, at: .now)
            if client.send(requests[i]) != 202 { webFailures.add(1, ordering: .relaxed) }
            i += connections
        }
    }
    let deadline = ContinuousClock.now + .seconds(60)
    while streams.answered < count - webFailures.load(ordering: .relaxed) && ContinuousClock.now < deadline { usleep(10_000) }
    let webCPU = (hostCPUSeconds() - webCPU0) / Double(max(1, streams.answered)) * 1e6
    let lat = streams.sortedLatencies
    let span = webStart.duration(to: streams.last ?? .now)
    let spanSeconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
    print(String(format: "web chat fixed rate: %d messages/s for %d s from %d visitors over %d connections: %d answers read from the streams (%.0f answers/s), %d failed posts; visitor-message-to-answer latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; host CPU %.0f µs per message",
                 rate, options.seconds, visitors, connections, lat.count, Double(lat.count) / spanSeconds,
                 webFailures.load(ordering: .relaxed), percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99),
                 lat.last ?? .nan, webCPU))

    // Bursts: every visitor posts one message at once; end-to-end throughput.
    var burstRates: [Double] = []
    var burstLatencies: [Double] = []
    for round in 0..<3 {
        streams.resetLatencies()
        let burst = (0..<visitors).map { v in post(count + round * visitors + v, visitor: v, text: questions[(v + round) % questions.count]) }
        let next = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
        let t0 = ContinuousClock.now
        onThreads(8) { _ in
            let client = KeepAliveClient(port: port)
            while true {
                let v = next.add(1, ordering: .relaxed).oldValue
                guard v < visitors else { return }
                streams.posted(v, at: .now)
                if client.send(burst[v]) != 202 { failed.add(1, ordering: .relaxed) }
            }
        }
        let until = ContinuousClock.now + .seconds(60)
        while streams.answered < visitors - failed.load(ordering: .relaxed) && ContinuousClock.now < until { usleep(5_000) }
        let d = t0.duration(to: streams.last ?? .now)
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        burstRates.append(Double(streams.answered) / seconds)
        burstLatencies += streams.sortedLatencies
        if failed.load(ordering: .relaxed) > 0 { log("burst \(round): \(failed.load(ordering: .relaxed)) posts refused") }
    }
    burstLatencies.sort()
    print(String(format: "web chat bursts: %d visitors post one message each at once over 8 connections, 3 rounds: %@ answers/s end to end; latency over the rounds p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                 visitors, burstRates.map { String(format: "%.0f", $0) }.joined(separator: " / "),
                 percentile(burstLatencies, 0.5), percentile(burstLatencies, 0.99), burstLatencies.last ?? .nan))
    streams.stop()
}

// ---- Peak memory
for (k, host) in hosts.enumerated() {
    let status = (try? String(contentsOfFile: "/proc/\(host.pid)/status", encoding: .utf8)) ?? ""
    let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM") }.map(String.init) ?? "VmHWM: ?"
    print("host\(hosts.count > 1 ? " \(k + 1)" : "") peak RSS: \(hwm.replacingOccurrences(of: "VmHWM:", with: "").trimmingCharacters(in: .whitespaces))")
}
print("load average at the end: \(loadAverage())")
if !summary.isEmpty { print("summary: " + summary.joined(separator: "; ")) }
hosts.forEach { $0.stop() }
cleanUp()
