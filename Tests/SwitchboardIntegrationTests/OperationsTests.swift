import Foundation
import Synchronization
import Testing
import SwitchboardTestSupport
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Running a host as a service: `switchboard backup` under load and its restore, and the
/// systemd notification protocol (`Type=notify`) spoken over a real NOTIFY_SOCKET.
@Suite(.serialized) struct OperationsTests {
    /// Backup while four clients post webhooks; then the documented restore (copy the file
    /// into place of a stopped host's database, start it): every message acknowledged
    /// before the backup began is in the restored database, exactly once, and the restored
    /// host serves (it answers a new message).
    @Test func backupUnderLoadRestoresEverythingAcknowledgedBeforeIt() throws {
        let h = try PipelineHarness()
        try h.start()
        // Paced (each post is a new connection: unbounded posting for the length of a slow
        // backup would use up the machine's ephemeral ports, and other tests' servers could
        // not bind).
        let clients = PostingClients(h, text: "What are your opening hours?", senders: "23480355", limit: 1_000, pause: 10_000)
        clients.waitForAcknowledged(200)
        // Everything acknowledged up to here must be in the copy.
        let before = clients.acknowledged
        #expect(before.count >= 200)
        let backupFile = h.host.dir.appendingPathComponent("backup.db").path
        let backup = try runSwitchboard(["backup", "--config", h.host.configPath, backupFile], cwd: h.host.dir)
        let ackedDuringBackup = clients.acknowledged.count - before.count
        clients.stop()
        #expect(backup.status == 0, "backup failed: \(backup.stderr)")
        #expect(backup.stdout.contains("backed up"), "backup said: \(backup.stdout)")
        print("[measure] backup under load: \(before.count) acknowledged before, \(ackedDuringBackup) during; \(backup.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        // A second backup to the same name is refused and leaves the first intact.
        let again = try runSwitchboard(["backup", "--config", h.host.configPath, backupFile], cwd: h.host.dir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("file exists"), "stderr: \(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: backupFile + ".partial"))

        // Restore as docs/operations.md says: stop the host, replace the database (and
        // remove its -wal/-shm), start it.
        h.host.signal(SIGTERM)
        let exit = h.host.waitForExit(timeout: 30)
        #expect(exit == 0, "exit \(String(describing: exit)); log tail:\n\(h.host.logTail(4000))")
        let db = h.host.dir.appendingPathComponent("switchboard.db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        try FileManager.default.copyItem(atPath: backupFile, toPath: db)
        let repliesBefore = h.replies.count
        try h.restart()
        let counts = try Self.receivedCounts(h, of: before)
        let missing = before.filter { counts[$0] == nil }.count, doubled = counts.filter { $0.value > 1 }.count
        #expect(missing == 0, "\(missing) of \(before.count) messages acknowledged before the backup are not in it")
        #expect(doubled == 0)
        // The restored host serves: a new question is answered.
        try h.post([h.text("What are your opening hours?", from: "2348039999999")])
        #expect(h.graph.wait(timeout: .seconds(20)) { g in
            g.acceptedSends.dropFirst(repliesBefore).contains { $0.to == "2348039999999" }
        })
    }

    /// SIGTERM while four clients keep posting webhooks (each post a new connection, as
    /// Meta's are, and the fake Graph API's delivery receipts besides): the host exits 0,
    /// and after a restart every message that was acknowledged is stored, exactly once.
    /// (A request that begins late in the stop is answered 503, never left suspended: that
    /// aborted the process in libmicrohttpd once, seen in CI under load; here the window is
    /// rarely hit, so `HTTPDeferredResponseTests` covers it deterministically.)
    @Test func aStopUnderWebhookTrafficExitsCleanlyAndKeepsEveryAcknowledgedMessage() throws {
        let h = try PipelineHarness()
        try h.start()
        // Unpaced; a post that gets no answer (the host stopping) waits 5 ms.
        let clients = PostingClients(h, text: "Are you open on Sunday?", senders: "23480366", limit: 600, pause: 0)
        clients.waitForAcknowledged(150)
        h.host.signal(SIGTERM)
        let exit = h.host.waitForExit(timeout: 30)
        clients.stop()
        #expect(exit == 0, "exit \(String(describing: exit)); log:\n\(h.host.logTail(4000))")
        let acked = clients.acknowledged
        #expect(acked.count >= 150)
        print("[measure] stop under webhook traffic: \(acked.count) acknowledged, \(clients.otherStatus) answered with another status")

        try h.restart()
        let counts = try Self.receivedCounts(h, of: acked)
        let missing = acked.filter { counts[$0] == nil }
        let doubled = counts.filter { $0.value > 1 }
        #expect(missing.isEmpty, "\(missing.count) of \(acked.count) acknowledged messages are not stored")
        #expect(doubled.isEmpty, "\(doubled.count) acknowledged messages stored twice")
    }

    /// How many " received " journal lines name each of `ids` (provider message ids); ids
    /// no line names are absent.
    static func receivedCounts(_ h: PipelineHarness, of ids: [String]) throws -> [String: Int] {
        let received = try h.events().filter { $0.contains(" received ") }
        var counts: [String: Int] = [:]
        for line in received {
            if let id = ids.first(where: { line.contains($0) }) { counts[id, default: 0] += 1 }
        }
        return counts
    }

    @Test func backupRefusesMissingDatabaseAndBadArguments() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML())
        let noDB = try runSwitchboard(["backup", "--config", host.configPath, host.dir.appendingPathComponent("b.db").path], cwd: host.dir)
        #expect(noDB.status == 1)
        #expect(noDB.stderr.contains("no database here"), "stderr: \(noDB.stderr)")
        let noFile = try runSwitchboard(["backup", "--config", host.configPath], cwd: host.dir)
        #expect(noFile.status == 2)
        #expect(noFile.stderr.contains("expected one FILE"), "stderr: \(noFile.stderr)")
    }

    /// `switchboard contact export|erase` on a serving host's database: the export holds the
    /// customer's words, erase needs --yes, and after it the export holds none of them.
    @Test func contactExportAndEraseFromTheCommandLine() throws {
        let h = try PipelineHarness()
        try h.start()
        try h.post([h.text("Please deliver to 14 Allen Avenue", from: "2348034444444")])
        #expect(h.waitForReplies(1))
        let cfg = ["--config", h.host.configPath, "--workspace", "demo"]
        let export = try runSwitchboard(["contact", "export"] + cfg + ["+2348034444444"], cwd: h.host.dir)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("14 Allen Avenue"))
        #expect(export.stdout.contains("switchboard.contact-export/1"))
        let dryRun = try runSwitchboard(["contact", "erase"] + cfg + ["+2348034444444"], cwd: h.host.dir)
        #expect(dryRun.status == 1)
        #expect(dryRun.stdout.contains("would erase"), "\(dryRun.stdout)")
        let unknown = try runSwitchboard(["contact", "erase"] + cfg + ["--yes", "+2348030000000"], cwd: h.host.dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no contact"))
        let erase = try runSwitchboard(["contact", "erase"] + cfg + ["--yes", "+2348034444444"], cwd: h.host.dir)
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(erase.stdout.contains("erased contact"))
        // Found by id now (the number is gone), and empty of the customer's words.
        let id = try #require(export.stdout.firstMatch(of: /"id":"(ct_[0-9A-Z]+)"/)?.output.1)
        let after = try runSwitchboard(["contact", "export"] + cfg + [String(id)], cwd: h.host.dir)
        #expect(after.status == 0)
        #expect(!after.stdout.contains("Allen") && !after.stdout.contains("2348034444444"))
        #expect(try h.events().contains { $0.contains("contact_erased") })
    }

    /// sd_notify(3) over a real datagram socket: READY=1 once serving, RELOADING=1 then
    /// READY=1 around a SIGHUP, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM.
    @Test func systemdNotifyProtocol() throws {
        let socketPath = NSTemporaryDirectory() + "sb-notify-\(UUID().uuidString.prefix(8)).sock"
        let listener = try NotifyListener(path: socketPath)
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML())
        try host.start(environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "200000"])

        let ready = listener.wait(timeout: 20) { $0.contains("READY=1") }
        #expect(ready?.contains("STATUS=serving") == true, "got: \(listener.received)")
        #expect(ready?.contains("MAINPID=\(host.process.processIdentifier)") == true)
        // The host answers by then (READY is sent after every service started).
        #expect(try host.client.get("/readyz").status == 200)
        // The watchdog is petted repeatedly (every 100 ms here).
        #expect(listener.wait(timeout: 10) { _ in listener.received.filter { $0 == "WATCHDOG=1" }.count >= 3 } != nil,
                "got: \(listener.received)")

        host.signal(SIGHUP)
        #expect(listener.wait(timeout: 10) { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") } != nil, "got: \(listener.received)")
        #expect(listener.wait(timeout: 10) { $0.contains("READY=1") && $0.contains("reloaded") } != nil, "got: \(listener.received)")

        host.signal(SIGTERM)
        #expect(listener.wait(timeout: 10) { $0 == "STOPPING=1" } != nil, "got: \(listener.received)")
        #expect(host.waitForExit(timeout: 30) == 0)
        let afterStop = listener.received.count
        usleep(400_000)
        #expect(listener.received.count == afterStop, "sent after exit: \(listener.received.dropFirst(afterStop))")
    }

    /// Without NOTIFY_SOCKET nothing is sent and the host runs as before; a NOTIFY_SOCKET
    /// nobody listens on costs a warning, never the start.
    @Test func notifySocketNobodyListensOnDoesNotStopTheHost() throws {
        let host = try TestHost(hostYAML: TestHost.minimalHostYAML())
        try host.start(environment: ["NOTIFY_SOCKET": NSTemporaryDirectory() + "sb-nobody-\(UUID().uuidString.prefix(8)).sock"])
        #expect(try host.client.get("/readyz").status == 200)
        #expect(host.logText.contains("could not notify systemd"))
        host.signal(SIGTERM)
        #expect(host.waitForExit(timeout: 30) == 0)
    }
}

