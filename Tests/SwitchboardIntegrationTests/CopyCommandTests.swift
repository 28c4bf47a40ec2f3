import Foundation
import Testing
import SwitchboardTestSupport

/// `switchboard copy --from sqlite:PATH --to postgres:URL`: an installation that served
/// on SQLite is copied, the same host config switched to `storage.postgres`, and the host
/// started on the copy serves the old conversations (a customer's next message joins its
/// conversation, a webhook redelivered from before the move is not answered twice) and
/// the journal goes on after the copied entries. Bad arguments are clear errors.
@Suite(.serialized) struct CopyCommandTests {
    @Test func aHostStartedOnTheCopyServesTheOldConversations() throws {
        let h = try PipelineHarness(workspaces: ["demo": ResponderPipelineTests.bakeryWithoutLLM])
        try h.start()
        let first = h.text("wen r u open on saturday?")
        #expect(try h.post([first]).status == 200)
        #expect(h.waitForReplies(1))
        #expect(try h.post([h.text("are you open sunday?")]).status == 200)
        #expect(h.waitForReplies(2))
        var sent: [String] = []
        for _ in 0..<200 {
            sent = try h.events().filter { $0.contains(" sent ") }
            if sent.count == 2 { break }
            usleep(50_000)
        }
        #expect(sent.count == 2)
        h.host.signal(SIGTERM)
        #expect(h.host.waitForExit(timeout: 30) == 0)
        let before = try h.events()
        let conversation = try #require(before.first { $0.contains(" received ") }?
            .split(separator: " ").first { $0.hasPrefix("conversation=") })

        let db = h.host.dir.appendingPathComponent("switchboard.db").path
        let url = try TestPostgres.freshDatabase(prefix: "copycli")
        let copy = try runSwitchboard(["copy", "--from", "sqlite:\(db)", "--to", "postgres:\(url)"])
        #expect(copy.status == 0, "\(copy)")
        #expect(copy.stdout.contains("rows per table"), "\(copy)")
        #expect(copy.stdout.range(of: #"\n  messages +4\n"#, options: .regularExpression) != nil, "\(copy.stdout)")
        #expect(copy.stdout.contains("sequence events.id continues at \(before.count + 1)"), "\(copy.stdout)")
        #expect(copy.stdout.contains("copied "), "\(copy)")
        // Again: the target is no longer empty.
        let again = try runSwitchboard(["copy", "--from", "sqlite:\(db)", "--to", "postgres:\(url)"])
        #expect(again.status == 1 && again.stderr.contains("--to ") && again.stderr.contains("not empty"), "\(again)")

        let text = try String(contentsOfFile: h.host.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "sqlite: \(db)", with: "postgres: \"\(url)\"")
            .write(toFile: h.host.configPath, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: db)   // nothing can come from the old file now
        try h.restart()
        let copied = try h.events()
        #expect(Array(copied.prefix(before.count)) == before)
        // A redelivery of a message from before the move is known; the next message joins
        // the old conversation and is answered.
        #expect(try h.post([first]).status == 200)
        #expect(try h.post([h.text("thanks, see you saturday")]).status == 200)
        #expect(h.waitForReplies(3))
        var after: [String] = []
        for _ in 0..<200 {
            after = try h.events()
            if after.filter({ $0.contains(" received ") }).count == 3 && after.filter({ $0.contains(" sent ") }).count == 3 { break }
            usleep(50_000)
        }
        #expect(Array(after.prefix(before.count)) == before)
        let received = after.filter { $0.contains(" received ") }
        #expect(received.count == 3, "\(after)")
        #expect(received.allSatisfy { $0.contains(String(conversation)) }, "\(received)")
        #expect(h.replies.count == 3)
        h.host.signal(SIGTERM)
        _ = h.host.waitForExit(timeout: 30)
    }

    @Test func badArgumentsAreClearErrors() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sb-copy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.db").path
        let r1 = try runSwitchboard(["copy", "--from", "sqlite:\(missing)", "--to", "postgres:postgresql://x@127.0.0.1:1/db"])
        #expect(r1.status == 1 && r1.stderr.contains("--from sqlite:\(missing): no such file"), "\(r1)")
        let r2 = try runSwitchboard(["copy", "--from", missing, "--to", "postgres:postgresql://x@127.0.0.1:1/db"])
        #expect(r2.status == 2 && r2.stderr.contains("--from must be sqlite:PATH"), "\(r2)")
        let r3 = try runSwitchboard(["copy", "--from", "sqlite:\(missing)", "--to", "mysql://x@h/db"])
        #expect(r3.status == 2 && r3.stderr.contains("--to must be postgres:URL"), "\(r3)")
        let r4 = try runSwitchboard(["copy", "--to", "postgres:postgresql://x@h/db"])
        #expect(r4.status == 2 && r4.stderr.contains("--from sqlite:PATH is required"), "\(r4)")
        // A real SQLite installation, a server that does not answer / wrong credentials.
        let h = try TestHost(hostYAML: TestHost.minimalHostYAML())
        #expect(try runSwitchboard(["migrate", "--config", h.configPath], cwd: h.dir).status == 0)
        let db = h.dir.appendingPathComponent("switchboard.db").path
        let r5 = try runSwitchboard(["copy", "--from", "sqlite:\(db)", "--to", "postgres:postgresql://app:s3cret@127.0.0.1:1/db?connect_timeout=2"])
        #expect(r5.status == 1 && r5.stderr.contains("--to: cannot connect"), "\(r5)")
        #expect(!(r5.stderr + r5.stdout).contains("s3cret"))
        let good = try TestPostgres.freshDatabase(prefix: "copycli")
        let wrongUser = good.replacingOccurrences(of: "://switchboard@", with: "://nobody_here@")
        #expect(wrongUser != good)
        let r6 = try runSwitchboard(["copy", "--from", "sqlite:\(db)", "--to", "postgres:\(wrongUser)"])
        #expect(r6.status == 1 && r6.stderr.contains("--to: cannot connect"), "\(r6)")
    }
}