/// The service manager's end of NOTIFY_SOCKET: a bound datagram socket, read on a thread.
private final class NotifyListener: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let messages = Mutex<[String]>([])

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw HTTPClient.Failure(description: "bind \(path): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while let self {
                let n = recv(self.fd, &buffer, buffer.count, 0)
                if n > 0 { self.messages.withLock { $0.append(String(decoding: buffer[0..<n], as: UTF8.self)) } }
                if n < 0 && errno != EAGAIN && errno != EINTR { return }
            }
        }
        thread.start()
    }

    var received: [String] { messages.withLock { $0 } }

    /// Waits for a message matching `match`, and returns it.
    func wait(timeout: Double, _ match: (String) -> Bool) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let m = received.first(where: match) { return m }
            usleep(20_000)
        }
        return received.first(where: match)
    }

    deinit { close(fd); unlink(path) }
}

/// Four clients posting signed text messages to a harness's host, each post a new
/// connection (as Meta's are), each client at most `limit` posts (bounded: ephemeral
/// ports), pausing `pause` µs after each post and 5 ms after one that got no answer;
/// each from a sender of its own (`senders` + client + post number).
private final class PostingClients: Sendable {
    private let acked = Mutex<[String]>([])
    private let other = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let group = DispatchGroup()

    init(_ h: PipelineHarness, text: String, senders: String, limit: Int, pause: useconds_t) {
        for client in 0..<4 {
            DispatchQueue.global().async(group: group) { [self] in
                var n = 0
                while !stopping.load(ordering: .relaxed), n < limit {
                    let m = h.text(text, from: "\(senders)\(client)\(String(format: "%04d", n % 10_000))")
                    n += 1
                    if let r = try? h.post([m]) {
                        if r.status == 200 { acked.withLock { $0.append(m.id) } } else { other.add(1, ordering: .relaxed) }
                    } else {
                        usleep(5_000) // closed or refused: the host is stopping
                    }
                    if pause > 0 { usleep(pause) }
                }
            }
        }
    }

    /// Provider ids of the messages acknowledged with 200 so far, in order.
    var acknowledged: [String] { acked.withLock { $0 } }
    /// Posts answered with another status.
    var otherStatus: Int { other.load(ordering: .relaxed) }

    /// Waits until `n` are acknowledged (at most 30 s; the caller checks the count).
    func waitForAcknowledged(_ n: Int) {
        let end = Date().addingTimeInterval(30)
        while acked.withLock({ $0.count }) < n && Date() < end { usleep(5_000) }
    }

    /// Stops the clients and waits for their last posts.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        group.wait()
    }
}
